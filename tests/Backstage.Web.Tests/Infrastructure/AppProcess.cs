using System.Diagnostics;

namespace Backstage.Web.Tests.Infrastructure;

/// <summary>The built app run as an operator would (dotnet Backstage.Web.dll …), in Production, as its own process.</summary>
public static class AppProcess
{
    /// <summary>Runs with these environment variables (null removes one) and empty standard input; returns the exit code and standard error.</summary>
    public static async Task<(int ExitCode, string Stderr)> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet", [typeof(Program).Assembly.Location, .. args])
        {
            RedirectStandardError = true, RedirectStandardOutput = true, RedirectStandardInput = true,
        };
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
            if (value is null) psi.Environment.Remove(key);
            else psi.Environment[key] = value;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync(); // drained so a chatty process cannot block on a full pipe
        var stderr = await p.StandardError.ReadToEndAsync();
        await stdout;
        await p.WaitForExitAsync();
        return (p.ExitCode, stderr);
    }
}
