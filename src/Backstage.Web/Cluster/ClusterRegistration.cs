using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Backstage.Web.Data;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.OutputCaching;

namespace Backstage.Web.Cluster;

public static class ClusterRegistration
{
    public const string CertificatePathKey = "Backstage:DataProtection:CertificatePath";
    public const string CertificatePasswordKey = "Backstage:DataProtection:CertificatePassword";

    /// <summary>
    /// What lets any number of nodes share one PostgreSQL: cache evictions broadcast with LISTEN/NOTIFY (plus polling),
    /// job notifications to every node's workers, data-protection keys encrypted with a certificate. Call after the
    /// features that add the output cache. Config: Backstage:Cluster, Backstage:DataProtection.
    /// </summary>
    public static void AddBackstageCluster(this WebApplicationBuilder builder)
    {
        var s = builder.Services;
        s.AddOptions<ClusterOptions>().BindConfiguration(ClusterOptions.Section)
            .Validate(o => o.PollInterval > TimeSpan.Zero, $"{ClusterOptions.Section}:PollInterval must be positive (e.g. 00:00:02).")
            .Validate(o => o.Retention >= TimeSpan.FromMinutes(5), $"{ClusterOptions.Section}:Retention must be at least 00:05:00.")
            .ValidateOnStart();
        s.AddSingleton<ClusterEvictions>();
        s.AddHostedService<ClusterListener>();

        // This node's in-memory store, wrapped so that evictions reach every node.
        var local = s.LastOrDefault(d => d.ServiceType == typeof(IOutputCacheStore))
                    ?? throw new InvalidOperationException("AddBackstageCluster must come after the output cache is added");
        s.Remove(local);
        s.AddSingleton<IOutputCacheStore>(sp => new ClusterOutputCacheStore(
            local.ImplementationInstance as IOutputCacheStore
            ?? (IOutputCacheStore?)local.ImplementationFactory?.Invoke(sp)
            ?? (IOutputCacheStore)ActivatorUtilities.CreateInstance(sp, local.ImplementationType!),
            sp.GetRequiredService<ClusterEvictions>()));

        ProtectKeys(builder);
    }

    /// <summary>Encrypts the data-protection keys at rest with a certificate; production says loudly when they are not.</summary>
    private static void ProtectKeys(WebApplicationBuilder builder)
    {
        var path = builder.Configuration[CertificatePathKey];
        if (string.IsNullOrWhiteSpace(path))
        {
            if (builder.Environment.IsProduction()) builder.Services.AddHostedService<UnprotectedKeysWarning>();
            return;
        }
        if (!File.Exists(path)) throw new StartupException($"{CertificatePathKey} points to \"{path}\", which does not exist.");
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadPkcs12FromFile(path, builder.Configuration[CertificatePasswordKey]);
        }
        catch (CryptographicException e)
        {
            throw new StartupException($"Could not read the certificate {path} ({CertificatePasswordKey} wrong or missing?): {e.Message}");
        }
        if (!certificate.HasPrivateKey) throw new StartupException($"The certificate {path} has no private key; data-protection keys need one (a .pfx/.p12).");
        builder.Services.AddDataProtection().ProtectKeysWithCertificate(certificate);
    }

    private sealed class UnprotectedKeysWarning(ILogger<UnprotectedKeysWarning> log) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            log.LogWarning("SECURITY: data-protection keys are stored in PostgreSQL UNENCRYPTED — anyone who can read the database " +
                           "(a backup, a replica) can forge sign-in cookies. Set {Path} (a .pfx with a private key) and {Password}.",
                CertificatePathKey, CertificatePasswordKey);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
