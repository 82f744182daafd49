using MimeKit;
using System.Text.RegularExpressions;
using Backstage.Media;
using Backstage.Web.Galleries;
using Backstage.Web.Jobs;
using Backstage.Web.Newsletter;
using Backstage.Web.Shows;
using Backstage.Web.Tests.Membership;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Newsletter;

/// <summary>
/// Mail through a real maildev, small renditions (rendered by the test's own runs of the job queue), five messages per
/// minute so a batch boundary is easy to reach. <see cref="SecondNode"/> is another app on the same database and SMTP
/// port, without a maildev of its own.
/// </summary>
public class NewsletterFactory : MailFactory
{
    private readonly bool _second;
    public const int PerMinute = 5;

    public NewsletterFactory() { }
    private NewsletterFactory(NewsletterFactory previous) : base(previous) => _second = true;

    protected override bool StartMailServer => !_second;

    public NewsletterFactory SecondNode() => new(this) { KeepDataDirectory = true };

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        base.ConfigureSettings(builder);
        builder.UseSetting("Backstage:Newsletter:MessagesPerMinute", PerMinute.ToString());
        builder.UseSetting("Backstage:Newsletter:BounceLimit", "1");
        builder.UseSetting("Backstage:Media:Widths:0", "320");
        builder.UseSetting("Backstage:Media:Widths:1", "640");
        builder.UseSetting("Backstage:Media:AvifWidths:0", "320");
        builder.UseSetting("Backstage:Media:ReadyMaxWidth", "640");
    }

    public JobQueue Queue => Services.GetRequiredService<JobQueue>();

    public async Task<Show> CreateShowAsync(string designer)
    {
        var show = new Show
        {
            Status = ShowStatus.Published, PublishAt = DateTimeOffset.UtcNow.AddMinutes(-1), Designer = designer,
            Season = "Fall/Winter 2025", City = "Paris", Date = new DateOnly(2025, 3, 3),
            Slug = $"{designer.ToLowerInvariant()}-{Guid.NewGuid().ToString("N")[..8]}",
        };
        await WithDbAsync(async db => { db.Shows.Add(show); await db.SaveChangesAsync(); });
        return show;
    }

    /// <summary>Uploads <paramref name="count"/> generated JPEGs, renders them, and gives each alt text and a credit (not yet published).</summary>
    public async Task<List<Photo>> AddPhotosAsync(Show show, int count)
    {
        var dir = Directory.CreateTempSubdirectory("newsletter-photos-").FullName;
        var ids = new List<int>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var file = Path.Combine(dir, $"p{i}.jpg");
                DemoImages.WriteJpeg(file, seed: show.Id * 100 + i + 1, 720, 480);
                var outcome = await WithScopeAsync(async sp =>
                {
                    await using var stream = File.OpenRead(file);
                    return await sp.GetRequiredService<PhotoUploads>().AddAsync(show.Id, $"photo-{i + 1}.jpg", stream, CancellationToken.None);
                });
                Assert.True(outcome.Ok, outcome.Message);
                ids.Add(outcome.PhotoId!.Value);
            }
        }
        finally { Directory.Delete(dir, recursive: true); }
        await RunJobsAsync();
        return await WithDbAsync(async db =>
        {
            var photos = await db.Set<Photo>().Where(p => ids.Contains(p.Id)).OrderBy(p => p.Position).ThenBy(p => p.Id).ToListAsync();
            Assert.All(photos, p => Assert.Equal(PhotoStatus.Ready, p.Status));
            for (var i = 0; i < photos.Count; i++)
            {
                photos[i].AltText = $"Model {i + 1} at {show.Designer} in the make-up chair";
                photos[i].Credit = "Camille Martin";
                photos[i].Agency = "Backstage Pictures";
            }
            await db.SaveChangesAsync();
            return photos;
        });
    }

    /// <summary>A list of this test's own with <paramref name="count"/> confirmed subscribers; returns its id and their addresses.</summary>
    public Task<(int ListId, List<string> Emails)> SubscribersAsync(int count, string tag) => WithDbAsync(async db =>
    {
        var now = DateTimeOffset.UtcNow;
        var list = new NewsletterList { Slug = $"{tag}-{Guid.NewGuid():N}", Name = $"List {tag}", SortOrder = 10 };
        db.Add(list);
        await db.SaveChangesAsync();
        var emails = Enumerable.Range(1, count).Select(i => $"{tag}-{i}-{Guid.NewGuid():N}@example.test").ToList();
        foreach (var e in emails)
        {
            var s = new Subscriber { Email = e, State = SubscriberState.Confirmed, TokenHash = Guid.NewGuid().ToString("N"), CreatedAt = now, ConfirmedAt = now, StateChangedAt = now };
            db.Add(s);
            await db.SaveChangesAsync();
            db.Add(new NewsletterSubscription { SubscriberId = s.Id, ListId = list.Id, CreatedAt = now });
        }
        await db.SaveChangesAsync();
        return (list.Id, emails);
    });

    /// <summary>Runs due newsletter-send jobs on this node until none is due.</summary>
    public async Task<int> RunSendsAsync(string worker = "test-worker")
    {
        var n = 0;
        while (await Queue.RunOnceAsync(worker, kind: NewsletterSendHandler.JobKind)) n++;
        return n;
    }
}

/// <summary>maildev's messages as JSON: headers, HTML and text of each.</summary>
public sealed record MailMessage(string To, string Subject, IReadOnlyDictionary<string, string> Headers, string Html, string Text);

public static partial class NewsletterMail
{
    /// <summary>The messages whose subject contains <paramref name="subjectContains"/>, parsed from their raw source with MimeKit.</summary>
    public static async Task<List<MailMessage>> MessagesAsync(this Maildev mail, string subjectContains)
    {
        List<string> ids;
        using (var doc = await mail.AllAsync())
            ids = doc.RootElement.EnumerateArray().Where(m => (m.GetProperty("subject").GetString() ?? "").Contains(subjectContains, StringComparison.Ordinal))
                .Select(m => m.GetProperty("id").GetString()!).ToList();
        var result = new List<MailMessage>();
        foreach (var id in ids)
        {
            await using var source = await mail.SourceAsync(id);
            var buffer = new MemoryStream();
            await source.CopyToAsync(buffer);
            buffer.Position = 0;
            var m = await MimeMessage.LoadAsync(buffer);
            result.Add(new MailMessage(string.Join(",", m.To.Mailboxes.Select(x => x.Address)), m.Subject ?? "",
                m.Headers.GroupBy(h => h.Field.ToLowerInvariant()).ToDictionary(g => g.Key, g => g.First().Value),
                m.HtmlBody ?? "", m.TextBody ?? ""));
        }
        return result;
    }

    /// <summary>The photo ids of every /media/{id}/… image in the HTML.</summary>
    public static IReadOnlyList<int> MediaPhotoIds(string html) =>
        MediaUrl().Matches(html).Select(m => int.Parse(m.Groups[1].Value)).Distinct().ToList();

    [GeneratedRegex(@"/media/(\d+)/")] private static partial Regex MediaUrl();
}
