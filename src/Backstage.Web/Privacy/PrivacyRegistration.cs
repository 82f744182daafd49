namespace Backstage.Web.Privacy;

public static class PrivacyRegistration
{
    /// <summary>Readers' own data: "Download my data" and "Delete my account" (and the same for newsletter-only subscribers). Config: Backstage:Privacy.</summary>
    public static void AddBackstagePrivacy(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PrivacyOptions>().BindConfiguration(PrivacyOptions.Section).ValidateOnStart();
        builder.Services.AddScoped<ReaderData>();
    }
}
