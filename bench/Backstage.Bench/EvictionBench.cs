using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Backstage.Bench;

/// <summary>
/// Cross-node eviction latency, as an editor and a reader would see it: an article is published through the studio's
/// own form on node A (sign-in, antiforgery token, "Publish now"), and node B's public page — served from B's output
/// cache until B hears of the change — is polled until it shows the new title. Prints one RESULT line.
/// <c>evict --a URL --b URL --email E --password P [--rounds 50] [--poll-ms 5]</c>
/// </summary>
public static partial class EvictionBench
{
    public static async Task<int> RunAsync(string[] args)
    {
        string Opt(string name, string? fallback = null)
        {
            int i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback ?? throw new ArgumentException($"evict needs {name}");
        }
        var nodeA = new Uri(Opt("--a"));
        var nodeB = new Uri(Opt("--b"));
        int rounds = int.Parse(Opt("--rounds", "50"), CultureInfo.InvariantCulture);
        var pollStep = TimeSpan.FromMilliseconds(int.Parse(Opt("--poll-ms", "5"), CultureInfo.InvariantCulture));
        var deadline = TimeSpan.FromSeconds(30);

        using var studio = new HttpClient(new SocketsHttpHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = nodeA };
        using var reader = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = nodeB };

        await PostFormAsync(studio, "/account/login", new() { ["Input.Email"] = Opt("--email"), ["Input.Password"] = Opt("--password") });
        string slug = "eviction-bench-" + Guid.NewGuid().ToString("N")[..8];
        string editPath = await PostFormAsync(studio, "/studio/articles/edit", Article("Eviction bench start", slug));
        string page = "/articles/" + slug;
        await WaitForAsync(reader, page, "Eviction bench start", TimeSpan.FromMilliseconds(50), deadline);

        var fromClick = new List<double>();
        var fromAnswer = new List<double>();
        for (int round = 1; round <= rounds; round++)
        {
            await reader.GetStringAsync(page); // B holds the previous version in its output cache
            string title = $"Eviction bench {round} {Guid.NewGuid():N}"[..32];
            long click = Stopwatch.GetTimestamp();
            await PostFormAsync(studio, editPath, Article(title, slug));
            long answered = Stopwatch.GetTimestamp();
            long seen = await WaitForAsync(reader, page, title, pollStep, deadline);
            fromClick.Add(Stopwatch.GetElapsedTime(click, seen).TotalMilliseconds);
            fromAnswer.Add(Stopwatch.GetElapsedTime(answered, seen).TotalMilliseconds);
        }
        Console.WriteLine(FormattableString.Invariant(
            $"RESULT rounds={rounds} p50={Percentile(fromClick, 50):0.0} p99={Percentile(fromClick, 99):0.0} max={fromClick.Max():0.0} after_answer_p50={Percentile(fromAnswer, 50):0.0} after_answer_p99={Percentile(fromAnswer, 99):0.0}"));
        return 0;
    }

    private static Dictionary<string, string> Article(string title, string slug) => new()
    {
        ["Input.Title"] = title, ["Input.Slug"] = slug,
        ["Input.Standfirst"] = "Measures how fast a change saved on one node reaches the other.",
        ["Input.Body"] = "A benchmark article.", ["action"] = "publish",
    };

    /// <summary>GETs the form page, posts the fields with its antiforgery token (and hidden version), expects a redirect; returns where it points.</summary>
    private static async Task<string> PostFormAsync(HttpClient client, string path, Dictionary<string, string> fields)
    {
        string html = await client.GetStringAsync(path);
        foreach (var hidden in new[] { "__RequestVerificationToken", "Input.Version" })
            if (HiddenValue(html, hidden) is { } value) fields[hidden] = value;
        using var response = await client.PostAsync(path, new FormUrlEncodedContent(fields));
        if (response.StatusCode is not (HttpStatusCode.Redirect or HttpStatusCode.SeeOther or HttpStatusCode.Found))
        {
            string body = await response.Content.ReadAsStringAsync();
            throw new InvalidOperationException($"POST {client.BaseAddress}{path.TrimStart('/')} answered {(int)response.StatusCode}, not a redirect: {body[..Math.Min(body.Length, 600)]}");
        }
        var location = response.Headers.Location ?? throw new InvalidOperationException($"POST {path} redirected nowhere");
        return location.IsAbsoluteUri ? location.PathAndQuery : location.OriginalString;
    }

    private static string? HiddenValue(string html, string name)
    {
        var input = InputTag().Matches(html).Select(m => m.Value).FirstOrDefault(t => t.Contains($"name=\"{name}\"", StringComparison.Ordinal));
        return input is null ? null : WebUtility.HtmlDecode(ValueAttribute().Match(input).Groups[1].Value);
    }

    /// <summary>Polls until the page contains the text; the timestamp of the answer that did.</summary>
    private static async Task<long> WaitForAsync(HttpClient client, string path, string text, TimeSpan step, TimeSpan deadline)
    {
        var start = Stopwatch.GetTimestamp();
        while (true)
        {
            string body = await client.GetStringAsync(path);
            long now = Stopwatch.GetTimestamp();
            if (body.Contains(text, StringComparison.Ordinal)) return now;
            if (Stopwatch.GetElapsedTime(start, now) > deadline)
                throw new TimeoutException($"{client.BaseAddress}{path.TrimStart('/')} did not show \"{text}\" within {deadline.TotalSeconds} s");
            await Task.Delay(step);
        }
    }

    /// <summary>Nearest-rank percentile.</summary>
    public static double Percentile(IReadOnlyList<double> values, int p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p / 100.0 * sorted.Length) - 1, 0, sorted.Length - 1)];
    }

    [GeneratedRegex("<input[^>]*>")] private static partial Regex InputTag();
    [GeneratedRegex("value=\"([^\"]*)\"")] private static partial Regex ValueAttribute();
}
