using Backstage.Tests.Shared;

namespace Backstage.Web.Tests.Infrastructure;

/// <summary>The npm test services start from the pinned lockfile and answer on their ports.</summary>
public sealed class NpmServiceTests
{
    [Fact]
    public async Task Maildev_answers_smtp_and_its_http_api()
    {
        await using var maildev = await NpmService.StartAsync("maildev", p => ["--smtp", p[0], "--web", p[1], "--ip", "127.0.0.1", "--web-ip", "127.0.0.1"], ports: 2);
        using var http = new HttpClient();
        var json = await http.GetStringAsync($"http://127.0.0.1:{maildev.Ports[1]}/api/email");
        Assert.Equal("[]", json.Trim());
    }
}
