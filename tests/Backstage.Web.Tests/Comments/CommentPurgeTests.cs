using Backstage.Web.Accounts;
using Backstage.Web.Comments;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Comments;

/// <summary>Trash is purged after the retention period, leaving an audit entry; the audit rows stay.</summary>
public sealed class CommentPurgeTests(ClockFactory factory) : IClassFixture<ClockFactory>
{
    [Fact]
    public async Task Trash_older_than_thirty_days_is_purged_with_a_trace()
    {
        var article = await factory.CreateArticleAsync();
        var reader = await factory.ClientAsync(Roles.Reader);
        var old = await reader.PostAcceptedAsync(article, "Soon gone " + Guid.NewGuid());
        factory.Clock.Advance(TimeSpan.FromSeconds(16));
        var kept = await reader.PostAcceptedAsync(article, "Staying pending " + Guid.NewGuid());
        var admin = new Actor(null, "test admin");
        await factory.WithScopeAsync(sp => sp.GetRequiredService<CommentService>().ModerateAsync([old], CommentService.Decision.Trash, admin));

        factory.Clock.Advance(TimeSpan.FromDays(29));
        var recentTrash = await factory.WithScopeAsync(async sp =>
        {
            var db = sp.GetRequiredService<Backstage.Web.Data.BackstageDbContext>();
            return await sp.GetRequiredService<CommentService>().PurgeTrashAsync();
        });
        Assert.Equal(0, recentTrash);
        factory.Clock.Advance(TimeSpan.FromDays(2));
        var purged = await factory.WithScopeAsync(sp => sp.GetRequiredService<CommentService>().PurgeTrashAsync());
        Assert.Equal(1, purged);

        Assert.False(await factory.WithDbAsync(db => db.Set<Comment>().AnyAsync(c => c.Id == old)));
        Assert.True(await factory.WithDbAsync(db => db.Set<Comment>().AnyAsync(c => c.Id == kept)));
        var trail = await factory.AuditAsync(old);
        Assert.Equal(["posted", "trash", "purged"], trail.Select(a => a.Action));
        Assert.Equal("rule: trash retention", trail[2].Actor);
        Assert.Null(trail[2].ActorId);
        Assert.Contains("Soon gone", trail[2].Reason);
        Assert.Equal(0, await factory.WithScopeAsync(sp => sp.GetRequiredService<CommentService>().PurgeTrashAsync()));
    }
}
