using Backstage.Web.Accounts;
using Backstage.Web.Galleries;
using Backstage.Web.Studio;
using Backstage.Web.Tests.Comments;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Galleries;

/// <summary>The gallery test app with a clock the test moves, and a restart on the same database and files.</summary>
public sealed class DeskFactory : GalleryFactory
{
    public ManualClock Clock { get; }

    public DeskFactory() => Clock = new ManualClock();
    private DeskFactory(DeskFactory previous) : base(previous) => Clock = previous.Clock;

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        base.ConfigureSettings(builder);
        builder.ConfigureServices(s => s.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>Stops this app (keeping its database and files) and starts a new one on them, with the same clock.</summary>
    public async Task<DeskFactory> RestartAsync()
    {
        KeepDataDirectory = true;
        await DisposeAsync();
        var next = new DeskFactory(this);
        await next.InitializeAsync();
        return next;
    }
}

internal static class DeskTestKit
{
    /// <summary>Runs <paramref name="action"/> with the app's <see cref="GalleryEditor"/> as an editor would (no HTTP).</summary>
    public static Task<EditorResult> EditorAsync(this GalleryFactory factory, Func<GalleryEditor, Task<EditorResult>> action) =>
        factory.WithScopeAsync(sp => action(sp.GetRequiredService<GalleryEditor>()));

    public static readonly Actor Desk = new(null, "desk@example.test");

    public static Task<List<StudioAuditEntry>> AuditAsync(this GalleryFactory factory, string kind, int id) =>
        factory.WithDbAsync(db => db.Set<StudioAuditEntry>().AsNoTracking().Where(a => a.SubjectKind == kind && a.SubjectId == id).OrderBy(a => a.Id).ToListAsync());

    /// <summary>Alt text and credit on every photo of the show (straight in the database), so each passes the gate.</summary>
    public static Task FillGateAsync(this GalleryFactory factory, int showId, string captionWord = "") =>
        factory.WithDbAsync(db => db.Set<Photo>().Where(p => p.ShowId == showId).ExecuteUpdateAsync(s => s
            .SetProperty(p => p.AltText, "A model in the make-up chair")
            .SetProperty(p => p.Credit, "Camille Martin")
            .SetProperty(p => p.Caption, "Last touches " + captionWord)));
}
