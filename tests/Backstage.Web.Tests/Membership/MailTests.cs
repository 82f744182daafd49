using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Comments;
using Backstage.Web.Email;
using Backstage.Web.Jobs;
using Backstage.Web.Tests.Comments;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Membership;

/// <summary>Email through a real SMTP server (maildev): every link in a message is followed through the real app.</summary>
public sealed class MailTests(MailFactory factory) : IClassFixture<MailFactory>
{
    [Fact]
    public async Task Forgot_password_sends_a_link_that_sets_a_new_strong_password_and_ends_old_sessions()
    {
        var email = await factory.CreateUserAsync(Roles.Reader);
        var old = await (await factory.ClientAsync()).SignInAndKeepCookieAsync(email);
        var client = await factory.ClientFromAsync(AccountTestKit.RandomIp(110));
        var login = await client.GetDocumentAsync("/account/login");
        Assert.Equal("/account/forgot-password", login.QuerySelectorAll("a").Single(a => a.TextContent.Trim() == "Forgot password?").GetAttribute("href"));
        Assert.Equal(HttpStatusCode.OK, (await client.PostFormAsync("/account/forgot-password", ("Email", email))).StatusCode);
        await factory.RunJobsAsync();
        var message = await factory.Mail!.SingleAsync(email, "Reset your Backstage password");
        var link = Maildev.LinkIn(message, "/account/reset-password");

        var weak = await client.PostFormAsync(link, [new("Input.Password", "aaaaaaaaaa"), new("Input.ConfirmPassword", "aaaaaaaaaa")]);
        Assert.Contains("too easy to guess", await weak.Content.ReadAsStringAsync());
        var reset = await client.PostFormAsync(link, [new("Input.Password", "quiet harbour pencil drum"), new("Input.ConfirmPassword", "quiet harbour pencil drum")]);
        Assert.Equal(HttpStatusCode.Redirect, reset.StatusCode);

        Assert.Equal(HttpStatusCode.Redirect, (await factory.ReplayAsync(old, "/account/settings")).StatusCode);
        await client.SignInAsync(email, "quiet harbour pencil drum");
        // The link worked once.
        var again = await client.PostFormAsync(link, [new("Input.Password", "another long phrase here"), new("Input.ConfirmPassword", "another long phrase here")]);
        Assert.Contains("expired or was already used", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_new_reader_confirms_the_address_by_email_before_commenting()
    {
        var article = await factory.CreateArticleAsync();
        var email = $"confirm-{Guid.NewGuid():N}@example.test";
        var client = await factory.ClientFromAsync(AccountTestKit.RandomIp(111));
        await client.PostFormAsync("/account/register", ("Input.Email", email), ("Input.DisplayName", "Céleste"),
            ("Input.Password", "violet taxi under moonlight"), ("Input.ConfirmPassword", "violet taxi under moonlight"));
        await client.SignInAsync(email, "violet taxi under moonlight");

        var articlePage = await client.GetDocumentAsync($"/articles/{article.Slug}");
        Assert.Null(articlePage.QuerySelector("textarea[name='Input.Body']"));
        Assert.Contains("Confirm your email address to comment", articlePage.Body!.TextContent);
        var refused = await client.Http.GetAsync($"/comments/write?article={article.Slug}");
        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Equal("/account/confirm-email", refused.Headers.Location!.OriginalString);
        Assert.Contains("Send the link again", await client.Http.GetStringAsync("/account/confirm-email"));

        await factory.RunJobsAsync();
        var link = Maildev.LinkIn(await factory.Mail!.SingleAsync(email, "Confirm your email"), "/account/confirm-email");
        var page = await client.GetDocumentAsync(link);
        var fields = page.QuerySelectorAll("form input[type=hidden]").Select(i => new KeyValuePair<string, string>(i.GetAttribute("name")!, i.GetAttribute("value")!));
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostFormAsync(link, fields.Where(f => f.Key != "__RequestVerificationToken"))).StatusCode);
        await client.PostAcceptedAsync(article, "Finally confirmed " + Guid.NewGuid());
    }

    [Fact]
    public async Task A_held_reply_is_mailed_once_when_a_moderator_approves_it()
    {
        var article = await factory.CreateArticleAsync();
        var reader = await factory.ClientFromAsync(AccountTestKit.RandomIp(113), Roles.Reader);
        await reader.PostFormAsync("/account/settings", [new("Profile.DisplayName", "Held Reader"), new("Profile.NotifyReplies", "true")], "/account/settings?handler=Profile");
        var replier = await factory.ClientFromAsync(AccountTestKit.RandomIp(113), Roles.Reader);
        var (readerId, replierId) = await factory.WithDbAsync(async db => (
            await db.Users.Where(u => u.Email == reader.Email).Select(u => u.Id).SingleAsync(),
            await db.Users.Where(u => u.Email == replier.Email).Select(u => u.Id).SingleAsync()));
        var heldReply = await factory.WithDbAsync(async db =>
        {
            var now = DateTimeOffset.UtcNow;
            var original = new Comment { ArticleId = article.Id, AuthorId = readerId, Body = "Which shoes were these?", State = CommentState.Approved, CreatedAt = now, StateChangedAt = now };
            db.Add(original);
            await db.SaveChangesAsync();
            var reply = new Comment { ArticleId = article.Id, AuthorId = replierId, ReplyToId = original.Id, Body = "Held: Manolo, I think.", State = CommentState.Pending, CreatedAt = now, StateChangedAt = now };
            db.Add(reply);
            await db.SaveChangesAsync();
            return reply.Id;
        });
        await factory.RunJobsAsync();
        Assert.Empty(await factory.Mail!.MessagesToAsync(reader.Email!)); // held: nobody is told yet

        var moderator = new Actor(null, "test moderator", true);
        for (int i = 0; i < 2; i++) // approved, taken back to the queue as spam, approved again: one mail
        {
            await factory.WithScopeAsync(sp => sp.GetRequiredService<CommentModeration>().ModerateAsync([heldReply], ModerationDecision.Approve, moderator));
            await factory.WithScopeAsync(sp => sp.GetRequiredService<CommentModeration>().ModerateAsync([heldReply], i == 0 ? ModerationDecision.Spam : ModerationDecision.Approve, moderator));
            await factory.RunJobsAsync();
        }
        var message = Assert.Single(await factory.Mail.MessagesToAsync(reader.Email!));
        Assert.Contains("Held: Manolo, I think.", message.Text);
    }

    [Fact]
    public async Task A_reply_is_mailed_to_an_opted_in_author_with_a_one_click_unsubscribe()
    {
        await factory.SetRulesAsync(r => r.MinSecondsBetweenComments = 0);
        var article = await factory.CreateArticleAsync();
        var reader = await factory.ClientFromAsync(AccountTestKit.RandomIp(112), Roles.Reader);
        var settings = await reader.GetDocumentAsync("/account/settings");
        Assert.NotNull(settings.QuerySelector("input[name='Profile.NotifyReplies']:not([checked])"));
        Assert.Equal(HttpStatusCode.Redirect, (await reader.PostFormAsync("/account/settings",
            [new("Profile.DisplayName", "Reader Person"), new("Profile.NotifyReplies", "true")], "/account/settings?handler=Profile")).StatusCode);
        var readerId = await factory.WithDbAsync(db => db.Users.Where(u => u.Email == reader.Email).Select(u => u.Id).SingleAsync());
        var original = await factory.WithDbAsync(async db =>
        {
            var c = new Comment { ArticleId = article.Id, AuthorId = readerId, Body = "Who did the hair?", State = CommentState.Approved, CreatedAt = DateTimeOffset.UtcNow, StateChangedAt = DateTimeOffset.UtcNow };
            db.Add(c);
            await db.SaveChangesAsync();
            return c.Id;
        });

        var editor = await factory.ClientFromAsync(AccountTestKit.RandomIp(112), Roles.Editor);
        await editor.PostAcceptedAsync(article, "Guido Palau, as always.", ("Input.ReplyToId", original.ToString()));
        await factory.RunJobsAsync();
        var message = await factory.Mail!.SingleAsync(reader.Email!, "replied to your comment");
        Assert.Contains("Guido Palau, as always.", message.Text);
        var unsubscribe = Maildev.LinkIn(message, "/account/unsubscribe");

        // No sign-in needed; opening the link only asks.
        var stranger = await factory.ClientAsync();
        var confirm = await stranger.GetDocumentAsync(unsubscribe);
        Assert.Contains("replies to your comments", confirm.Body!.TextContent);
        Assert.True(await factory.WithDbAsync(db => db.Users.Where(u => u.Id == readerId).Select(u => u.NotifyReplies).SingleAsync()));
        var token = confirm.QuerySelector("input[name=Token]")!.GetAttribute("value")!;
        var done = await stranger.PostFormAsync(unsubscribe, [new("Token", token)]);
        Assert.Contains("no more emails", await done.Content.ReadAsStringAsync());
        Assert.False(await factory.WithDbAsync(db => db.Users.Where(u => u.Id == readerId).Select(u => u.NotifyReplies).SingleAsync()));

        await editor.PostAcceptedAsync(article, "And the make-up was Pat McGrath.", ("Input.ReplyToId", original.ToString()));
        await factory.RunJobsAsync();
        Assert.Single(await factory.Mail.MessagesToAsync(reader.Email!));
        // A forged token is refused.
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync("/account/unsubscribe?token=forged")).StatusCode);
    }

    [Fact]
    public async Task The_moderation_digest_is_scheduled_once_and_mailed_to_opted_in_admins()
    {
        var admin = await factory.ClientFromAsync(AccountTestKit.RandomIp(113), Roles.Admin);
        await admin.PostFormAsync("/account/settings", [new("Profile.DisplayName", "Admin Person"), new("Profile.ModerationDigest", "true")], "/account/settings?handler=Profile");
        var article = await factory.CreateArticleAsync();
        var readerId = await factory.WithDbAsync(db => db.Users.Select(u => u.Id).FirstAsync());
        await factory.WithDbAsync(async db =>
        {
            db.Add(new Comment { ArticleId = article.Id, AuthorId = readerId, Body = "Held for a moderator", State = CommentState.Pending, CreatedAt = DateTimeOffset.UtcNow, StateChangedAt = DateTimeOffset.UtcNow });
            await db.SaveChangesAsync();
        });

        // Two nodes (two scopes) scheduling at once make one job.
        var days = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => factory.WithScopeAsync(sp => sp.GetRequiredService<ModerationDigest>().EnsureScheduledAsync())));
        var payload = days[0].ToString("yyyy-MM-dd");
        Assert.Equal(1, await factory.WithDbAsync(db => db.Set<Job>().CountAsync(j => j.Kind == ModerationDigest.JobKind && j.Payload == payload)));

        await factory.WithDbAsync(db => db.Set<Job>().Where(j => j.Kind == ModerationDigest.JobKind && j.Payload == payload)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.RunAfter, DateTimeOffset.UtcNow.AddMinutes(-1))));
        await factory.RunJobsAsync();
        var digest = await factory.Mail!.SingleAsync(admin.Email!, "Moderation queue");
        Assert.Contains("https://backstage.example/admin/moderation", digest.Text);
        Assert.Contains("/account/unsubscribe?token=", digest.Text);
        var next = days[0].AddDays(1).ToString("yyyy-MM-dd");
        Assert.Equal(1, await factory.WithDbAsync(db => db.Set<Job>().CountAsync(j => j.Kind == ModerationDigest.JobKind && j.Payload == next)));
    }
}

/// <summary>The mail server is down when the app sends.</summary>
public sealed class MailOutageFactory : MailFactory
{
    protected override bool StartMailServer => false;
}

public sealed class MailOutageTests(MailOutageFactory factory) : IClassFixture<MailOutageFactory>
{
    [Fact]
    public async Task A_mail_server_outage_delays_the_message_and_loses_nothing()
    {
        var email = await factory.CreateUserAsync(Roles.Reader);
        var client = await factory.ClientFromAsync(AccountTestKit.RandomIp(120));
        await client.PostFormAsync("/account/forgot-password", ("Email", email));
        // One attempt fails: nothing listens on the SMTP port.
        Assert.True(await factory.Services.GetRequiredService<JobQueue>().RunOnceAsync("test-worker"));

        var job = await factory.WithDbAsync(db => db.Set<Job>().AsNoTracking().SingleAsync(j => j.Kind == SendEmailHandler.JobKind));
        Assert.Equal(JobState.Pending, job.State);
        Assert.True(job.Attempts >= 1);
        Assert.NotNull(job.LastError);

        await using var maildev = await factory.StartMaildevAsync();
        await factory.RunJobsAsync();
        Assert.Contains("/account/reset-password", (await maildev.SingleAsync(email, "Reset your Backstage password")).Text);
        Assert.Equal(JobState.Succeeded, await factory.WithDbAsync(db => db.Set<Job>().Where(j => j.Id == job.Id).Select(j => j.State).SingleAsync()));
    }
}

/// <summary>No mail server configured (the `dotnet run` default): messages land as .eml files under the data directory.</summary>
public sealed class MailFolderFactory : BackstageFactory
{
    protected override void ConfigureSettings(IWebHostBuilder builder) => builder.UseSetting("Backstage:Jobs:Workers", "0");
}

public sealed class MailFolderTests(MailFolderFactory factory) : IClassFixture<MailFolderFactory>
{
    [Fact]
    public async Task Without_a_host_mail_is_written_to_the_mail_folder()
    {
        var email = await factory.CreateUserAsync(Roles.Reader);
        await (await factory.ClientAsync()).PostFormAsync("/account/sign-in-link", ("Email", email));
        var queue = factory.Services.GetRequiredService<JobQueue>();
        while (await queue.RunOnceAsync("test")) { }
        var file = Assert.Single(Directory.GetFiles(Path.Combine(factory.DataDirectory, "mail"), "*.eml"));
        var text = await File.ReadAllTextAsync(file);
        Assert.Contains("Subject: Your Backstage sign-in link", text);
        Assert.Contains(factory.ClientOptions.BaseAddress + "account/sign-in-link?token=", text); // links come from PublicBaseUrl only
        Assert.DoesNotContain(Directory.GetFiles(Path.Combine(factory.DataDirectory, "mail")), f => f.EndsWith(".tmp"));
    }

    [Fact]
    public void A_bad_mail_setting_stops_the_start_with_a_message()
    {
        using var bad = factory.WithWebHostBuilder(b => b.UseSetting("Backstage:Email:From", "not-an-address"));
        var e = Assert.ThrowsAny<Exception>(() => bad.CreateClient());
        Assert.Contains("Backstage:Email:From", e.ToString());
    }
}
