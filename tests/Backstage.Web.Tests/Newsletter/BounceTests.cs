using System.Net.Http.Json;
using Backstage.Tests.Shared;
using Backstage.Web.Accounts;
using Backstage.Web.Newsletter;
using Backstage.Web.Tests.Comments;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Backstage.Web.Tests.Newsletter;

/// <summary>
/// The newsletter app mailing through tests/services/bounce-smtp.js instead of maildev: a real SMTP server (nodemailer's
/// smtp-server) that answers RCPT TO for "bounce…" addresses with 550 and accepts the rest. Two hard bounces mark a
/// subscriber bounced.
/// </summary>
public sealed class BounceFactory : NewsletterFactory
{
    public const int Limit = 2;
    public BounceServer Smtp { get; private set; } = null!;
    protected override bool StartMailServer => false;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Smtp = new BounceServer(await NpmService.StartAsync("bounce-smtp.js",
            p => ["--smtp", SmtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--web", p[0]], ports: 1));
    }

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        base.ConfigureSettings(builder);
        builder.UseSetting("Backstage:Newsletter:BounceLimit", Limit.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    public override async Task DisposeAsync()
    {
        if (Smtp is not null) await Smtp.DisposeAsync();
        await base.DisposeAsync();
    }
}

/// <summary>What bounce-smtp.js saw: recipients it refused with 550, and those of the messages it accepted.</summary>
public sealed class BounceServer(NpmService service) : IAsyncDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = new Uri($"http://127.0.0.1:{service.Port}") };
    public sealed record Seen(List<string> Refused, List<string> Accepted);
    public async Task<Seen> SeenAsync() => (await _http.GetFromJsonAsync<Seen>("/"))!;

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        return service.DisposeAsync();
    }
}

public sealed class BounceTests(BounceFactory factory) : IClassFixture<BounceFactory>
{
    private async Task<long> SendAsync(string subject, int articleId, params int[] lists)
    {
        var id = await factory.WithScopeAsync(async sp =>
        {
            var desk = sp.GetRequiredService<NewsletterDesk>();
            var saved = await desk.SaveAsync(null, new IssueFields(subject, "", [articleId], [], lists, 0), Actor.System, default);
            Assert.True(saved.Ok, saved.Message);
            var sent = await desk.SendAsync(saved.Id!.Value, null, Actor.System, default);
            Assert.True(sent.Ok, sent.Message);
            return saved.Id.Value;
        });
        await factory.RunSendsAsync();
        Assert.Equal(NewsletterIssueState.Sent, await factory.WithDbAsync(db => db.Set<NewsletterIssue>().Where(i => i.Id == id).Select(i => i.State).SingleAsync()));
        return id;
    }

    private Task<Subscriber> SubscriberAsync(string email) =>
        factory.WithDbAsync(db => db.Set<Subscriber>().AsNoTracking().SingleAsync(s => s.Email == email));

    private Task<DeliveryState?> DeliveryAsync(long issue, long subscriber) => factory.WithDbAsync(db =>
        db.Set<NewsletterDelivery>().Where(d => d.IssueId == issue && d.SubscriberId == subscriber).Select(d => (DeliveryState?)d.State).SingleOrDefaultAsync());

    [Fact]
    public async Task A_recipient_refused_with_550_is_marked_bounced_after_the_configured_count_and_not_mailed_again()
    {
        var article = await factory.CreateArticleAsync();
        var (bounceList, bouncers) = await factory.SubscribersAsync(1, "bounce");
        var (readerList, readers) = await factory.SubscribersAsync(1, "reader");
        var bouncer = await SubscriberAsync(bouncers[0]);
        var reader = await SubscriberAsync(readers[0]);

        // First issue: the server refuses the bouncing address (550), the reader's message goes out. One bounce of two.
        var first = await SendAsync("Bounce test 1 " + Guid.NewGuid().ToString("N")[..6], article.Id, bounceList, readerList);
        var seen = await factory.Smtp.SeenAsync();
        Assert.Equal([bouncer.Email], seen.Refused);
        Assert.Equal([reader.Email], seen.Accepted);
        Assert.Equal(DeliveryState.Bounced, await DeliveryAsync(first, bouncer.Id));
        Assert.Equal(DeliveryState.Sent, await DeliveryAsync(first, reader.Id));
        bouncer = await SubscriberAsync(bouncer.Email);
        Assert.Equal((SubscriberState.Confirmed, 1), (bouncer.State, bouncer.BounceCount));
        Assert.Contains("550", await factory.WithDbAsync(db => db.Set<NewsletterDelivery>().Where(d => d.IssueId == first && d.SubscriberId == bouncer.Id).Select(d => d.LastError).SingleAsync()));

        // Second issue: the second hard bounce in a row reaches the limit: the subscriber is Bounced.
        var second = await SendAsync("Bounce test 2 " + Guid.NewGuid().ToString("N")[..6], article.Id, bounceList, readerList);
        seen = await factory.Smtp.SeenAsync();
        Assert.Equal([bouncer.Email, bouncer.Email], seen.Refused);
        Assert.Equal(DeliveryState.Bounced, await DeliveryAsync(second, bouncer.Id));
        bouncer = await SubscriberAsync(bouncer.Email);
        Assert.Equal((SubscriberState.Bounced, BounceFactory.Limit), (bouncer.State, bouncer.BounceCount));
        Assert.Equal(SubscriberState.Confirmed, (await SubscriberAsync(reader.Email)).State);

        // Third issue: the bounced address is not tried at all; the reader gets every issue.
        var third = await SendAsync("Bounce test 3 " + Guid.NewGuid().ToString("N")[..6], article.Id, bounceList, readerList);
        seen = await factory.Smtp.SeenAsync();
        Assert.Equal(2, seen.Refused.Count);
        Assert.Equal([reader.Email, reader.Email, reader.Email], seen.Accepted);
        Assert.NotEqual(DeliveryState.Sent, await DeliveryAsync(third, bouncer.Id));

        // The studio counts one bounce for each of the first two issues.
        var summaries = await factory.WithScopeAsync(sp => sp.GetRequiredService<NewsletterDesk>().SummariesAsync(default));
        Assert.Equal([1, 1, 0], new[] { first, second, third }.Select(id => summaries.Single(s => s.Issue.Id == id).Bounced));
    }
}
