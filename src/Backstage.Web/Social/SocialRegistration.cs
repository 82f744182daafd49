using Microsoft.Extensions.Options;

namespace Backstage.Web.Social;

public static class SocialRegistration
{
    /// <summary>The footer's follow links. Config: Backstage:Social (absolute https URLs).</summary>
    public static void AddBackstageSocial(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<SocialOptions>().BindConfiguration(SocialOptions.Section)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<SocialOptions>, SocialOptionsValidator>();
        builder.Services.AddSingleton<SocialIcons>();
    }

    /// <summary>Names the key and its value in the start-up failure.</summary>
    private sealed class SocialOptionsValidator : IValidateOptions<SocialOptions>
    {
        public ValidateOptionsResult Validate(string? name, SocialOptions options) =>
            options.Problem() is { } p ? ValidateOptionsResult.Fail(p) : ValidateOptionsResult.Success;
    }
}

/// <summary>
/// The icons, read once from our own SVG files (wwwroot/icons/social-*.svg) and written inline into the footer: no
/// third-party script, font or request, and nothing to load late. Each file has fixed width/height, so nothing shifts.
/// </summary>
public sealed class SocialIcons(IWebHostEnvironment env)
{
    private readonly Dictionary<string, string> _svg = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    public string Svg(string key)
    {
        lock (_lock)
        {
            if (_svg.TryGetValue(key, out var s)) return s;
            var file = env.WebRootFileProvider.GetFileInfo($"icons/social-{key.ToLowerInvariant()}.svg");
            using var reader = new StreamReader(file.CreateReadStream());
            return _svg[key] = reader.ReadToEnd().Trim();
        }
    }
}
