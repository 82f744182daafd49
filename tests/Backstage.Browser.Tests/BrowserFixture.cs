using Backstage.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Backstage.Browser.Tests;

/// <summary>
/// The real app on a real Kestrel socket (127.0.0.1, free port) with its own database, and Debian's Chromium
/// driven by Playwright. Playwright's own browser download cannot work here, so the executable is set in code.
/// </summary>
public class BrowserFixture : BackstageFactory
{
    public IPlaywright Playwright { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string BaseUrl { get; private set; } = "";

    public static string ChromiumPath =>
        Environment.GetEnvironmentVariable("BACKSTAGE_CHROMIUM")
        ?? new[] { "/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("Chromium not found: apt-get install -y chromium (or set BACKSTAGE_CHROMIUM).");

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        UseKestrel(0);
        StartServer();
        BaseUrl = ClientOptions.BaseAddress.ToString().TrimEnd('/');
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await LaunchChromiumAsync(Playwright);
    }

    /// <summary>Debian's headless Chromium with the flags a container needs (also used by fixtures that run their own nodes).</summary>
    public static Task<IBrowser> LaunchChromiumAsync(IPlaywright playwright) => playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = ChromiumPath,
        Headless = true,
        // --disable-dev-shm-usage: in a container /dev/shm is often 64 MB, and renderers that run out of it crash or stall.
        Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync"],
    });

    protected override void ConfigureSettings(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        builder.UseSetting("urls", "http://127.0.0.1:0");
        // The port is known only once Kestrel listens: absolute links point at port 80, which no test follows.
        builder.UseSetting("Backstage:PublicBaseUrl", "http://127.0.0.1");
        builder.UseSetting("AllowedHosts", "127.0.0.1;localhost");
    }

    /// <summary>A fresh browser context (own cookies), optionally signed in through the login page.</summary>
    public async Task<IPage> NewPageAsync(string? email = null, BrowserNewContextOptions? options = null)
    {
        options ??= new BrowserNewContextOptions();
        options.BaseURL = BaseUrl;
        var context = await Browser.NewContextAsync(options);
        // Waits, not assertions on speed: the suite's web and browser assemblies share two cores, and a PBKDF2 sign-in
        // next to a crawler can take longer than Playwright's 30 s default.
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        Assertions.SetDefaultExpectTimeout(90_000); // Expect(…) waits as long (its own default is 5 s: three uploads outlasted it in CI)
        var page = await context.NewPageAsync();
        if (email is not null) await SignInAsync(page, email, Password);
        return page;
    }

    /// <summary>Signs <paramref name="page"/>'s context in through the login page (of whichever app its base URL is).</summary>
    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.GetByLabel("Email").FillAsync(email);
        await page.GetByLabel("Password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        // Signed in once the redirect away from the login page commits (the cookie came with it). Not its "load": a
        // page's load event was seen never to reach Playwright under CI's load (network idle, no load), and every
        // caller goes on to its own page.
        await page.WaitForURLAsync(u => !u.Contains("/account/login"), new() { WaitUntil = WaitUntilState.Commit });
    }

    /// <summary>A live (Published) show of the given designer, with a unique slug.</summary>
    public async Task<Backstage.Web.Shows.Show> LiveShowAsync(string designer)
    {
        var show = new Backstage.Web.Shows.Show
        {
            Designer = designer, Season = "Fall/Winter 2025", City = "Paris", Date = new DateOnly(2025, 3, 4),
            Slug = designer.ToLowerInvariant() + "-" + Guid.NewGuid().ToString("N")[..6],
            Status = Backstage.Web.Shows.ShowStatus.Published, PublishAt = DateTimeOffset.UtcNow.AddMinutes(-1),
        };
        await WithDbAsync(async db => { db.Shows.Add(show); await db.SaveChangesAsync(); });
        return show;
    }

    /// <summary>Writes <paramref name="count"/> generated 1200×800 JPEGs named "{prefix}_0001.jpg"… into a new temp directory.</summary>
    public static (string Directory, string[] Files) WriteJpegs(string prefix, int count, int seed)
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("browser-photos-").FullName;
        var files = Enumerable.Range(1, count).Select(i =>
        {
            var path = Path.Combine(dir, $"{prefix}_{i:0000}.jpg");
            Backstage.Media.DemoImages.WriteJpeg(path, seed: seed + i, width: 1200, height: 800);
            return path;
        }).ToArray();
        return (dir, files);
    }

    /// <summary>Reloads the gallery page until <paramref name="count"/> photos are Ready (the background workers render them).</summary>
    public static async Task WaitForReadyAsync(IPage editor, int showId, int count)
    {
        for (int i = 0; i < 120; i++)
        {
            await editor.GotoAsync($"/studio/shows/{showId}/gallery");
            if (await editor.Locator(".sheet-cell[data-status=Ready]").CountAsync() == count) break;
            await Task.Delay(1000);
        }
        await Assertions.Expect(editor.Locator(".sheet-cell[data-status=Ready]")).ToHaveCountAsync(count);
    }

    /// <summary>The screenshots the README shows; each run regenerates them in docs/img.</summary>
    private static readonly HashSet<string> ReadmeShots = ["reader-show-phone", "live-show-phone", "gallery-studio", "moderation-queue", "newsletter-preview"];

    /// <summary>
    /// Saves a screenshot under TestResults/screenshots for people to look at (not an assertion); the README's own
    /// (<see cref="ReadmeShots"/>) are also written to docs/img of the checkout.
    /// </summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        if (ReadmeShots.Contains(name) && RepositoryRoot() is { } root)
        {
            var docs = Directory.CreateDirectory(Path.Combine(root, "docs", "img")).FullName;
            File.Copy(path, Path.Combine(docs, name + ".png"), overwrite: true);
        }
    }

    private static string? RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Backstage.sln"))) return dir.FullName;
        return null;
    }

    public override async Task DisposeAsync()
    {
        // Bounded: a Chromium that stopped answering must not hold the test run forever.
        await Browser.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(60)).ContinueWith(_ => { });
        Playwright.Dispose();
        await base.DisposeAsync();
    }
}
