using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Tests.Foundation;

public sealed class PublishingTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    private static string Unique(string prefix) => $"{prefix}-{Guid.NewGuid().ToString("N")[..8]}";

    private static (string, string)[] Form(string title, string slug = "", string body = "Body text", string when = "") =>
        [("Input.Title", title), ("Input.Slug", slug), ("Input.Standfirst", "Standfirst"), ("Input.Body", body), ("Input.PublishAtLocal", when)];

    private static async Task<HttpResponseMessage> PostAsync(FormClient client, string action, int? id, params (string, string)[] fields) =>
        await client.PostActionAsync(id is null ? "/studio/articles/edit" : $"/studio/articles/edit/{id}", action, fields);

    private Task<Article> ArticleAsync(string slug) => factory.WithDbAsync(db => db.Articles.AsNoTracking().SingleAsync(a => a.Slug == slug));

    [Fact]
    public async Task A_draft_is_invisible_to_readers_until_published_and_gone_again_after_unpublishing()
    {
        var editor = await factory.ClientAsync(Roles.Editor);
        var slug = Unique("draft");
        var saved = await PostAsync(editor, "save", null, Form("A draft about Dior", slug));
        Assert.Equal(HttpStatusCode.Redirect, saved.StatusCode);
        var article = await ArticleAsync(slug);
        Assert.Equal(ArticleStatus.Draft, article.Status);

        var anonymous = factory.Anonymous();
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/articles/{slug}")).StatusCode);
        Assert.DoesNotContain(slug, await anonymous.GetStringAsync("/"));

        await PostAsync(editor, "publish", article.Id, Form("A draft about Dior", slug) .Append(("Input.Version", (await ArticleAsync(slug)).Version.ToString())).ToArray());
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync($"/articles/{slug}")).StatusCode);
        Assert.Contains($"/articles/{slug}", await anonymous.GetStringAsync("/"));

        await PostAsync(editor, "unpublish", article.Id, Form("A draft about Dior", slug).Append(("Input.Version", (await ArticleAsync(slug)).Version.ToString())).ToArray());
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync($"/articles/{slug}")).StatusCode);
    }

    [Fact]
    public async Task A_scheduled_article_appears_by_itself_once_its_time_has_passed()
    {
        var editor = await factory.ClientAsync(Roles.Editor);
        var slug = Unique("scheduled");
        var paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");
        var inTwoHours = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow.AddHours(2), paris).ToString("yyyy-MM-ddTHH:mm");
        var response = await PostAsync(editor, "schedule", null, Form("Scheduled Gucci", slug, when: inTwoHours));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);

        var article = await ArticleAsync(slug);
        Assert.Equal(ArticleStatus.Scheduled, article.Status);
        Assert.InRange(article.PublishAt!.Value, DateTimeOffset.UtcNow.AddMinutes(115), DateTimeOffset.UtcNow.AddMinutes(121));
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Anonymous().GetAsync($"/articles/{slug}")).StatusCode);

        // Time passes (moved in the database rather than waiting): no job, no click — it is simply live.
        await factory.WithDbAsync(db => db.Articles.Where(a => a.Slug == slug)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.PublishAt, DateTimeOffset.UtcNow.AddSeconds(-1))));
        Assert.Equal(HttpStatusCode.OK, (await factory.Anonymous().GetAsync($"/articles/{slug}")).StatusCode);
    }

    [Fact]
    public async Task A_schedule_time_in_the_past_is_refused_and_the_typed_text_is_kept()
    {
        var editor = await factory.ClientAsync(Roles.Editor);
        var body = "Every word of this <b>body</b> must survive " + Guid.NewGuid();
        var response = await PostAsync(editor, "schedule", null, Form("Too late", Unique("late"), body, "2020-01-01T10:00"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = FormClient.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("is in the past", page.QuerySelector(".errors")!.TextContent);
        Assert.Equal(body, page.QuerySelector("textarea[name='Input.Body']")!.TextContent.Trim());
        Assert.Equal("Too late", page.QuerySelector("input[name='Input.Title']")!.GetAttribute("value"));
        Assert.False(await factory.WithDbAsync(db => db.Articles.AnyAsync(a => a.Title == "Too late")));
    }

    [Theory]
    [InlineData("", "some-slug", "The article needs a title.")]
    [InlineData("Bad slug", "Not A Slug!", "lowercase letters, digits and single hyphens")]
    public async Task Invalid_input_is_explained_on_the_form(string title, string slug, string message)
    {
        var editor = await factory.ClientAsync(Roles.Editor);
        var response = await PostAsync(editor, "save", null, Form(title, slug, "kept body"));
        var page = FormClient.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(message, page.QuerySelector(".errors")!.TextContent);
        Assert.Equal("kept body", page.QuerySelector("textarea[name='Input.Body']")!.TextContent.Trim());
    }

    [Fact]
    public async Task A_duplicate_slug_is_refused_with_a_clear_message()
    {
        var editor = await factory.ClientAsync(Roles.Editor);
        var slug = Unique("dup");
        Assert.Equal(HttpStatusCode.Redirect, (await PostAsync(editor, "save", null, Form("First", slug))).StatusCode);
        var response = await PostAsync(editor, "save", null, Form("Second", slug));
        var page = FormClient.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains($"already uses the address /articles/{slug}", page.QuerySelector(".errors")!.TextContent);
        Assert.Equal(1, await factory.WithDbAsync(db => db.Articles.CountAsync(a => a.Slug == slug)));
    }

    [Fact]
    public async Task Publishing_refuses_a_gallery_that_names_no_show()
    {
        var editor = await factory.ClientAsync(Roles.Editor);
        var response = await PostAsync(editor, "publish", null, Form("Gallery typo", Unique("typo"), "Intro\n\n::: gallery diorr-fw25\n"));
        var page = FormClient.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains("\"diorr-fw25\" does not match any show", page.QuerySelector(".errors")!.TextContent);
    }

    [Fact]
    public async Task Over_posted_status_and_author_fields_are_ignored()
    {
        var editor = await factory.ClientAsync(Roles.Editor);
        var slug = Unique("overpost");
        await PostAsync(editor, "save", null, Form("Over-post", slug)
            .Concat([("Input.Status", "Published"), ("Status", "Published"), ("AuthorId", "someone-else"), ("Input.PublishAt", "2020-01-01")]).ToArray());
        var article = await ArticleAsync(slug);
        Assert.Equal(ArticleStatus.Draft, article.Status);
        Assert.Null(article.PublishAt);
        Assert.NotEqual("someone-else", article.AuthorId);
    }

    [Fact]
    public async Task Two_editors_cannot_silently_overwrite_each_other()
    {
        var alice = await factory.ClientAsync(Roles.Editor);
        var bob = await factory.ClientAsync(Roles.Editor);
        var slug = Unique("race");
        await PostAsync(alice, "save", null, Form("Original", slug));
        var article = await ArticleAsync(slug);

        // Both open the same version; Alice saves first.
        var version = article.Version.ToString();
        var first = await PostAsync(alice, "save", article.Id, Form("Alice's title", slug, "Alice's body").Append(("Input.Version", version)).ToArray());
        Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);
        var second = await PostAsync(bob, "save", article.Id, Form("Bob's title", slug, "Bob's body").Append(("Input.Version", version)).ToArray());

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        var page = FormClient.Parse(await second.Content.ReadAsStringAsync());
        Assert.Contains("Someone else saved this article", page.QuerySelector(".errors")!.TextContent);
        Assert.Equal("Bob's body", page.QuerySelector("textarea[name='Input.Body']")!.TextContent.Trim());
        var stored = await ArticleAsync(slug);
        Assert.Equal("Alice's title", stored.Title);
        Assert.Equal("Alice's body", stored.Body);
    }

    [Fact]
    public async Task The_home_page_lists_published_articles_newest_first()
    {
        var older = Unique("older");
        var newer = Unique("newer");
        await factory.WithDbAsync(async db =>
        {
            db.Articles.AddRange(
                new Article { Title = older, Slug = older, Status = ArticleStatus.Published, PublishAt = DateTimeOffset.UtcNow.AddDays(-3) },
                new Article { Title = newer, Slug = newer, Status = ArticleStatus.Published, PublishAt = DateTimeOffset.UtcNow.AddMinutes(-1) });
            await db.SaveChangesAsync();
        });
        var html = await factory.Anonymous().GetStringAsync("/");
        Assert.True(html.IndexOf(newer, StringComparison.Ordinal) < html.IndexOf(older, StringComparison.Ordinal));
    }
}
