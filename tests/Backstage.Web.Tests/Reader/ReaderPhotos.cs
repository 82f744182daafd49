using Backstage.Media;
using Backstage.Web.Galleries;
using Backstage.Web.Shows;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Reader;

/// <summary>Real photos for the reader's-site tests: generated JPEGs through the real upload path and render worker.</summary>
public static class ReaderPhotos
{
    /// <summary>Uploads <paramref name="count"/> small generated photos, waits for the worker to render them, fills in
    /// alt text, caption and credit, and publishes the photos (the show must be live for readers to see them). Returns the photos in gallery order.</summary>
    public static async Task<List<Photo>> AddPublishedPhotosAsync(BackstageFactory factory, Show show, int count, string? captionWord = null)
    {
        var dir = Directory.CreateTempSubdirectory("reader-photos-").FullName;
        var ids = new List<int>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var file = Path.Combine(dir, $"p{i}.jpg");
                var (w, h) = i % 3 == 1 ? (640, 960) : (960, 640);
                DemoImages.WriteJpeg(file, seed: show.Id * 100 + i + 1, w, h);
                var outcome = await factory.WithScopeAsync(async sp =>
                {
                    await using var stream = File.OpenRead(file);
                    return await sp.GetRequiredService<PhotoUploads>().AddAsync(show.Id, $"photo-{i + 1}.jpg", stream, CancellationToken.None);
                });
                Assert.True(outcome.Ok, outcome.Message);
                ids.Add(outcome.PhotoId!.Value);
            }
        }
        finally { Directory.Delete(dir, recursive: true); }

        for (var attempt = 0; ; attempt++) // the render worker runs in the background: wait (bounded) for it
        {
            var statuses = await factory.WithDbAsync(db => db.Set<Photo>().Where(p => ids.Contains(p.Id)).Select(p => p.Status).ToListAsync());
            Assert.DoesNotContain(PhotoStatus.Failed, statuses);
            if (statuses.All(s => s == PhotoStatus.Ready)) break;
            if (attempt > 600) throw new TimeoutException("photos were not rendered within two minutes");
            await Task.Delay(200);
        }

        return await factory.WithDbAsync(async db =>
        {
            var photos = await db.Set<Photo>().Where(p => ids.Contains(p.Id)).OrderBy(p => p.Position).ThenBy(p => p.Id).ToListAsync();
            for (var i = 0; i < photos.Count; i++)
            {
                photos[i].AltText = $"Backstage photo {i + 1} at {show.Designer}: a model in the make-up chair";
                photos[i].Caption = $"Last touches before the walk {captionWord} number {i + 1}.";
                photos[i].Credit = "Camille Martin";
                photos[i].Agency = "Backstage Pictures";
                photos[i].PublishedAt = DateTimeOffset.UtcNow;
            }
            await db.SaveChangesAsync();
            return await db.Set<Photo>().AsNoTracking().Include(p => p.Renditions).Where(p => ids.Contains(p.Id))
                .OrderBy(p => p.Position).ThenBy(p => p.Id).ToListAsync();
        });
    }
}
