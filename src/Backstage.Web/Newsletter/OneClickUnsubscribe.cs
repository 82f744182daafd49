namespace Backstage.Web.Newsletter;

/// <summary>
/// RFC 8058 one-click unsubscribe: a mail client (Gmail) POSTs "List-Unsubscribe=One-Click" as a form body to the URL in
/// List-Unsubscribe, with no cookie and no antiforgery token. The token in the URL is the authority, so this one endpoint
/// is exempt from antiforgery; a cross-site POST could only unsubscribe the holder of a secret link.
/// </summary>
public static class OneClickUnsubscribe
{
    public static async Task<IResult> HandleAsync(HttpContext http, Subscriptions subscriptions, CancellationToken ct)
    {
        var token = http.Request.Query["token"].ToString();
        if (!http.Request.HasFormContentType) return Results.BadRequest("Expected the form body List-Unsubscribe=One-Click.");
        var form = await http.Request.ReadFormAsync(ct);
        if (form["List-Unsubscribe"] != "One-Click") return Results.BadRequest("Expected the form body List-Unsubscribe=One-Click.");
        return await subscriptions.UnsubscribeAsync(token, ct)
            ? Results.Text("You are unsubscribed from the Backstage newsletter.", "text/plain")
            : Results.NotFound("That unsubscribe link is not valid.");
    }
}
