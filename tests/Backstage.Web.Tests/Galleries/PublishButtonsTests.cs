using Backstage.Web.Accounts;
using Backstage.Web.Tests.Infrastructure;

namespace Backstage.Web.Tests.Galleries;

/// <summary>The publishing buttons post to their own handlers (a browser follows the button's formaction).</summary>
public sealed class PublishButtonsTests(DeskFactory factory) : IClassFixture<DeskFactory>
{
    [Fact]
    public async Task The_new_article_form_gives_each_publishing_button_its_handler()
    {
        var editor = await factory.ClientAsync(Roles.Editor);
        var html = await editor.Http.GetStringAsync("/studio/articles/edit");
        var doc = FormClient.Parse(html);
        var publish = doc.QuerySelectorAll("button").First(b => b.TextContent.Trim() == "Publish now");
        Assert.True(publish.GetAttribute("formaction")?.Contains("handler=Publish", StringComparison.OrdinalIgnoreCase), publish.OuterHtml);
        var show = FormClient.Parse(await editor.Http.GetStringAsync("/studio/shows/edit"))
            .QuerySelectorAll("button").First(b => b.TextContent.Trim() == "Publish");
        Assert.True(show.GetAttribute("formaction")?.Contains("handler=Publish", StringComparison.OrdinalIgnoreCase), show.OuterHtml);
    }
}
