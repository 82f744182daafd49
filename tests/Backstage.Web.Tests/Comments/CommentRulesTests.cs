using System.Net;
using System.Net.Http.Json;
using Backstage.Web.Accounts;
using Backstage.Web.Comments;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Tests.Comments;

/// <summary>Every automatic rule, through the real form post and the real database.</summary>
public sealed class CommentRulesTests(ClockFactory factory) : IClassFixture<ClockFactory>
{
    [Fact]
    public async Task First_comment_is_held_until_approved_and_only_its_author_sees_it()
    {
        var article = await factory.CreateArticleAsync();
        var reader = await factory.ClientAsync(Roles.Reader);
        const string firstHint = "Your first comment is read by a moderator";
        Assert.Contains(firstHint, (await reader.GetDocumentAsync($"/articles/{article.Slug}")).GetElementById("comment-hint")!.TextContent);
        var text = "Loved the Dior braids " + Guid.NewGuid();
        var id = await reader.PostAcceptedAsync(article, text);

        Assert.Equal(CommentState.Pending, (await factory.CommentAsync(id)).State);
        var own = await reader.GetDocumentAsync($"/articles/{article.Slug}");
        var mine = own.GetElementById($"comment-{id}");
        Assert.NotNull(mine);
        Assert.Contains("Awaiting moderation", mine.TextContent);
        Assert.Contains(text, mine.TextContent);

        var anonymous = await (await factory.Anonymous().GetAsync($"/articles/{article.Slug}")).Content.ReadAsStringAsync();
        Assert.DoesNotContain(text, anonymous);
        Assert.Contains("Sign in to comment", anonymous);
        var other = await factory.ClientAsync(Roles.Reader);
        Assert.Null((await other.GetDocumentAsync($"/articles/{article.Slug}")).GetElementById($"comment-{id}"));

        var admin = await factory.ClientAsync(Roles.Admin);
        var approve = await admin.ModerateAsync($"/moderation?handler=Approve&id={id}");
        Assert.Equal(HttpStatusCode.Redirect, approve.StatusCode);
        Assert.Equal(CommentState.Approved, (await factory.CommentAsync(id)).State);
        Assert.Contains(text, await (await factory.Anonymous().GetAsync($"/articles/{article.Slug}")).Content.ReadAsStringAsync());

        // Once one comment is approved, the next one appears straight away, and the form no longer says otherwise.
        Assert.DoesNotContain(firstHint, (await reader.GetDocumentAsync($"/articles/{article.Slug}")).GetElementById("comment-hint")!.TextContent);
        factory.Clock.Advance(TimeSpan.FromSeconds(16));
        var second = await reader.PostAcceptedAsync(article, "And the Gucci socks " + Guid.NewGuid());
        Assert.Equal(CommentState.Approved, (await factory.CommentAsync(second)).State);

        var audit = await factory.AuditAsync(id);
        Assert.Collection(audit,
            a => { Assert.Equal("posted", a.Action); Assert.Equal("rule: first comment", a.Actor); Assert.Null(a.ActorId); Assert.Equal(CommentState.Pending, a.ToState); },
            a => { Assert.Equal("approved", a.Action); Assert.Equal(admin.Email, a.Actor); Assert.NotNull(a.ActorId); Assert.Equal(CommentState.Pending, a.FromState); Assert.Equal(CommentState.Approved, a.ToState); });
        var secondAudit = Assert.Single(await factory.AuditAsync(second));
        Assert.Equal("rule: auto-approve", secondAudit.Actor);
        Assert.Equal(CommentState.Approved, secondAudit.ToState);
    }

    [Fact]
    public async Task More_than_two_links_are_held()
    {
        var article = await factory.CreateArticleAsync();
        var reader = await factory.TrustedReaderAsync(article);
        var two = await reader.PostAcceptedAsync(article, "See https://a.example/x and www.b.example " + Guid.NewGuid());
        Assert.Equal(CommentState.Approved, (await factory.CommentAsync(two)).State);

        factory.Clock.Advance(TimeSpan.FromSeconds(16));
        var three = await reader.PostAcceptedAsync(article, "http://a.example https://b.example www.c.example " + Guid.NewGuid());
        Assert.Equal(CommentState.Pending, (await factory.CommentAsync(three)).State);
        var entry = Assert.Single(await factory.AuditAsync(three));
        Assert.Equal("rule: link limit", entry.Actor);
        Assert.Contains("3 links", entry.Reason);
    }

    [Fact]
    public async Task Moderation_list_holds_and_block_list_sends_look_alike_spellings_to_spam()
    {
        var article = await factory.CreateArticleAsync();
        var held = "review" + CommentTestKit.RandomWord(5);
        var blocked = "casino" + CommentTestKit.RandomWord(4);
        // Through the admin page, as an admin would.
        var admin = await factory.ClientAsync(Roles.Admin);
        var save = await admin.PostFormAsync("/admin/rules",
            ("Input.HoldFirstComment", "true"), ("Input.MaxLinks", "2"), ("Input.ModerationWords", held), ("Input.BlockWords", "someword\n" + blocked),
            ("Input.MinSecondsBetweenComments", "15"), ("Input.MaxCommentsPerHour", "10"), ("Input.MaxCommentsPerHourPerIp", "30"),
            ("Input.EditWindowMinutes", "15"), ("Input.TrashRetentionDays", "30"));
        Assert.Equal(HttpStatusCode.Redirect, save.StatusCode);
        var reader = await factory.TrustedReaderAsync(article);

        var heldId = await reader.PostAcceptedAsync(article, $"Is this {held.ToUpperInvariant()} legit?");
        Assert.Equal(CommentState.Pending, (await factory.CommentAsync(heldId)).State);
        Assert.Equal("rule: moderation list", Assert.Single(await factory.AuditAsync(heldId)).Actor);

        // Cyrillic а, 1 for i, 0 for o, dots between letters, an accent and a zero-width space.
        var disguised = string.Join(".", blocked.Replace("a", "\u0430").Replace("i", "1").Replace("o", "0").ToCharArray()).Replace("s", "s\u200B").Replace("n", "ñ");
        factory.Clock.Advance(TimeSpan.FromSeconds(16));
        var spamId = await reader.PostAcceptedAsync(article, $"Best odds at {disguised} tonight");
        Assert.Equal(CommentState.Spam, (await factory.CommentAsync(spamId)).State);
        var entry = Assert.Single(await factory.AuditAsync(spamId));
        Assert.Equal("rule: block list", entry.Actor);
        Assert.Contains(blocked, entry.Reason);
        // Its author is not told it went to spam; nobody else sees it.
        Assert.Contains("Awaiting moderation", (await reader.GetDocumentAsync($"/articles/{article.Slug}")).GetElementById($"comment-{spamId}")!.TextContent);
        Assert.DoesNotContain("Best odds", await (await factory.Anonymous().GetAsync($"/articles/{article.Slug}")).Content.ReadAsStringAsync());
        // A word that merely contains a listed word inside it is not caught.
        factory.Clock.Advance(TimeSpan.FromSeconds(16));
        var innocent = await reader.PostAcceptedAsync(article, $"x{blocked} is not {held}s");
        Assert.Equal(CommentState.Approved, (await factory.CommentAsync(innocent)).State);
        await factory.SetRulesAsync(r => { r.ModerationWords = ""; r.BlockWords = ""; });
    }

    [Fact]
    public async Task Flood_limits_answer_429_with_a_readable_message_and_keep_the_typed_text()
    {
        var article = await factory.CreateArticleAsync();
        var reader = await factory.ClientAsync(Roles.Reader);
        await reader.PostAcceptedAsync(article, "One " + Guid.NewGuid());

        var typed = "Too quick <b>again</b> " + Guid.NewGuid();
        var tooSoon = await reader.PostCommentAsync(article, typed);
        Assert.Equal(HttpStatusCode.TooManyRequests, tooSoon.StatusCode);
        var page = FormClient.Parse(await tooSoon.Content.ReadAsStringAsync());
        Assert.Contains("too quickly", page.QuerySelector("[data-comment-error]")!.TextContent);
        Assert.Equal(typed, page.QuerySelector("textarea[name='Input.Body']")!.TextContent);

        // The JavaScript path gets the same status with a JSON message.
        var token = (await reader.GetDocumentAsync($"/articles/{article.Slug}")).QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var fetch = new HttpRequestMessage(HttpMethod.Post, "/comments/write")
        {
            Content = new FormUrlEncodedContent([new("Input.ArticleId", article.Id.ToString()), new("Input.Body", typed), new("__RequestVerificationToken", token)]),
        };
        fetch.Headers.Add("X-Requested-With", "fetch");
        var json = await reader.Http.SendAsync(fetch);
        Assert.Equal(HttpStatusCode.TooManyRequests, json.StatusCode);
        Assert.Contains("too quickly", (await json.Content.ReadFromJsonAsync<Dictionary<string, string>>())!["error"]);

        // 15 seconds later it goes through; ten in an hour is the most.
        for (var i = 2; i <= 10; i++)
        {
            factory.Clock.Advance(TimeSpan.FromSeconds(16));
            await reader.PostAcceptedAsync(article, $"Comment {i} {Guid.NewGuid()}");
        }
        factory.Clock.Advance(TimeSpan.FromSeconds(16));
        var eleventh = await reader.PostCommentAsync(article, "Eleven " + Guid.NewGuid());
        Assert.Equal(HttpStatusCode.TooManyRequests, eleventh.StatusCode);
        Assert.Contains("in the last hour", await eleventh.Content.ReadAsStringAsync());
        Assert.Equal(10, await factory.WithDbAsync(db => db.Set<Comment>().CountAsync(c => c.ArticleId == article.Id)));
        factory.Clock.Advance(TimeSpan.FromHours(1));
        await reader.PostAcceptedAsync(article, "An hour later " + Guid.NewGuid());
    }

    [Fact]
    public async Task The_same_text_twice_is_refused_as_a_duplicate()
    {
        var article = await factory.CreateArticleAsync();
        var reader = await factory.ClientAsync(Roles.Reader);
        var text = "Same words " + Guid.NewGuid();
        await reader.PostAcceptedAsync(article, text);
        factory.Clock.Advance(TimeSpan.FromSeconds(16));
        var again = await reader.PostCommentAsync(article, "  " + text.ToUpperInvariant().Replace(" ", "   ") + "\n");
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already posted this comment", await again.Content.ReadAsStringAsync());
        Assert.Equal(1, await factory.WithDbAsync(db => db.Set<Comment>().CountAsync(c => c.ArticleId == article.Id)));
        // Another reader may say the same thing.
        var other = await factory.ClientAsync(Roles.Reader);
        await other.PostAcceptedAsync(article, text);
    }

    [Fact]
    public async Task A_filled_honeypot_is_dropped_silently()
    {
        var article = await factory.CreateArticleAsync();
        var bot = await factory.ClientAsync(Roles.Reader);
        var response = await bot.PostFormAsync($"/articles/{article.Slug}",
            [new("Input.ArticleId", article.Id.ToString()), new("Input.Body", "Cheap watches " + Guid.NewGuid()), new("Input.Website", "http://spam.example")], "/comments/write");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(0, await factory.WithDbAsync(db => db.Set<Comment>().CountAsync(c => c.ArticleId == article.Id)));
    }

    [Fact]
    public async Task Banned_reader_cannot_comment_and_their_pending_comments_go_to_trash()
    {
        var article = await factory.CreateArticleAsync();
        var reader = await factory.ClientAsync(Roles.Reader);
        var pending = await reader.PostAcceptedAsync(article, "Pending words " + Guid.NewGuid());
        var userId = (await factory.CommentAsync(pending)).AuthorId;

        var admin = await factory.ClientAsync(Roles.Admin);
        var ban = await admin.ModerateAsync("/moderation?handler=Ban", ("userId", userId), ("reason", "trolling"));
        Assert.Equal(HttpStatusCode.Redirect, ban.StatusCode);
        Assert.Equal(CommentState.Trash, (await factory.CommentAsync(pending)).State);
        var trashEntry = (await factory.AuditAsync(pending)).Last();
        Assert.Equal(("trash", CommentState.Pending, CommentState.Trash), (trashEntry.Action, trashEntry.FromState, trashEntry.ToState));
        Assert.Contains("trolling", trashEntry.Reason);
        Assert.True(await factory.WithDbAsync(db => db.Set<CommentAuditEntry>().AnyAsync(a => a.Action == "banned" && a.SubjectUserId == userId && a.Actor == admin.Email)));

        // The ban also ended the reader's session (issue 9.1), and they cannot sign in again while banned.
        var page = await reader.GetDocumentAsync($"/articles/{article.Slug}");
        Assert.Null(page.QuerySelector("form[data-comment-form]"));
        Assert.Contains("Sign in to comment", page.Body!.TextContent);
        factory.Clock.Advance(TimeSpan.FromSeconds(16));
        var refused = await reader.Http.GetAsync($"/comments/write?article={article.Slug}");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/account/login", refused.Headers.Location!.PathAndQuery);
        Assert.Equal(HttpStatusCode.OK, (await reader.PostFormAsync("/account/login", ("Input.Email", reader.Email!), ("Input.Password", BackstageFactory.Password))).StatusCode);

        var unban = await admin.ModerateAsync("/moderation?handler=Unban", ("userId", userId));
        Assert.Equal(HttpStatusCode.Redirect, unban.StatusCode);
        await reader.SignInAsync(reader.Email!, BackstageFactory.Password);
        await reader.PostAcceptedAsync(article, "Back again " + Guid.NewGuid());
    }

    [Fact]
    public async Task Readers_report_a_comment_once_and_it_reaches_the_queue()
    {
        var article = await factory.CreateArticleAsync();
        var author = await factory.TrustedReaderAsync(article);
        var id = await author.PostAcceptedAsync(article, "Hot take " + Guid.NewGuid());
        var reporter = await factory.ClientAsync(Roles.Reader);

        var first = await reporter.PostFormAsync($"/articles/{article.Slug}", [new("reason", "rude")], $"/comments/{id}/report");
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var second = await reporter.PostFormAsync($"/articles/{article.Slug}", [], $"/comments/{id}/report");
        Assert.Equal(HttpStatusCode.Redirect, second.StatusCode);
        Assert.Equal(1, await factory.WithDbAsync(db => db.Set<CommentReport>().CountAsync(r => r.CommentId == id)));
        Assert.Equal(1, (await factory.CommentAsync(id)).OpenReports);
        // Nobody reports their own comment.
        var own = await author.PostFormAsync($"/articles/{article.Slug}", [], $"/comments/{id}/report");
        Assert.Equal(HttpStatusCode.NotFound, own.StatusCode);

        var admin = await factory.ClientAsync(Roles.Admin);
        var queue = await admin.GetDocumentAsync("/moderation");
        var row = queue.GetElementById($"mod-{id}");
        Assert.NotNull(row);
        Assert.Contains("rude", row.TextContent);
        Assert.Contains("Reported by " + reporter.Email, row.TextContent);
        Assert.Contains("reported", (await factory.AuditAsync(id)).Select(a => a.Action));

        // Keeping it settles the reports: it leaves the queue, with an audit entry.
        await admin.ModerateAsync($"/moderation?handler=Approve&id={id}");
        Assert.Equal(0, (await factory.CommentAsync(id)).OpenReports);
        Assert.Null((await admin.GetDocumentAsync("/moderation")).GetElementById($"mod-{id}"));
        Assert.Equal("reports-dismissed", (await factory.AuditAsync(id)).Last().Action);
    }

    [Fact]
    public async Task Author_edits_within_fifteen_minutes_and_deletes_any_time()
    {
        var article = await factory.CreateArticleAsync();
        var reader = await factory.TrustedReaderAsync(article);
        var id = await reader.PostAcceptedAsync(article, "Typo heer " + Guid.NewGuid());

        var edited = "Typo here, fixed " + Guid.NewGuid();
        var save = await reader.PostFormAsync($"/comments/{id}/edit", ("Body", edited));
        Assert.Equal(HttpStatusCode.Redirect, save.StatusCode);
        var c = await factory.CommentAsync(id);
        Assert.Equal(edited, c.Body);
        Assert.NotNull(c.EditedAt);
        Assert.Equal("edited", (await factory.AuditAsync(id)).Last().Action);

        factory.Clock.Advance(TimeSpan.FromMinutes(16));
        var form = await reader.GetDocumentAsync($"/comments/{id}/edit");
        Assert.Null(form.QuerySelector("textarea"));
        var late = await reader.PostFormAsync($"/articles/{article.Slug}", [new("Body", "Too late " + Guid.NewGuid())], $"/comments/{id}/edit");
        Assert.Equal(HttpStatusCode.Forbidden, late.StatusCode);
        Assert.Equal(edited, (await factory.CommentAsync(id)).Body);

        // The no-JavaScript delete button is a real form with its own antiforgery token.
        var own = await reader.GetDocumentAsync($"/articles/{article.Slug}");
        Assert.NotNull(own.QuerySelector($"form[action='/comments/{id}/delete'] input[name=__RequestVerificationToken]"));
        var delete = await reader.PostFormAsync($"/articles/{article.Slug}", [], $"/comments/{id}/delete");
        Assert.Equal(HttpStatusCode.Redirect, delete.StatusCode);
        Assert.Equal(CommentState.Trash, (await factory.CommentAsync(id)).State);
        var entry = (await factory.AuditAsync(id)).Last();
        Assert.Equal(("deleted", CommentState.Approved, CommentState.Trash), (entry.Action, entry.FromState, entry.ToState));
        Assert.DoesNotContain(edited, await (await factory.Anonymous().GetAsync($"/articles/{article.Slug}")).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Replies_are_one_level_deep_and_show_whom_they_answer()
    {
        var article = await factory.CreateArticleAsync();
        var a = await factory.TrustedReaderAsync(article);
        var b = await factory.TrustedReaderAsync(article);
        var root = await a.PostAcceptedAsync(article, "Root " + Guid.NewGuid());
        // Without JavaScript, "Reply" opens a page with the comment and a form that answers it.
        var replyPage = await b.GetDocumentAsync($"/comments/write?article={article.Slug}&reply={root}");
        Assert.Equal(root.ToString(), replyPage.QuerySelector("form[data-comment-form] input[name='Input.ReplyToId']")!.GetAttribute("value"));
        Assert.NotNull(replyPage.GetElementById($"comment-{root}"));
        var reply = await b.PostAcceptedAsync(article, "Reply " + Guid.NewGuid(), ("Input.ReplyToId", root.ToString()));
        factory.Clock.Advance(TimeSpan.FromSeconds(16));
        var replyToReply = await a.PostAcceptedAsync(article, "Reply to reply " + Guid.NewGuid(), ("Input.ReplyToId", reply.ToString()));

        Assert.Equal(root, (await factory.CommentAsync(reply)).ParentId);
        var deep = await factory.CommentAsync(replyToReply);
        Assert.Equal((root, reply), (deep.ParentId!.Value, deep.ReplyToId!.Value));
        var page = FormClient.Parse(await (await factory.Anonymous().GetAsync($"/articles/{article.Slug}")).Content.ReadAsStringAsync());
        var rootItem = page.GetElementById($"comment-{root}")!;
        Assert.NotNull(rootItem.QuerySelector($".comment-replies #comment-{reply}"));
        Assert.NotNull(rootItem.QuerySelector($".comment-replies #comment-{replyToReply}"));
        Assert.Null(page.QuerySelector($".comment-replies .comment-replies"));
        Assert.Contains("in reply to Reader Person", page.GetElementById($"comment-{replyToReply}")!.TextContent);
    }

    [Fact]
    public async Task Posting_with_javascript_returns_the_comment_fragment()
    {
        var article = await factory.CreateArticleAsync();
        var reader = await factory.ClientAsync(Roles.Reader);
        var token = (await reader.GetDocumentAsync($"/articles/{article.Slug}")).QuerySelector("form[data-comment-form] input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var text = "Via fetch " + Guid.NewGuid();
        var request = new HttpRequestMessage(HttpMethod.Post, "/comments/write")
        {
            Content = new FormUrlEncodedContent([new("Input.ArticleId", article.Id.ToString()), new("Input.Body", text), new("__RequestVerificationToken", token)]),
        };
        request.Headers.Add("X-Requested-With", "fetch");
        var response = await reader.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var fragment = FormClient.Parse(await response.Content.ReadAsStringAsync());
        var item = fragment.QuerySelector("li.comment")!;
        Assert.Equal("true", item.GetAttribute("data-held"));
        Assert.Contains(text, item.TextContent);
        Assert.Null(fragment.QuerySelector("header.masthead"));
    }

    [Fact]
    public async Task Moderators_act_on_many_comments_at_once_and_the_navigation_counts_pending_ones()
    {
        var article = await factory.CreateArticleAsync();
        var ids = new List<long>();
        for (var i = 0; i < 3; i++)
            ids.Add(await (await factory.ClientAsync(Roles.Reader)).PostAcceptedAsync(article, $"Bulk {i} {Guid.NewGuid()}"));
        var admin = await factory.ClientAsync(Roles.Admin);
        var queue = await admin.GetDocumentAsync($"/moderation?article={article.Id}");
        Assert.Equal(3, queue.QuerySelectorAll("input[name=ids]").Length);
        Assert.Empty(queue.QuerySelectorAll("input[name=ids][checked]"));
        // "Select all" works without JavaScript: it links to the same filtered queue with every box ticked.
        var all = queue.QuerySelector("a[data-select-all]")!.GetAttribute("href")!;
        var ticked = await admin.GetDocumentAsync(all);
        Assert.Equal(ids.Select(i => i.ToString()).Order(), ticked.QuerySelectorAll("input[name=ids][checked]").Select(b => b.GetAttribute("value")!).Order());
        var badge = queue.QuerySelector(".area-nav [data-pending-count]");
        Assert.NotNull(badge);
        Assert.True(int.Parse(new string(badge.TextContent.Where(char.IsDigit).ToArray())) >= 3);

        var trash = await admin.ModerateAsync($"/moderation?handler=Trash&article={article.Id}", ("ids", ids[0].ToString()), ("ids", ids[1].ToString()), ("reason", "off-topic"));
        Assert.Equal(HttpStatusCode.Redirect, trash.StatusCode);
        Assert.Equal([CommentState.Trash, CommentState.Trash, CommentState.Pending], await Task.WhenAll(ids.Select(async i => (await factory.CommentAsync(i)).State)));
        await admin.ModerateAsync("/moderation?handler=Restore", ("ids", ids[0].ToString()));
        Assert.Equal(CommentState.Pending, (await factory.CommentAsync(ids[0])).State);
        var entries = await factory.AuditAsync(ids[0]);
        Assert.Equal(["posted", "trash", "restored"], entries.Select(e => e.Action));
        Assert.Equal("off-topic", entries[1].Reason);
        Assert.Equal((CommentState.Trash, CommentState.Pending), (entries[2].FromState!.Value, entries[2].ToState!.Value));
        await admin.ModerateAsync("/moderation?handler=Spam", ("ids", ids[2].ToString()));
        Assert.Equal(CommentState.Spam, (await factory.CommentAsync(ids[2])).State);

        var audit = await admin.GetDocumentAsync($"/admin/audit?comment={ids[0]}");
        Assert.Equal(3, audit.QuerySelectorAll("tr[data-audit-action]").Length);
        var filtered = await admin.GetDocumentAsync($"/admin/audit?comment={ids[0]}&by=rule");
        Assert.Equal("posted", Assert.Single(filtered.QuerySelectorAll("tr[data-audit-action]")).GetAttribute("data-audit-action"));
    }

    [Fact]
    public async Task The_audit_log_cannot_be_changed_or_deleted()
    {
        var article = await factory.CreateArticleAsync();
        var id = await (await factory.ClientAsync(Roles.Reader)).PostAcceptedAsync(article, "Audited " + Guid.NewGuid());
        await factory.WithDbAsync(async db =>
        {
            await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => db.Database.ExecuteSqlInterpolatedAsync($"UPDATE comment_audit SET reason = 'x' WHERE comment_id = {id}"));
            await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => db.Database.ExecuteSqlInterpolatedAsync($"DELETE FROM comment_audit WHERE comment_id = {id}"));
            await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => db.Database.ExecuteSqlRawAsync("TRUNCATE comment_audit"));
        });
        Assert.Single(await factory.AuditAsync(id));
    }
}
