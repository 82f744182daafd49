using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Galleries;
using Backstage.Web.Tests.Infrastructure;
using Backstage.Web.Tests.Reader;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Tests.Comments;

/// <summary>"#2 at Gucci": comments about one photo of a gallery, on real uploaded and rendered photos.</summary>
public sealed class PhotoCommentTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    [Fact]
    public async Task A_comment_about_a_photo_names_it_as_the_gallery_numbers_it_and_links_to_its_page()
    {
        await factory.SetRulesAsync(r => (r.HoldFirstComment, r.MinSecondsBetweenComments) = (false, 0));
        var show = await factory.ShowAsync("Gucci");
        var photos = await ReaderPhotos.AddPublishedPhotosAsync(factory, show, 2);
        var article = await factory.ArticleAsync("Milan backstage " + ReaderData.Word(), $"::: gallery {show.Slug}");
        var second = photos[1];

        // The photo's own page offers the way in.
        var photoPage = await AnonymousPageAsync($"/shows/{show.Slug}/photos/{second.Position}");
        var offer = photoPage.QuerySelectorAll(".photo-appears a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Contains($"/articles/{article.Slug}?photo={second.Id}#write", offer);

        var reader = await factory.ClientAsync(Roles.Reader);
        var form = await reader.GetDocumentAsync($"/articles/{article.Slug}?photo={second.Id}");
        Assert.Equal(second.Id.ToString(), form.QuerySelector("form[data-comment-form] input[name='Input.PhotoId']")!.GetAttribute("value"));
        Assert.Contains("About photo #2 at Gucci", form.QuerySelector("form[data-comment-form]")!.TextContent);

        var id = await reader.PostAcceptedAsync((article.Id, article.Slug), "That coat " + Guid.NewGuid(), ("Input.PhotoId", second.Id.ToString()));
        var page = await AnonymousPageAsync($"/articles/{article.Slug}");
        var link = page.GetElementById($"comment-{id}")!.QuerySelector(".comment-photo a")!;
        Assert.Equal("#2 at Gucci", link.TextContent);

        // The link is the photo's stable address; it finds the photo's page wherever the gallery order put it.
        var redirect = await factory.Anonymous().GetAsync(link.GetAttribute("href"));
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal($"/shows/{show.Slug}/photos/{second.Position}", redirect.Headers.Location!.ToString());

        // Deleting the photo keeps the comment and its words; the link goes (the foreign key clears the id).
        await factory.WithDbAsync(async db =>
        {
            db.Remove(await db.Set<Photo>().SingleAsync(p => p.Id == second.Id));
            await db.SaveChangesAsync();
        });
        var after = await factory.CommentAsync(id);
        Assert.Null(after.PhotoId);
        Assert.Equal("#2 at Gucci", after.PhotoLabel);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Anonymous().GetAsync($"/photos/{second.Id}")).StatusCode);
    }

    [Fact]
    public async Task A_guessed_or_unpublished_photo_is_not_attached_and_reveals_nothing()
    {
        await factory.SetRulesAsync(r => (r.HoldFirstComment, r.MinSecondsBetweenComments) = (false, 0));
        var show = await factory.ShowAsync("Mugler");
        var photos = await ReaderPhotos.AddPublishedPhotosAsync(factory, show, 1);
        await factory.WithDbAsync(db => db.Set<Photo>().Where(p => p.ShowId == show.Id).ExecuteUpdateAsync(s => s.SetProperty(p => p.PublishedAt, (DateTimeOffset?)null)));
        var article = await factory.ArticleAsync("Paris backstage " + ReaderData.Word());
        var reader = await factory.ClientAsync(Roles.Reader);

        var form = await reader.GetDocumentAsync($"/articles/{article.Slug}?photo={photos[0].Id}");
        Assert.Null(form.QuerySelector("form[data-comment-form] input[name='Input.PhotoId']"));
        Assert.DoesNotContain("Mugler", form.QuerySelector("form[data-comment-form]")!.TextContent);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Anonymous().GetAsync($"/photos/{photos[0].Id}")).StatusCode);

        var id = await reader.PostAcceptedAsync((article.Id, article.Slug), "Hidden photo " + Guid.NewGuid(), ("Input.PhotoId", photos[0].Id.ToString()));
        var stored = await factory.CommentAsync(id);
        Assert.Null(stored.PhotoId);
        Assert.Null(stored.PhotoLabel);
        var guessed = await reader.PostAcceptedAsync((article.Id, article.Slug), "Guessed photo " + Guid.NewGuid(), ("Input.PhotoId", "999999"));
        Assert.Null((await factory.CommentAsync(guessed)).PhotoId);
    }

    private async Task<AngleSharp.Html.Dom.IHtmlDocument> AnonymousPageAsync(string url) =>
        FormClient.Parse(await (await factory.Anonymous().GetAsync(url)).Content.ReadAsStringAsync());
}
