using System.Globalization;
using Backstage.Media;
using Backstage.Web.Data;
using Backstage.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Galleries;

/// <summary>
/// Removes what crashes and re-renders leave behind, once it is older than <see cref="JobOptions.OrphanAge"/>: upload temp
/// files, rendition temp files and rendition files with no row (old focal crops, deleted photos). Originals are kept,
/// except quarantined ones of taken-down photos past Backstage:Media:QuarantineDays (<see cref="Takedown.PurgeExpiredAsync"/>).
/// </summary>
public sealed class MediaSweeper(IServiceScopeFactory scopes, MediaStorage storage, IOptions<JobOptions> options, ILogger<MediaSweeper> log)
{
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var age = options.Value.OrphanAge;
        var cutoff = DateTime.UtcNow - age;
        int removed = storage.Originals.SweepTemporaryFiles(age);
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<BackstageDbContext>();
        var photoDirs = Directory.Exists(storage.RenditionsRoot) ? Directory.EnumerateDirectories(storage.RenditionsRoot) : [];
        foreach (var photoDir in photoDirs)
        {
            ct.ThrowIfCancellationRequested();
            if (!int.TryParse(Path.GetFileName(photoDir), NumberStyles.None, CultureInfo.InvariantCulture, out var photoId)) continue;
            var specs = (await db.Set<Rendition>().Where(r => r.PhotoId == photoId).Select(r => r.Spec).ToListAsync(ct)).ToHashSet();
            foreach (var file in Directory.EnumerateFiles(photoDir, "*", SearchOption.AllDirectories))
            {
                var spec = Path.GetRelativePath(photoDir, file).Replace(Path.DirectorySeparatorChar, '/');
                if (specs.Contains(spec) || File.GetLastWriteTimeUtc(file) > cutoff) continue;
                if (TryDelete(file)) removed++;
            }
            foreach (var dir in Directory.EnumerateDirectories(photoDir, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(photoDir))
                if (Directory.Exists(dir) && !Directory.EnumerateFileSystemEntries(dir).Any() && Directory.GetLastWriteTimeUtc(dir) <= cutoff)
                    try { Directory.Delete(dir); } catch (IOException) { }
        }
        if (removed > 0) log.LogInformation("Media sweeper removed {Count} orphan files", removed);
        removed += await scope.ServiceProvider.GetRequiredService<Takedown>().PurgeExpiredAsync(ct);
        // Finished jobs are kept a week for the record, then dropped (failed ones stay: their photo shows the error).
        var before = DateTimeOffset.UtcNow.AddDays(-7);
        await db.Set<Job>().Where(j => j.State == JobState.Succeeded && j.FinishedAt < before).ExecuteDeleteAsync(ct);
        return removed;
    }

    private static bool TryDelete(string path)
    {
        try { File.Delete(path); return true; } catch (IOException) { return false; } catch (UnauthorizedAccessException) { return false; }
    }
}

internal sealed class MediaSweeperService(MediaSweeper sweeper, IOptions<JobOptions> options, ILogger<MediaSweeperService> log) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = options.Value.SweepInterval;
        if (every <= TimeSpan.Zero || options.Value.Workers <= 0) return;
        using var timer = new PeriodicTimer(every);
        do
        {
            try { await sweeper.SweepAsync(stoppingToken); }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { return; }
            catch (Exception e) { log.LogWarning(e, "Media sweep failed"); }
        } while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
