using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using Backstage.Web.Accounts;
using Backstage.Web.Galleries;
using Backstage.Web.Shows;
using Backstage.Web.Studio;
using Backstage.Web.Tests.Galleries;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Reader;

/// <summary>Three live streams per node at most, so the limit is reachable in a test.</summary>
public sealed class LiveFactory : GalleryFactory
{
    public const int MaxConnections = 3;

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        base.ConfigureSettings(builder);
        builder.UseSetting("Backstage:Live:MaxConnections", MaxConnections.ToString());
    }
}

/// <summary>An open SSE stream read event by event (System.Net.ServerSentEvents' parser, as a client library would).</summary>
public sealed class LiveStream : IAsyncDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60); // generous: the machine is shared
    private readonly HttpResponseMessage _response;
    private readonly IAsyncEnumerator<SseItem<string>> _events;
    private readonly CancellationTokenSource _cts = new();

    private LiveStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _events = SseParser.Create(body).EnumerateAsync(_cts.Token).GetAsyncEnumerator(_cts.Token);
    }

    public HttpResponseMessage Response => _response;

    public static async Task<LiveStream> OpenAsync(HttpClient http, string slug, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"/shows/{slug}/live");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        return new LiveStream(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next event, or null when the server closed the stream.</summary>
    public async Task<SseItem<string>?> NextAsync()
    {
        var next = _events.MoveNextAsync().AsTask();
        if (await Task.WhenAny(next, Task.Delay(Deadline)) != next) Assert.Fail($"no event within {Deadline.TotalSeconds} s");
        return await next ? _events.Current : null;
    }

    /// <summary>The next event's photo ids, checking it is a "photos" event whose data holds nothing but them.</summary>
    public async Task<(string Id, int[] Photos)> NextPhotosAsync()
    {
        var e = await NextAsync() ?? throw new Xunit.Sdk.XunitException("the stream ended");
        Assert.Equal("photos", e.EventType);
        using var json = JsonDocument.Parse(e.Data);
        Assert.Equal(["photos"], json.RootElement.EnumerateObject().Select(p => p.Name)); // only public ids: no caption, no alt text, no state
        return (e.EventId!, json.RootElement.GetProperty("photos").EnumerateArray().Select(x => x.GetInt32()).ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        await _cts.CancelAsync();
        _response.Dispose();
        try { await _events.DisposeAsync(); } catch (Exception e) when (e is OperationCanceledException or IOException or ObjectDisposedException) { }
    }
}

public sealed class LiveCoverageTests(LiveFactory factory) : IClassFixture<LiveFactory>
{
    /// <summary>A photo with everything the gate asks for (credit, alt text, rights), Ready, not published yet.</summary>
    private Task<Photo> ReadyPhotoAsync(Show show, int position, Action<Photo>? edit = null) => factory.WithDbAsync(async db =>
    {
        var p = new Photo
        {
            ShowId = show.Id, Position = position, Sha256 = Guid.NewGuid().ToString("N"), OriginalFileName = $"p{position}.jpg",
            Width = 900, Height = 600, Format = "jpeg", Status = PhotoStatus.Ready, AltText = $"A model backstage, look {position}",
            Caption = "SECRET-CAPTION", Credit = "Camille Martin", RightsCategory = RightsCategory.Staff,
        };
        edit?.Invoke(p);
        db.Add(p);
        await db.SaveChangesAsync();
        return p;
    });

    private async Task<Show> LiveShowAsync(string designer)
    {
        var show = await factory.CreateShowAsync(designer);
        var outcome = await factory.WithScopeAsync(sp => sp.GetRequiredService<ShowPublishing>().SetLiveCoverageAsync(show.Id, true, Actor.System, default));
        Assert.True(outcome.Ok, outcome.Message);
        return await factory.WithDbAsync(db => db.Shows.AsNoTracking().SingleAsync(s => s.Id == show.Id));
    }

    private Task PublishAsync(Show show, params int[] ids) => factory.WithScopeAsync(async sp =>
    {
        var r = await sp.GetRequiredService<GalleryEditor>().PublishAsync(show.Id, ids, Actor.System, default);
        Assert.True(r.Ok, r.Message);
        return 0;
    });

    [Fact]
    public async Task Publishing_unpublishing_and_a_takedown_each_send_the_public_gallery_in_order()
    {
        var show = await LiveShowAsync("Chloe");
        var first = await ReadyPhotoAsync(show, 1);
        var second = await ReadyPhotoAsync(show, 2);
        // Published, but "No rights": never public, so never in an event.
        var hidden = await ReadyPhotoAsync(show, 3, p => { p.RightsCategory = RightsCategory.NoRights; p.PublishedAt = DateTimeOffset.UtcNow; });

        await using var stream = await LiveStream.OpenAsync(factory.Anonymous(), show.Slug);
        Assert.Equal(HttpStatusCode.OK, stream.Response.StatusCode);
        Assert.Equal("text/event-stream", stream.Response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-store", stream.Response.Headers.CacheControl?.ToString());
        Assert.Empty((await stream.NextPhotosAsync()).Photos);

        await PublishAsync(show, second.Id);
        Assert.Equal([second.Id], (await stream.NextPhotosAsync()).Photos);
        await PublishAsync(show, first.Id);
        Assert.Equal([first.Id, second.Id], (await stream.NextPhotosAsync()).Photos); // gallery order, not publishing order

        await factory.WithScopeAsync(async sp =>
        {
            var r = await sp.GetRequiredService<GalleryEditor>().UnpublishAsync(show.Id, [first.Id], Actor.System, default);
            Assert.True(r.Ok, r.Message);
            return 0;
        });
        Assert.Equal([second.Id], (await stream.NextPhotosAsync()).Photos);

        await factory.WithScopeAsync(sp => sp.GetRequiredService<Takedown>().TakeDownAsync(show.Id, [second.Id], TakedownReason.Rights, null, Actor.System, default));
        var last = await stream.NextPhotosAsync();
        Assert.Empty(last.Photos);
        Assert.DoesNotContain(hidden.Id, last.Photos);
    }

    [Fact]
    public async Task Reconnecting_with_Last_Event_ID_gives_neither_a_duplicate_nor_a_miss()
    {
        var show = await LiveShowAsync("Loewe");
        var first = await ReadyPhotoAsync(show, 1);
        var second = await ReadyPhotoAsync(show, 2);
        var third = await ReadyPhotoAsync(show, 3);
        await PublishAsync(show, first.Id);

        string seen;
        await using (var stream = await LiveStream.OpenAsync(factory.Anonymous(), show.Slug))
        {
            var e = await stream.NextPhotosAsync();
            Assert.Equal([first.Id], e.Photos);
            seen = e.Id;
        }

        // Same state: resuming sends nothing for it; the first event is the next change, not the state already seen.
        await using (var stream = await LiveStream.OpenAsync(factory.Anonymous(), show.Slug, seen))
        {
            await PublishAsync(show, second.Id);
            var e = await stream.NextPhotosAsync();
            Assert.NotEqual(seen, e.Id);
            Assert.Equal([first.Id, second.Id], e.Photos);
            seen = e.Id;
        }

        // Published while the reader was away: the resumed stream starts with it.
        await PublishAsync(show, third.Id);
        await using (var stream = await LiveStream.OpenAsync(factory.Anonymous(), show.Slug, seen))
            Assert.Equal([first.Id, second.Id, third.Id], (await stream.NextPhotosAsync()).Photos);
    }

    [Fact]
    public async Task Ending_coverage_ends_the_stream_and_a_show_readers_cannot_see_has_none()
    {
        var show = await LiveShowAsync("Celine");
        await using (var stream = await LiveStream.OpenAsync(factory.Anonymous(), show.Slug))
        {
            await stream.NextPhotosAsync();
            await factory.WithScopeAsync(sp => sp.GetRequiredService<ShowPublishing>().SetLiveCoverageAsync(show.Id, false, Actor.System, default));
            Assert.Equal("ended", (await stream.NextAsync())?.EventType);
            Assert.Null(await stream.NextAsync());
        }
        await using (var stream = await LiveStream.OpenAsync(factory.Anonymous(), show.Slug)) // not live: says so and closes
            Assert.Equal("ended", (await stream.NextAsync())?.EventType);

        var draft = await factory.CreateShowAsync("Ferragamo", ShowStatus.Draft);
        await factory.WithScopeAsync(sp => sp.GetRequiredService<ShowPublishing>().SetLiveCoverageAsync(draft.Id, true, Actor.System, default));
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Anonymous().GetAsync($"/shows/{draft.Slug}/live")).StatusCode);
    }

    [Fact]
    public async Task Over_the_node_limit_a_reader_gets_503_until_a_place_frees()
    {
        var show = await LiveShowAsync("Hermes");
        var open = new List<LiveStream>();
        try
        {
            for (var i = 0; i < LiveFactory.MaxConnections; i++)
            {
                var s = await LiveStream.OpenAsync(factory.Anonymous(), show.Slug);
                Assert.Equal(HttpStatusCode.OK, s.Response.StatusCode);
                await s.NextPhotosAsync();
                open.Add(s);
            }
            var refused = await factory.Anonymous().GetAsync($"/shows/{show.Slug}/live");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);

            await open[0].DisposeAsync();
            open.RemoveAt(0);
            for (var attempt = 0; ; attempt++) // the place frees when the server sees the reader leave
            {
                var again = await LiveStream.OpenAsync(factory.Anonymous(), show.Slug);
                if (again.Response.StatusCode == HttpStatusCode.OK) { open.Add(again); break; }
                await again.DisposeAsync();
                if (attempt > 300) Assert.Fail("the place of a closed stream was never freed");
                await Task.Delay(100);
            }
        }
        finally
        {
            foreach (var s in open) await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_edit_page_starts_and_ends_live_coverage_logged_and_readers_pages_say_so()
    {
        var show = await factory.CreateShowAsync("Balmain");
        var editor = await factory.ClientAsync(Roles.Editor);
        var edit = $"/studio/shows/edit/{show.Id}";
        var page = await editor.GetDocumentAsync(edit);
        var start = page.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "Start live coverage");
        Assert.Equal(HttpStatusCode.Redirect, (await editor.PostFormAsync(edit, [], start.GetAttribute("formaction"))).StatusCode);

        var reader = factory.NewFormClient();
        var showPage = await reader.GetDocumentAsync($"/shows/{show.Slug}");
        Assert.Equal($"/shows/{show.Slug}/live", showPage.QuerySelector(".live-show")?.GetAttribute("data-live-stream"));
        Assert.NotNull(showPage.QuerySelector("script[src^='/js/live.js']"));
        var ld = JsonDocument.Parse(showPage.QuerySelector("script[type='application/ld+json']")!.TextContent).RootElement;
        var live = ld.GetProperty("@graph").EnumerateArray().Single(x => x.GetProperty("@type").GetString() == "LiveBlogPosting");
        Assert.True(live.TryGetProperty("coverageStartTime", out _));
        Assert.False(live.TryGetProperty("coverageEndTime", out _));
        Assert.Contains("Live now", (await reader.GetDocumentAsync("/shows")).QuerySelector($"a[href='/shows/{show.Slug}']")!.TextContent);
        Assert.Contains(show.Slug, (await reader.GetDocumentAsync("/")).QuerySelector(".live-now")?.InnerHtml);

        page = await editor.GetDocumentAsync(edit);
        var end = page.QuerySelectorAll("button").Single(b => b.TextContent.Trim() == "End live coverage");
        Assert.Equal(HttpStatusCode.Redirect, (await editor.PostFormAsync(edit, [], end.GetAttribute("formaction"))).StatusCode);
        showPage = await reader.GetDocumentAsync($"/shows/{show.Slug}");
        Assert.Null(showPage.QuerySelector(".live-show"));
        live = JsonDocument.Parse(showPage.QuerySelector("script[type='application/ld+json']")!.TextContent).RootElement
            .GetProperty("@graph").EnumerateArray().Single(x => x.GetProperty("@type").GetString() == "LiveBlogPosting");
        Assert.True(live.TryGetProperty("coverageEndTime", out _));
        Assert.DoesNotContain("Live now", (await reader.GetDocumentAsync("/shows")).QuerySelector($"a[href='/shows/{show.Slug}']")!.TextContent);

        var log = await factory.WithDbAsync(db => db.Set<StudioAuditEntry>().Where(e => e.SubjectKind == "show" && e.SubjectId == show.Id)
            .OrderBy(e => e.Id).Select(e => e.Action).ToListAsync());
        Assert.Equal([StudioActions.LiveCoverageStart, StudioActions.LiveCoverageEnd], log);
    }
}
