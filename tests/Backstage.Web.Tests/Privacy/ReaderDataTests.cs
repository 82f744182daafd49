using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Backstage.Web.Accounts;
using Backstage.Web.Comments;
using Backstage.Web.Newsletter;
using Backstage.Web.Privacy;
using Backstage.Web.Social;
using Backstage.Web.Tests.Comments;
using Backstage.Web.Tests.Infrastructure;
using Backstage.Web.Tests.Membership;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Backstage.Web.Tests.Privacy;

/// <summary>The mail-sending app with a clock the tests move (the re-authentication window) and the demo's follow links.</summary>
public sealed class PrivacyFactory : MailFactory
{
    public ManualClock Clock { get; } = new();

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        base.ConfigureSettings(builder);
        builder.UseSetting("Backstage:Social:Instagram", "https://www.instagram.com/backstage.test");
        builder.UseSetting("Backstage:Social:TikTok", "https://www.tiktok.com/@backstage.test");
        builder.ConfigureServices(s => s.AddSingleton<TimeProvider>(Clock));
    }
}

/// <summary>Issue 20 items 1 (lists on "Your account"), 5 (follow links) and 6 (readers' own data), through the real app and PostgreSQL.</summary>
public sealed class ReaderDataTests(PrivacyFactory factory) : IClassFixture<PrivacyFactory>
{
    private Task<Subscriber?> SubscriberAsync(string email) =>
        factory.WithDbAsync(db => db.Set<Subscriber>().AsNoTracking().SingleOrDefaultAsync(s => s.Email == email));

    private Task<List<int>> ListsOfAsync(long subscriberId) =>
        factory.WithDbAsync(db => db.Set<NewsletterSubscription>().Where(x => x.SubscriberId == subscriberId).Select(x => x.ListId).OrderBy(x => x).ToListAsync());

    private static Task<HttpResponseMessage> SaveListsAsync(FormClient client, params int[] lists) =>
        client.PostFormAsync("/account/settings", lists.Select(l => new KeyValuePair<string, string>("Lists", l.ToString())), "/account/settings?handler=Newsletters");

    private static Dictionary<string, JsonElement> Entries(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip));
        return archive.Entries.ToDictionary(e => e.FullName, e => { using var s = e.Open(); return JsonDocument.Parse(s).RootElement.Clone(); });
    }

    [Fact]
    public async Task A_signed_in_reader_ticks_newsletters_on_Your_account_and_they_hold_at_once()
    {
        var reader = await factory.ClientFromAsync(AccountTestKit.RandomIp(150), Roles.Reader);
        var page = await reader.GetDocumentAsync("/account/settings");
        var form = page.QuerySelectorAll("form").Single(f => f.QuerySelector("h2, legend")?.TextContent.Contains(reader.Email!) == true || f.TextContent.Contains("Save newsletters"));
        Assert.Equal(2, form.QuerySelectorAll("input[type=checkbox][name=Lists]").Length);
        Assert.Contains("Fashion week daily", form.TextContent);

        Assert.Equal(HttpStatusCode.Redirect, (await SaveListsAsync(reader, 2)).StatusCode);
        var s = await SubscriberAsync(reader.Email!);
        Assert.Equal(SubscriberState.Confirmed, s!.State); // the account's address is verified: no double opt-in
        Assert.Equal([2], await ListsOfAsync(s.Id));
        var again = await reader.GetDocumentAsync("/account/settings");
        Assert.Equal(["2"], again.QuerySelectorAll("input[name=Lists][checked]").Select(i => i.GetAttribute("value")!));

        await SaveListsAsync(reader, 1, 2);
        Assert.Equal([1, 2], await ListsOfAsync(s.Id));
        await SaveListsAsync(reader);
        Assert.Equal(SubscriberState.Unsubscribed, (await SubscriberAsync(reader.Email!))!.State);
        Assert.Empty((await reader.GetDocumentAsync("/account/settings")).QuerySelectorAll("input[name=Lists][checked]"));

        var bad = await SaveListsAsync(reader, 99999);
        Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
        Assert.Contains("Newsletters: choose from the lists shown.", await bad.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task An_account_whose_email_is_not_confirmed_gets_the_double_opt_in_mail()
    {
        var reader = await factory.ClientFromAsync(AccountTestKit.RandomIp(151), Roles.Reader);
        await factory.WithDbAsync(db => db.Users.Where(u => u.Email == reader.Email).ExecuteUpdateAsync(u => u.SetProperty(x => x.EmailConfirmed, false)));
        Assert.Equal(HttpStatusCode.Redirect, (await SaveListsAsync(reader, 1)).StatusCode);
        Assert.Equal(SubscriberState.Pending, (await SubscriberAsync(reader.Email!))!.State);
        await factory.RunJobsAsync();
        Assert.NotNull(await factory.Mail!.SingleAsync(reader.Email!, "Confirm your Backstage newsletter subscription"));
    }

    [Fact]
    public async Task Download_my_data_is_a_zip_of_json_with_comments_states_subscriptions_and_hashed_throttle_rows()
    {
        var article = await factory.CreateArticleAsync(factory.Clock.GetUtcNow());
        var reader = await factory.ClientFromAsync(AccountTestKit.RandomIp(152), Roles.Reader);
        // A failed sign-in for the address leaves a throttle row keyed by its hash.
        await factory.NewFormClient().PostFormAsync("/account/login", ("Input.Email", reader.Email!), ("Input.Password", "not the password at all"));
        await reader.PostAcceptedAsync(article, "Those braids! Who did the hair?");
        await SaveListsAsync(reader, 1);

        var refused = await reader.Http.PostAsync("/account/settings?handler=Export", new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode); // antiforgery

        var response = await reader.PostFormAsync("/account/settings", [], "/account/settings?handler=Export");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType!.MediaType);
        var files = Entries(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(["account.json", "comments.json", "newsletter.json", "notification-settings.json", "sign-in-history.json"], files.Keys.Order());
        Assert.Equal(reader.Email, files["account.json"].GetProperty("email").GetString());
        var comment = Assert.Single(files["comments.json"].GetProperty("comments").EnumerateArray());
        Assert.Equal("Those braids! Who did the hair?", comment.GetProperty("body").GetString());
        Assert.Equal("Pending", comment.GetProperty("state").GetString()); // a first comment waits for a moderator
        var sub = Assert.Single(files["newsletter.json"].GetProperty("subscriptions").EnumerateArray());
        Assert.Equal("Fashion week daily", Assert.Single(sub.GetProperty("lists").EnumerateArray()).GetProperty("list").GetString());
        var throttles = files["sign-in-history.json"].GetProperty("throttles").EnumerateArray().ToList();
        Assert.NotEmpty(throttles);
        Assert.All(throttles, t => Assert.DoesNotContain(reader.Email!, t.GetProperty("key").GetString()!, StringComparison.OrdinalIgnoreCase));
        Assert.StartsWith("signin-account:", throttles[0].GetProperty("key").GetString());
        Assert.False(files["notification-settings.json"].GetProperty("email_me_when_someone_replies").GetBoolean());
        Assert.False(files["notification-settings.json"].GetProperty("expiring_licences_digest").GetBoolean());
    }

    [Fact]
    public async Task Deleting_needs_a_recent_sign_in_and_then_leaves_the_email_in_no_text_column_of_any_table()
    {
        var article = await factory.CreateArticleAsync(factory.Clock.GetUtcNow());
        var reader = await factory.ClientFromAsync(AccountTestKit.RandomIp(153), Roles.Reader);
        var email = reader.Email!;
        var userId = await factory.WithDbAsync(db => db.Users.Where(u => u.Email == email).Select(u => u.Id).SingleAsync());
        // Leave traces everywhere: a comment (and its audit entry), a report, 2FA secrets, a newsletter, mail, throttle rows.
        var other = await factory.ClientFromAsync(AccountTestKit.RandomIp(153), Roles.Reader);
        var othersComment = await other.PostAcceptedAsync(article, "The make-up was unreal.");
        await factory.WithDbAsync(db => db.Set<Comment>().Where(c => c.Id == othersComment).ExecuteUpdateAsync(u => u.SetProperty(c => c.State, CommentState.Approved)));
        var mine = await reader.PostAcceptedAsync(article, "Those braids! Who did the hair?");
        await reader.PostFormAsync($"/articles/{article.Slug}", [new("reason", "spam")], $"/comments/{othersComment}/Report");
        await factory.WithDbAsync(async db =>
        {
            db.Add(new CommentAuditEntry { At = factory.Clock.GetUtcNow(), Actor = "moderator@backstage.test", Action = "approved", CommentId = mine, SubjectUserId = userId, Reason = $"spoke to {email} by phone" });
            await db.SaveChangesAsync();
        });
        await reader.EnableTwoFactorAsync();
        await SaveListsAsync(reader, 1, 2);
        await factory.NewFormClient().PostFormAsync("/account/login", ("Input.Email", email), ("Input.Password", "not the password at all"));
        await factory.NewFormClient().PostFormAsync("/account/forgot-password", ("Input.Email", email));
        Assert.NotEmpty(await TextColumnsHoldingAsync(email)); // the scan finds what it looks for

        // Sudo mode: a session older than the window is sent to "Confirm it's you" first, and nothing is deleted.
        factory.Clock.Advance(RecentSignIn.Window + TimeSpan.FromMinutes(1));
        Assert.Equal("/account/confirm?ReturnUrl=%2Faccount%2Fdelete", (await reader.Http.GetAsync("/account/delete")).Headers.Location!.OriginalString);
        var refused = await reader.PostFormAsync("/account/settings", [], "/account/delete");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.StartsWith("/account/confirm", refused.Headers.Location!.OriginalString);
        Assert.True(await factory.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == email)));

        var confirmed = await reader.PostFormAsync("/account/confirm?ReturnUrl=%2Faccount%2Fdelete", ("Password", BackstageFactory.Password));
        Assert.Equal("/account/delete", confirmed.Headers.Location!.OriginalString);
        var page = await reader.GetDocumentAsync("/account/delete");
        Assert.Contains(page.QuerySelectorAll("button"), b => b.TextContent.Trim() == "Delete my account");
        var deleted = await reader.PostFormAsync("/account/delete", []);
        Assert.Equal(HttpStatusCode.Redirect, deleted.StatusCode);

        Assert.Empty(await TextColumnsHoldingAsync(email));
        // Signed out, and the session cannot come back.
        Assert.Equal(HttpStatusCode.Redirect, (await reader.Http.GetAsync("/account/settings")).StatusCode);
        var comment = await factory.WithDbAsync(db => db.Set<Comment>().Include(c => c.Author).AsNoTracking().SingleAsync(c => c.Id == mine));
        Assert.Equal(ReaderData.FormerReader, comment.Author!.DisplayName);
        Assert.Equal(ReaderData.RemovedText, comment.Body); // Backstage:Privacy:KeepDeletedReadersCommentText defaults to false
        Assert.Equal(0, await factory.WithDbAsync(db => db.Set<Microsoft.AspNetCore.Identity.IdentityUserToken<string>>().CountAsync(t => t.UserId == userId)));
        // The append-only audit kept every row under the pseudonymous id, and still refuses any other change.
        var audit = await factory.WithDbAsync(db => db.Set<CommentAuditEntry>().AsNoTracking().Where(a => a.SubjectUserId == userId || a.ActorId == userId).ToListAsync());
        Assert.Contains(audit, a => a.Action == "posted" && a.CommentId == mine);
        Assert.Contains(audit, a => a.Action == "reported" && a.Actor == ReaderData.FormerReader && a.ActorId == userId);
        Assert.Contains(audit, a => a.Action == ReaderData.AccountDeleted && a.ActorId == userId);
        Assert.Contains(audit, a => a.Action == "approved" && a.Reason == PrivacySql.RemovedReason);
        await Assert.ThrowsAsync<PostgresException>(() => factory.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE comment_audit SET action = 'x' WHERE subject_user_id = {0}", userId)));
        await Assert.ThrowsAsync<PostgresException>(() => factory.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("UPDATE comment_audit SET actor = 'someone else' WHERE subject_user_id = {0}", userId)));
        await Assert.ThrowsAsync<PostgresException>(() => factory.WithDbAsync(db => db.Database.ExecuteSqlRawAsync("DELETE FROM comment_audit WHERE subject_user_id = {0}", userId)));
        // Nobody can sign in as the tombstone.
        var login = await factory.NewFormClient().PostFormAsync("/account/login", ("Input.Email", email), ("Input.Password", BackstageFactory.Password));
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
    }

    [Fact]
    public async Task Kept_comment_text_stays_when_the_site_setting_says_so()
    {
        await using var keeping = new KeepingFactory();
        await keeping.InitializeAsync();
        var article = await keeping.CreateArticleAsync();
        var reader = await keeping.ClientAsync(Roles.Reader);
        var mine = await reader.PostAcceptedAsync(article, "Kept for the thread.");
        await reader.PostFormAsync("/account/delete", []);
        var comment = await keeping.WithDbAsync(db => db.Set<Comment>().Include(c => c.Author).AsNoTracking().SingleAsync(c => c.Id == mine));
        Assert.Equal("Kept for the thread.", comment.Body);
        Assert.Equal(ReaderData.FormerReader, comment.Author!.DisplayName);
    }

    private sealed class KeepingFactory : BackstageFactory
    {
        protected override void ConfigureSettings(IWebHostBuilder builder) => builder.UseSetting("Backstage:Privacy:KeepDeletedReadersCommentText", "true");
    }

    [Fact]
    public async Task An_admin_downloads_and_deletes_a_readers_data_and_both_are_in_the_audit()
    {
        var readerEmail = await factory.CreateUserAsync(Roles.Reader);
        var userId = await factory.WithDbAsync(db => db.Users.Where(u => u.Email == readerEmail).Select(u => u.Id).SingleAsync());
        var admin = await factory.ClientFromAsync(AccountTestKit.RandomIp(154), Roles.Admin);
        var page = await admin.GetDocumentAsync("/admin/users?q=" + Uri.EscapeDataString(readerEmail));
        Assert.NotNull(page.QuerySelector($"button[aria-label='Download data: {readerEmail}']"));
        Assert.NotNull(page.QuerySelector($"button[aria-label='Delete account: {readerEmail}']"));

        var zip = await admin.PostFormAsync("/admin/users", [new("userId", userId)], "/admin/users?handler=ExportData");
        Assert.Equal("application/zip", zip.Content.Headers.ContentType!.MediaType);
        Assert.Equal(readerEmail, Entries(await zip.Content.ReadAsByteArrayAsync())["account.json"].GetProperty("email").GetString());

        // Erasing needs the admin's own recent password too.
        factory.Clock.Advance(RecentSignIn.Window + TimeSpan.FromMinutes(1));
        var stale = await admin.PostFormAsync("/admin/users", [new("userId", userId)], "/admin/users?handler=DeleteAccount");
        Assert.StartsWith("/account/confirm", stale.Headers.Location!.OriginalString);
        Assert.True(await factory.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == readerEmail)));
        await admin.PostFormAsync("/account/confirm?ReturnUrl=%2Fadmin%2Fusers", ("Password", BackstageFactory.Password));
        Assert.Equal(HttpStatusCode.Redirect, (await admin.PostFormAsync("/admin/users", [new("userId", userId)], "/admin/users?handler=DeleteAccount")).StatusCode);
        Assert.False(await factory.WithDbAsync(db => db.Users.AnyAsync(u => u.Email == readerEmail)));

        var audit = await factory.WithDbAsync(db => db.Set<CommentAuditEntry>().AsNoTracking().Where(a => a.SubjectUserId == userId).ToListAsync());
        Assert.Contains(audit, a => a.Action == ReaderData.Exported && a.Actor == admin.Email);
        Assert.Contains(audit, a => a.Action == ReaderData.AccountDeleted && a.Actor == admin.Email);
        Assert.Contains(ReaderData.AccountDeleted, (await admin.Http.GetStringAsync("/admin/audit")));
        Assert.Empty(await TextColumnsHoldingAsync(readerEmail));
    }

    [Fact]
    public async Task A_newsletter_only_subscriber_manages_downloads_and_deletes_through_the_link_in_every_issue()
    {
        var email = $"only-news-{Guid.NewGuid():N}@example.test";
        var id = await factory.WithDbAsync(async db =>
        {
            var s = new Subscriber { Email = email, State = SubscriberState.Confirmed, TokenHash = Subscriptions.HashToken(Guid.NewGuid().ToString()), CreatedAt = DateTimeOffset.UtcNow, StateChangedAt = DateTimeOffset.UtcNow };
            db.Add(s);
            await db.SaveChangesAsync();
            db.Add(new NewsletterSubscription { SubscriberId = s.Id, ListId = 1, CreatedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
            return s.Id;
        });
        var links = factory.Services.GetRequiredService<SubscriberLinks>();
        var url = links.ManageUrl(links.Token(id));
        Assert.StartsWith("https://backstage.example/newsletter/manage?token=", url);
        var path = url["https://backstage.example".Length..];
        var client = factory.NewFormClient(); // no account, no sign-in

        var page = await client.GetDocumentAsync(path);
        Assert.Equal("Manage or delete your subscription", page.QuerySelector("h1")!.TextContent.Trim());
        Assert.Equal(["1"], page.QuerySelectorAll("input[name=Lists][checked]").Select(i => i.GetAttribute("value")!));
        var token = page.QuerySelector("input[name=Token]")!.GetAttribute("value")!;

        await client.PostFormAsync(path, [new("Token", token), new("Lists", "2")], "/newsletter/manage?handler=Lists");
        Assert.Equal([2], await ListsOfAsync(id));
        var zip = await client.PostFormAsync(path, [new("Token", token)], "/newsletter/manage?handler=Export");
        var files = Entries(await zip.Content.ReadAsByteArrayAsync());
        Assert.Equal(email, files["newsletter.json"].GetProperty("subscriptions")[0].GetProperty("email").GetString());

        var forged = await client.PostFormAsync(path, [new("Token", "forged")], "/newsletter/manage?handler=Delete");
        Assert.Equal(HttpStatusCode.NotFound, forged.StatusCode);
        var gone = await client.PostFormAsync(path, [new("Token", token)], "/newsletter/manage?handler=Delete");
        Assert.Contains("Your subscription is deleted", await gone.Content.ReadAsStringAsync());
        Assert.Null(await SubscriberAsync(email));
        Assert.Empty(await TextColumnsHoldingAsync(email));
        Assert.Contains("That link is not valid", (await client.GetDocumentAsync(path)).Body!.TextContent);
    }

    [Fact]
    public async Task The_footer_links_the_sites_profiles_by_name_with_our_own_inline_icons()
    {
        var home = await factory.NewFormClient().GetDocumentAsync("/");
        var footer = home.QuerySelector("footer")!;
        var instagram = footer.QuerySelector("a[aria-label='Backstage on Instagram']")!;
        Assert.Equal("https://www.instagram.com/backstage.test", instagram.GetAttribute("href"));
        Assert.Equal("https://www.tiktok.com/@backstage.test", footer.QuerySelector("a[aria-label='Backstage on TikTok']")!.GetAttribute("href"));
        Assert.Null(footer.QuerySelector("a[aria-label='Backstage on YouTube']")); // not configured, not shown
        foreach (var svg in footer.QuerySelectorAll("svg"))
        {
            Assert.Equal("24", svg.GetAttribute("width"));
            Assert.Equal("24", svg.GetAttribute("height"));
        }
        Assert.Equal(2, footer.QuerySelectorAll("a svg").Length);
        Assert.Empty(footer.QuerySelectorAll("img, script, link, use[href^=http]"));
    }

    [Theory]
    [InlineData("http://www.instagram.com/backstage", "Backstage:Social:Instagram")]
    [InlineData("instagram.com/backstage", "Backstage:Social:Instagram")]
    [InlineData("javascript:alert(1)", "Backstage:Social:Instagram")]
    public void A_follow_link_that_is_not_absolute_https_stops_the_start_naming_the_key(string value, string key)
    {
        Assert.Contains(key, new SocialOptions { Instagram = value }.Problem());
        Assert.Null(new SocialOptions { Instagram = "https://www.instagram.com/backstage", Bluesky = "https://bsky.app/profile/backstage.example" }.Problem());
    }

    /// <summary>Every text column of every table (information_schema) that holds <paramref name="needle"/>, case-insensitively.</summary>
    private Task<List<string>> TextColumnsHoldingAsync(string needle) => factory.WithDbAsync(async db =>
    {
        var conn = (NpgsqlConnection)db.Database.GetDbConnection();
        await conn.OpenAsync();
        var columns = new List<(string Table, string Column)>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT c.table_name, c.column_name FROM information_schema.columns c
            JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema = 'public' AND c.data_type IN ('text', 'character varying', 'character', 'json', 'jsonb', 'xml')
            """, conn))
        await using (var r = await cmd.ExecuteReaderAsync())
            while (await r.ReadAsync()) columns.Add((r.GetString(0), r.GetString(1)));
        Assert.Contains(columns, c => c is ("AspNetUsers", "email"));
        Assert.Contains(columns, c => c is ("comment_audit", "actor"));
        var found = new List<string>();
        foreach (var (table, column) in columns)
        {
            await using var q = new NpgsqlCommand($"SELECT count(*) FROM \"{table}\" WHERE strpos(lower(\"{column}\"::text), lower(@n)) > 0", conn);
            q.Parameters.AddWithValue("n", needle);
            if ((long)(await q.ExecuteScalarAsync())! > 0) found.Add($"{table}.{column}");
        }
        return found;
    });
}
