namespace Backstage.Web.Reader;

/// <summary>Share addresses for a page (absolute URL), with a picture for Pinterest when there is one.</summary>
public sealed record ShareLinks(string Url, string Title, string? ImageUrl = null)
{
    private static string E(string s) => Uri.EscapeDataString(s);

    public string X => $"https://x.com/intent/tweet?url={E(Url)}&text={E(Title)}";
    public string Facebook => $"https://www.facebook.com/sharer/sharer.php?u={E(Url)}";
    public string Pinterest => $"https://www.pinterest.com/pin/create/button/?url={E(Url)}&description={E(Title)}" +
                               (ImageUrl is null ? "" : $"&media={E(ImageUrl)}");
    public string WhatsApp => $"https://wa.me/?text={E(Title + " " + Url)}";
    public string Email => $"mailto:?subject={E(Title)}&body={E(Title + "\n\n" + Url)}";
}
