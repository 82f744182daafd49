using System.Net;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Backstage.Web.Tests.Infrastructure;

/// <summary>Posts forms the way a browser does: fetch the page, take its antiforgery token, post the fields.</summary>
public sealed class FormClient(HttpClient http)
{
    public HttpClient Http { get; } = http;
    public string? Email { get; set; }

    public async Task<IHtmlDocument> GetDocumentAsync(string url)
    {
        var response = await Http.GetAsync(url);
        var html = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"GET {url} answered {(int)response.StatusCode}: {html[..Math.Min(html.Length, 500)]}");
        return new HtmlParser().ParseDocument(html);
    }

    /// <summary>GETs <paramref name="pageUrl"/>, then posts <paramref name="fields"/> with that page's antiforgery token.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string pageUrl, IEnumerable<KeyValuePair<string, string>> fields, string? postUrl = null)
    {
        var page = await GetDocumentAsync(pageUrl);
        var token = page.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value")
                    ?? throw new InvalidOperationException($"{pageUrl} has no antiforgery token");
        var body = fields.Append(new("__RequestVerificationToken", token));
        return await Http.PostAsync(postUrl ?? pageUrl, new FormUrlEncodedContent(body));
    }

    public Task<HttpResponseMessage> PostFormAsync(string pageUrl, params (string Key, string Value)[] fields) =>
        PostFormAsync(pageUrl, fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));

    public async Task SignInAsync(string email, string password)
    {
        var response = await PostFormAsync("/account/login", ("Input.Email", email), ("Input.Password", password));
        if (response.StatusCode != HttpStatusCode.Redirect)
            throw new InvalidOperationException($"sign-in as {email} failed: {(int)response.StatusCode} " +
                (Parse(await response.Content.ReadAsStringAsync()).QuerySelector(".validation-summary-errors, [role=alert], .field-validation-error")?.TextContent.Trim() ?? (await response.Content.ReadAsStringAsync())[..2000]));
    }

    public static IHtmlDocument Parse(string html) => new HtmlParser().ParseDocument(html);
}

public static class ButtonForms
{
    /// <summary>
    /// Presses one of a form's buttons the way a browser does: "save" posts to the page itself, any other action to
    /// its own handler (Publish, Schedule, Unpublish: one handler per button).
    /// </summary>
    public static Task<HttpResponseMessage> PostActionAsync(this FormClient client, string pageUrl, string action, params (string Key, string Value)[] fields) =>
        client.PostFormAsync(pageUrl, fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)),
            action == "save" ? pageUrl : $"{pageUrl}?handler={char.ToUpperInvariant(action[0])}{action[1..]}");
}
