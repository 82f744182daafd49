using Backstage.Web.Accounts;
using Backstage.Web.Comments;
using Backstage.Web.Tests.Infrastructure;
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
        await factory.WithScopeAsync(sp => sp.GetRequiredService<CommentModeration>().ModerateAsync([old], ModerationDecision.Trash, admin));

        factory.Clock.Advance(TimeSpan.FromDays(29));
        var recentTrash = await PurgeAsync();
        Assert.Equal(0, recentTrash);
        factory.Clock.Advance(TimeSpan.FromDays(2));
        var purged = await PurgeAsync();
        Assert.Equal(1, purged);

        Assert.False(await factory.WithDbAsync(db => db.Set<Comment>().AnyAsync(c => c.Id == old)));
        Assert.True(await factory.WithDbAsync(db => db.Set<Comment>().AnyAsync(c => c.Id == kept)));
        var trail = await factory.AuditAsync(old);
        Assert.Equal(["posted", "trash", "purged"], trail.Select(a => a.Action));
        Assert.Equal("rule: trash retention", trail[2].Actor);
        Assert.Null(trail[2].ActorId);
        Assert.Contains("Soon gone", trail[2].Reason);
        Assert.Equal(0, await PurgeAsync());
    }

    private async Task<int> PurgeAsync() => (await factory.WithScopeAsync(sp => sp.GetRequiredService<TrashPurge>().PurgeAsync())).Changed;
}

/// <summary>The rules page keeps what the admin typed when a value is out of range, and saves nothing.</summary>
public sealed class CommentRulesPageTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    [Fact]
    public async Task Out_of_range_values_are_refused_with_the_typed_values_kept()
    {
        var admin = await factory.ClientAsync(Roles.Admin);
        var response = await admin.PostFormAsync("/admin/rules",
            ("Input.HoldFirstComment", "true"), ("Input.MaxLinks", "-1"), ("Input.ModerationWords", "keepme"), ("Input.BlockWords", ""),
            ("Input.MinSecondsBetweenComments", "15"), ("Input.MaxCommentsPerHour", "10"), ("Input.MaxCommentsPerHourPerIp", "30"),
            ("Input.EditWindowMinutes", "15"), ("Input.TrashRetentionDays", "30"));
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var page = Backstage.Web.Tests.Infrastructure.FormClient.Parse(await response.Content.ReadAsStringAsync());
        Assert.NotNull(page.QuerySelector(".errors"));
        Assert.Equal("keepme", page.QuerySelector("textarea[name='Input.ModerationWords']")!.TextContent.Trim());
        Assert.Equal(2, (await factory.WithDbAsync(db => db.CommentRulesAsync())).MaxLinks);
        Assert.False(await factory.WithDbAsync(db => db.Set<CommentAuditEntry>().AnyAsync(a => a.Action == "rules-changed")));
    }
}
