using System.Net;
using Backstage.Media;
using Backstage.Web.Accounts;
using Backstage.Web.Galleries;
using Backstage.Web.Jobs;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Backstage.Web.Tests.Galleries.GalleryTestKit;

namespace Backstage.Web.Tests.Galleries;

public sealed class GalleryPipelineTests(GalleryFactory factory) : IClassFixture<GalleryFactory>
{
    private async Task<(Shows.Show Show, FormClient Editor, List<Photo> Photos)> UploadedAsync(string designer, params (string, byte[])[] files)
    {
        var show = await factory.CreateShowAsync(designer);
        var editor = await factory.ClientAsync(Roles.Editor);
        await UploadAndShowAsync(editor, show.Id, files);
        return (show, editor, await factory.PhotosAsync(show.Id));
    }

    private Task<List<Job>> JobsForAsync(int photoId) => factory.WithDbAsync(db =>
        db.Set<Job>().AsNoTracking().Where(j => j.Kind == RenderPhotoHandler.JobKind && j.Payload == photoId.ToString()).OrderBy(j => j.Id).ToListAsync());

    [Fact]
    public async Task Renditions_are_served_with_immutable_caching_and_no_metadata_only_once_the_photo_is_published()
    {
        var (show, editor, photos) = await UploadedAsync("Dior", ("exif.jpg", JpegWithExif(7, "Secret Photographer", "(c) Secret Agency")));
        var photo = Assert.Single(photos);
        Assert.Equal("Secret Photographer", photo.Credit); // EXIF creator prefills the credit
        // Taken at 19:30:05 local time, UTC+01:00 (OffsetTimeOriginal), as cameras and phones record it.
        Assert.Equal(new DateTimeOffset(2026, 2, 14, 18, 30, 5, TimeSpan.Zero), photo.CapturedAt);
        await factory.DrainAsync();
        photo = Assert.Single(await factory.PhotosAsync(show.Id));
        Assert.Equal(PhotoStatus.Ready, photo.Status);
        Assert.NotNull(photo.PlaceholderDataUri);
        var plan = RenditionPlanner.Plan(photo.Width, factory.Services.GetRequiredService<MediaOptionsAccessor>().Options);
        Assert.Equal(plan.Count, photo.Renditions.Count);

        var anon = factory.Anonymous();
        var jpg = photo.Renditions.First(r => r.Spec == "w640.jpg");
        Assert.Equal(HttpStatusCode.NotFound, (await anon.GetAsync(MediaEndpoints.Url(photo.Id, jpg.Spec))).StatusCode);
        var asEditor = await editor.Http.GetAsync(MediaEndpoints.Url(photo.Id, jpg.Spec));
        Assert.Equal(HttpStatusCode.OK, asEditor.StatusCode);
        Assert.True(asEditor.Headers.CacheControl!.NoStore); // never in a shared cache
        Assert.False(asEditor.Headers.CacheControl.Public);

        Assert.Equal(HttpStatusCode.Redirect, (await PostEditorAsync(editor, show.Id, "publishAll", f => f["Items[0].Decorative"] = "true")).StatusCode);
        foreach (var r in photo.Renditions)
        {
            var response = await anon.GetAsync(MediaEndpoints.Url(photo.Id, r.Spec));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(r.ContentType, response.Content.Headers.ContentType!.MediaType);
            Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl!.ToString());
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            var bytes = await response.Content.ReadAsByteArrayAsync();
            Assert.False(Contains(bytes, "Exif"), r.Spec);
            Assert.False(Contains(bytes, "Secret"), r.Spec);
            Assert.False(Contains(bytes, "Canon"), r.Spec);
        }
        // The original is never reachable.
        foreach (var url in new[]
                 {
                     $"/media/{photo.Id}/{photo.Sha256}", $"/media/{photo.Id}/original", $"/media/{photo.Id}/../originals/{photo.Sha256}",
                     $"/media/{photo.Id}/%2e%2e/%2e%2e/originals/{photo.Sha256[..2]}/{photo.Sha256[2..4]}/{photo.Sha256}",
                     $"/media/originals/{photo.Sha256[..2]}/{photo.Sha256[2..4]}/{photo.Sha256}", $"/originals/{photo.Sha256}", $"/data/media/originals/{photo.Sha256}",
                 })
        {
            var response = await anon.GetAsync(url);
            Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.BadRequest or HttpStatusCode.Redirect, $"{url}: {response.StatusCode}");
            Assert.False(Contains(await response.Content.ReadAsByteArrayAsync(), "Secret"), url);
        }
    }

    [Fact]
    public async Task A_job_whose_worker_died_is_picked_up_after_its_lease_and_completes_exactly_once()
    {
        var (show, _, photos) = await UploadedAsync("Gucci", ("a.jpg", Jpeg(21)));
        var photo = Assert.Single(photos);
        var queue = factory.Queue;
        var claimed = await queue.ClaimAsync("dead-worker", TimeSpan.FromMinutes(10));
        Assert.NotNull(claimed);
        Assert.Null(await queue.ClaimAsync("alive-worker")); // leased: nobody else gets it
        // The dead worker's lease runs out.
        await factory.WithDbAsync(db => db.Set<Job>().Where(j => j.Id == claimed.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseUntil, DateTimeOffset.UtcNow.AddMinutes(-1))));

        Assert.True(await queue.RunOnceAsync("alive-worker"));
        Assert.False(await queue.CompleteAsync(claimed, "dead-worker")); // a late finish does not count
        await factory.DrainAsync(); // the AVIF follow-up
        var job = Assert.Single(await JobsForAsync(photo.Id));
        Assert.Equal(JobState.Succeeded, job.State);
        Assert.Equal("alive-worker", job.LockedBy);
        Assert.Equal(2, job.Attempts);
        var rendered = Assert.Single(await factory.PhotosAsync(show.Id));
        Assert.Equal(PhotoStatus.Ready, rendered.Status);
        var specs = rendered.Renditions.Select(r => r.Spec).Order().ToList();
        Assert.Equal(specs.Distinct().Count(), specs.Count);

        // Rendering again (as the dead worker's run would) changes nothing: same rows, no duplicates.
        await factory.WithDbAsync(async db =>
        {
            queue.Enqueue(db, RenderPhotoHandler.JobKind, RenderPhotoHandler.Payload(photo.Id));
            await db.SaveChangesAsync();
        });
        Assert.Equal(1, await factory.DrainAsync());
        var again = Assert.Single(await factory.PhotosAsync(show.Id));
        Assert.Equal(specs, again.Renditions.Select(r => r.Spec).Order().ToList());
        Assert.Equal(rendered.Renditions.Select(r => r.Id).Order(), again.Renditions.Select(r => r.Id).Order());
    }

    [Fact]
    public async Task Retries_back_off_then_fail_with_the_error_shown_in_the_studio_and_retry_works()
    {
        var (show, editor, photos) = await UploadedAsync("Mugler", ("lost.jpg", Jpeg(31)));
        var photo = Assert.Single(photos);
        var original = factory.OriginalPath(photo.Sha256);
        var saved = await File.ReadAllBytesAsync(original);
        File.Delete(original);

        Assert.Equal(3, await factory.DrainAsync()); // MaxAttempts = 3, no delay in tests
        var job = Assert.Single(await JobsForAsync(photo.Id));
        Assert.Equal(JobState.Failed, job.State);
        Assert.Equal(3, job.Attempts);
        Assert.Contains("missing", job.LastError);
        var failed = Assert.Single(await factory.PhotosAsync(show.Id));
        Assert.Equal(PhotoStatus.Failed, failed.Status);

        var page = await editor.GetDocumentAsync($"{GalleryUrl(show.Id)}?photo={photo.Id}");
        Assert.Contains("Failed", page.QuerySelector($"#photo-{photo.Id} .b-failed")!.TextContent);
        var inspector = page.QuerySelector("#inspector")!;
        Assert.Contains("original of lost.jpg is missing", inspector.QuerySelector(".photo-error")!.TextContent);
        Assert.NotNull(inspector.QuerySelector($"form[action*='handler=retry'][action*='photo={photo.Id}'] button"));

        await File.WriteAllBytesAsync(original, saved);
        Assert.Equal(HttpStatusCode.Redirect, (await PostEditorAsync(editor, show.Id, $"retry:{photo.Id}")).StatusCode);
        Assert.Equal(PhotoStatus.Processing, Assert.Single(await factory.PhotosAsync(show.Id)).Status);
        Assert.Equal(2, await factory.DrainAsync()); // the render, then its AVIF follow-up
        var ready = Assert.Single(await factory.PhotosAsync(show.Id));
        Assert.Equal(PhotoStatus.Ready, ready.Status);
        Assert.Null(ready.LastError);
    }

    [Fact]
    public async Task A_photo_is_ready_with_the_phone_widths_and_crops_and_gets_AVIF_and_wide_widths_from_a_background_job()
    {
        var (show, _, photos) = await UploadedAsync("Schiaparelli", ("wide.jpg", Jpeg(61)));
        var photo = Assert.Single(photos);
        var options = factory.Services.GetRequiredService<MediaOptionsAccessor>().Options;
        var plan = RenditionPlanner.Plan(photo.Width, options);
        var first = plan.Where(s => !RenditionPlanner.IsLater(s, options)).Select(s => s.Name).ToList();
        Assert.Contains("w640.jpg", plan.Select(s => s.Name).Except(first)); // wider than ReadyMaxWidth (320 here): later
        Assert.Contains("w320.avif", plan.Select(s => s.Name).Except(first));

        await factory.Queue.RunClaimedAsync(await ClaimFirstAsync(factory.Queue, j => j.Payload == photo.Id.ToString()), "w");
        var ready = Assert.Single(await factory.PhotosAsync(show.Id));
        Assert.Equal(PhotoStatus.Ready, ready.Status); // publishable now
        Assert.Equal(first.Order(), ready.Renditions.Select(r => RenditionKey.TryParse(r.Spec, out var k) ? k.Spec.Name : r.Spec).Order());
        var later = Assert.Single(await factory.WithDbAsync(db => db.Set<Job>().AsNoTracking()
            .Where(j => j.Kind == RenderPhotoHandler.LaterKind && j.Payload == photo.Id.ToString()).ToListAsync()));
        Assert.Equal((JobState.Pending, JobQueue.Background), (later.State, later.Priority));

        // A photo uploaded after it is rendered first: the follow-up waits until no first render is due.
        var next = Assert.Single(await UploadAndListAsync(show.Id, ("next.jpg", Jpeg(62))));
        var claimed = await ClaimFirstAsync(factory.Queue, j => j.Payload == next.Id.ToString() || j.Id == later.Id);
        Assert.Equal((RenderPhotoHandler.JobKind, next.Id.ToString()), (claimed.Kind, claimed.Payload));
        await factory.Queue.RunClaimedAsync(claimed, "w");

        await factory.DrainAsync();
        var complete = (await factory.PhotosAsync(show.Id)).Single(p => p.Id == photo.Id);
        Assert.Equal(plan.Select(s => s.Name).Order(), complete.Renditions.Select(r => RenditionKey.TryParse(r.Spec, out var k) ? k.Spec.Name : r.Spec).Order());
        Assert.Equal(JobState.Succeeded, (await factory.WithDbAsync(db => db.Set<Job>().AsNoTracking().SingleAsync(j => j.Id == later.Id))).State);

        // Running the follow-up again changes nothing, and a re-render of the crops queues no second follow-up.
        await factory.WithDbAsync(async db =>
        {
            factory.Queue.Enqueue(db, RenderPhotoHandler.LaterKind, RenderPhotoHandler.Payload(photo.Id), JobQueue.Background);
            factory.Queue.Enqueue(db, RenderPhotoHandler.JobKind, RenderPhotoHandler.Payload(photo.Id));
            await db.SaveChangesAsync();
        });
        Assert.Equal(2, await factory.DrainAsync());
        var again = (await factory.PhotosAsync(show.Id)).Single(p => p.Id == photo.Id);
        Assert.Equal(complete.Renditions.Select(r => r.Id).Order(), again.Renditions.Select(r => r.Id).Order());
    }

    [Fact]
    public async Task A_job_released_at_shutdown_is_claimable_again_without_counting_the_attempt()
    {
        var (_, _, photos) = await UploadedAsync("Celine", ("r.jpg", Jpeg(51)));
        var photo = Assert.Single(photos);
        var claimed = await ClaimForAsync(factory.Queue, photo.Id);
        Assert.Equal(1, claimed.Attempts);
        Assert.True(await factory.Queue.ReleaseAsync(claimed, "w"));
        var again = await ClaimForAsync(factory.Queue, photo.Id);
        Assert.Equal(claimed.Id, again.Id);
        Assert.Equal(1, again.Attempts);
        await factory.Queue.RunClaimedAsync(again, "w");
        Assert.Equal(JobState.Succeeded, Assert.Single(await JobsForAsync(photo.Id)).State);
    }

    [Fact]
    public void Retry_delays_grow_exponentially_up_to_the_cap()
    {
        var options = Options.Create(new JobOptions { RetryBaseDelay = TimeSpan.FromSeconds(10), MaxRetryDelay = TimeSpan.FromSeconds(60) });
        var queue = new JobQueue(factory.Services.GetRequiredService<IServiceScopeFactory>(), options, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<JobQueue>.Instance);
        Assert.Equal([10, 20, 40, 60, 60], Enumerable.Range(1, 5).Select(a => (int)queue.RetryDelay(a).TotalSeconds));
    }

    [Fact]
    public async Task A_failed_attempt_waits_before_the_next_one()
    {
        var (_, _, photos) = await UploadedAsync("Rochas", ("gone.jpg", Jpeg(41)));
        var photo = Assert.Single(photos);
        File.Delete(factory.OriginalPath(photo.Sha256));
        var options = Options.Create(new JobOptions { RetryBaseDelay = TimeSpan.FromMinutes(5), MaxAttempts = 3 });
        var queue = new JobQueue(factory.Services.GetRequiredService<IServiceScopeFactory>(), options, TimeProvider.System,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<JobQueue>.Instance);
        var claimed = await ClaimForAsync(queue, photo.Id);
        await queue.RunClaimedAsync(claimed, "w");
        var job = Assert.Single(await JobsForAsync(photo.Id));
        Assert.Equal(JobState.Pending, job.State);
        Assert.True(job.RunAfter > DateTimeOffset.UtcNow.AddMinutes(4), $"run_after {job.RunAfter}");
        Assert.Contains("retrying", Assert.Single(await factory.PhotosAsync(photo.ShowId)).LastError);
        await factory.WithDbAsync(db => db.Set<Job>().Where(j => j.Id == job.Id).ExecuteDeleteAsync());
    }

    private Task<Job> ClaimForAsync(JobQueue queue, int photoId) => ClaimFirstAsync(queue, j => j.Payload == photoId.ToString());

    private async Task<List<Photo>> UploadAndListAsync(int showId, params (string, byte[])[] files)
    {
        var before = (await factory.PhotosAsync(showId)).Select(p => p.Id).ToHashSet();
        await UploadAndShowAsync(await factory.ClientAsync(Roles.Editor), showId, files);
        return (await factory.PhotosAsync(showId)).Where(p => !before.Contains(p.Id)).ToList();
    }

    private async Task<Job> ClaimFirstAsync(JobQueue queue, Func<Job, bool> ours)
    {
        // Other tests of this class may have jobs queued: claim until ours comes up, releasing the others untouched.
        var others = new List<Job>();
        try
        {
            while (true)
            {
                var job = await queue.ClaimAsync("w") ?? throw new InvalidOperationException("job not found");
                if (ours(job)) return job;
                others.Add(job);
            }
        }
        finally
        {
            foreach (var o in others)
                await factory.WithDbAsync(db => db.Set<Job>().Where(j => j.Id == o.Id).ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.State, JobState.Pending).SetProperty(j => j.Attempts, j => j.Attempts - 1).SetProperty(j => j.LockedBy, (string?)null)));
        }
    }
}
