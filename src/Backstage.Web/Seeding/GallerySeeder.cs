using Backstage.Media;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Backstage.Web.Jobs;
using Backstage.Web.Shows;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Seeding;

/// <summary>
/// Development demo: a few generated "photographs" per show (camera-like sizes, different per show), with alt text,
/// captions and credits filled in, queued for rendering so the galleries fill in within a minute or two of first start.
/// Galleries are published, and the demo article embeds them, so they are public once Ready.
/// </summary>
public sealed class GallerySeeder(BackstageDbContext db, PhotoUploads uploads, JobQueue queue, TimeProvider clock, ILogger<GallerySeeder> log)
{
    public const int PhotosPerShow = 6;

    private static readonly string[] Moments =
    [
        "A hairstylist sets a model's fringe with a tail comb",
        "Make-up artists work on two models side by side under ring lights",
        "A dresser pins the hem of a look minutes before the walk",
        "Models wait in robes on a bench, one checking her phone",
        "The running order taped to a mirror, crossed out in marker",
        "A model laughs while a manicurist finishes her nails",
        "The line-up forms at the curtain for the finale",
        "Racks of looks labelled with Polaroids and model names",
    ];

    private static readonly string[] Photographers = ["Camille Martin", "Jonas Weber", "Aiko Tanaka", "Lucía Ortega", "Sam Okafor", "Elise Dubois"];

    /// <summary>
    /// Creates each show's gallery and queues a "demo-photos" job for the first show; each such job queues the next
    /// show's when done, so renders interleave with generation and the galleries fill in one after another.
    /// Start-up itself stays fast.
    /// </summary>
    public async Task SeedAsync(IReadOnlyList<Show> shows, CancellationToken ct = default)
    {
        foreach (var show in shows)
            db.Set<Gallery>().Add(new Gallery { ShowId = show.Id });
        if (shows.Count > 0)
            queue.Enqueue(db, DemoPhotosHandler.JobKind, shows[0].Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await db.SaveChangesAsync(ct);
        queue.Notify();
        log.LogInformation("Queued {Count} demo photos per show; they render in the background", PhotosPerShow);
    }

    /// <summary>Generates and adds the demo photos of one show (idempotent: the same seed gives the same bytes, stored once).</summary>
    public async Task AddDemoPhotosAsync(int showId, CancellationToken ct)
    {
        var show = await db.Shows.AsNoTracking().FirstOrDefaultAsync(s => s.Id == showId, ct);
        if (show is null) return;
        int demoIndex = Array.FindIndex(Seeder.DemoShows, d => d.Slug == show.Slug);
        int s = demoIndex < 0 ? showId : demoIndex;
        var tmp = Path.Combine(Path.GetTempPath(), "backstage-demo-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(tmp);
        try
        {
            for (int i = 0; i < PhotosPerShow; i++)
            {
                bool portrait = (i + s) % 3 == 1;
                var (w, h) = portrait ? (2000, 3000) : (3000, 2000);
                var file = Path.Combine(tmp, $"{i + 1}.jpg");
                await Task.Run(() => DemoImages.WriteJpeg(file, seed: s * 100 + i + 1, w, h), ct);
                UploadOutcome outcome;
                await using (var stream = File.OpenRead(file))
                    outcome = await uploads.AddAsync(show.Id, $"{show.Designer.Replace(' ', '_').ToUpperInvariant()}_{i + 1:000}.jpg", stream, ct);
                File.Delete(file);
                if (outcome.PhotoId is not int id || !outcome.Ok) continue;
                var moment = Moments[(s + i) % Moments.Length];
                await db.Set<Photo>().Where(p => p.Id == id).ExecuteUpdateAsync(x => x
                    .SetProperty(p => p.AltText, $"{moment}, backstage at {show.Designer}.")
                    .SetProperty(p => p.Caption, $"{moment}. Backstage at {show.Designer}, {show.Season}.")
                    .SetProperty(p => p.Credit, Photographers[(s + i) % Photographers.Length])
                    .SetProperty(p => p.RightsCategory, RightsCategory.Staff)
                    .SetProperty(p => p.Agency, i % 2 == 0 ? "Backstage Pictures" : null)
                    .SetProperty(p => p.PublishedAt, clock.GetUtcNow()), ct); // demo photos pass the gate: published
            }
        }
        finally
        {
            try { Directory.Delete(tmp, recursive: true); } catch (IOException) { }
        }
        if (demoIndex >= 0 && demoIndex + 1 < Seeder.DemoShows.Length)
        {
            var nextSlug = Seeder.DemoShows[demoIndex + 1].Slug;
            var next = await db.Shows.Where(x => x.Slug == nextSlug).Select(x => (int?)x.Id).FirstOrDefaultAsync(ct);
            if (next is not null && !await db.Set<Photo>().AnyAsync(p => p.ShowId == next, ct))
            {
                queue.Enqueue(db, DemoPhotosHandler.JobKind, next.Value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                await db.SaveChangesAsync(ct);
                queue.Notify();
            }
        }
    }
}

internal sealed class DemoPhotosHandler(GallerySeeder seeder) : IJobHandler
{
    public const string JobKind = "demo-photos";
    public string Kind => JobKind;

    public Task RunAsync(Job job, CancellationToken ct) =>
        seeder.AddDemoPhotosAsync(int.Parse(job.Payload, System.Globalization.CultureInfo.InvariantCulture), ct);

    public Task OnFailureAsync(Job job, string error, bool final, CancellationToken ct) => Task.CompletedTask;
}
