using Backstage.Media;
using Backstage.Web.Data;
using Backstage.Web.Shows;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Galleries;

/// <summary>
/// Development demo: a few generated "photographs" per show (camera-like sizes, different per show), with alt text,
/// captions and credits filled in, queued for rendering so the galleries fill in within a minute or two of first start.
/// Galleries are published, and the demo article embeds them, so they are public once Ready.
/// </summary>
public sealed class GallerySeeder(BackstageDbContext db, PhotoUploads uploads, TimeProvider clock, ILogger<GallerySeeder> log)
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

    public async Task SeedAsync(IReadOnlyList<Show> shows, CancellationToken ct = default)
    {
        var tmp = Path.Combine(Path.GetTempPath(), "backstage-demo-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(tmp);
        try
        {
            for (int s = 0; s < shows.Count; s++)
            {
                var show = shows[s];
                for (int i = 0; i < PhotosPerShow; i++)
                {
                    bool portrait = (i + s) % 3 == 1;
                    var (w, h) = portrait ? (2000, 3000) : (3000, 2000);
                    var file = Path.Combine(tmp, $"{show.Slug}-{i + 1}.jpg");
                    DemoImages.WriteJpeg(file, seed: s * 100 + i + 1, w, h);
                    UploadOutcome outcome;
                    await using (var stream = File.OpenRead(file))
                        outcome = await uploads.AddAsync(show.Id, $"{show.Designer.Replace(' ', '_').ToUpperInvariant()}_{i + 1:000}.jpg", stream, ct);
                    if (outcome.PhotoId is not int id || !outcome.Ok) { log.LogWarning("Demo photo refused: {Message}", outcome.Message); continue; }
                    var moment = Moments[(s + i) % Moments.Length];
                    await db.Set<Photo>().Where(p => p.Id == id).ExecuteUpdateAsync(x => x
                        .SetProperty(p => p.AltText, $"{moment}, backstage at {show.Designer}.")
                        .SetProperty(p => p.Caption, $"{moment}. Backstage at {show.Designer}, {show.Season}.")
                        .SetProperty(p => p.Credit, Photographers[(s + i) % Photographers.Length])
                        .SetProperty(p => p.Agency, i % 2 == 0 ? "Backstage Pictures" : null), ct);
                }
                db.Set<Gallery>().Add(new Gallery { ShowId = show.Id, PublishedAt = clock.GetUtcNow() });
            }
            await db.SaveChangesAsync(ct);
            log.LogInformation("Seeded {Count} demo photos; rendering in the background", shows.Count * PhotosPerShow);
        }
        finally
        {
            try { Directory.Delete(tmp, recursive: true); } catch (IOException) { }
        }
    }
}
