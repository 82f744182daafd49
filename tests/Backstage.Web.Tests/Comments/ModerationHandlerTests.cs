using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Comments;

namespace Backstage.Web.Tests.Comments;

/// <summary>Issue 17 item 2: the moderation queue has one handler per decision; a posted "verb:id" string is not a command.</summary>
public sealed class ModerationHandlerTests(ClockFactory factory) : IClassFixture<ClockFactory>
{
    [Fact]
    public async Task Each_decision_is_its_own_handler_a_row_button_acts_on_its_id_only_and_a_verb_id_string_changes_nothing()
    {
        var article = await factory.CreateArticleAsync();
        var ids = new List<long>();
        for (int i = 0; i < 3; i++)
            ids.Add(await (await factory.ClientAsync(Roles.Reader)).PostAcceptedAsync(article, $"Handler {i} {Guid.NewGuid()}"));
        var admin = await factory.ClientAsync(Roles.Admin);

        // The old form shape is no command any more.
        Assert.Equal(HttpStatusCode.BadRequest, (await admin.ModerateAsync("/moderation", ("act", $"approve:{ids[0]}"))).StatusCode);
        Assert.Equal(CommentState.Pending, (await factory.CommentAsync(ids[0])).State);

        // The page's row buttons post to their own handler with the comment's id; the ticked boxes do not widen it.
        var queue = await admin.GetDocumentAsync($"/moderation?article={article.Id}");
        var approve = queue.QuerySelector($"button[aria-label='Approve comment {ids[0]}']")!.GetAttribute("formaction")!;
        Assert.Contains("handler=Approve", approve);
        Assert.Contains($"id={ids[0]}", approve);
        Assert.Equal(HttpStatusCode.Redirect, (await admin.ModerateAsync(approve, ("ids", ids[1].ToString()))).StatusCode);
        Assert.Equal([CommentState.Approved, CommentState.Pending, CommentState.Pending], await StatesAsync(ids));

        // The bulk buttons act on the ticked ids.
        var spam = queue.QuerySelector("form.moderation .bulk-actions button.secondary")!.GetAttribute("formaction")!;
        Assert.Contains("handler=Spam", spam);
        await admin.ModerateAsync(spam, ("ids", ids[1].ToString()), ("ids", ids[2].ToString()));
        Assert.Equal([CommentState.Approved, CommentState.Spam, CommentState.Spam], await StatesAsync(ids));
        await admin.ModerateAsync($"/moderation?handler=Restore&id={ids[2]}");
        await admin.ModerateAsync($"/moderation?handler=Trash&id={ids[1]}");
        Assert.Equal([CommentState.Approved, CommentState.Trash, CommentState.Pending], await StatesAsync(ids));
    }

    private async Task<CommentState[]> StatesAsync(List<long> ids) =>
        await Task.WhenAll(ids.Select(async i => (await factory.CommentAsync(i)).State));
}
