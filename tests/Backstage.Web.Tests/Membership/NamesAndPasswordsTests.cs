using System.Net;
using Backstage.Web.Accounts;
using Backstage.Web.Tests.Comments;
using Backstage.Web.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Tests.Membership;

/// <summary>Issue 9.5 and 9.6: guessable passwords refused; names normalized and not confusable with staff; staff badge; comment bodies without bidi tricks.</summary>
public sealed class NamesAndPasswordsTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    private async Task<HttpResponseMessage> RegisterAsync(string name, string password = "violet taxi under moonlight") =>
        await (await factory.ClientAsync()).PostFormAsync("/account/register", ("Input.Email", $"n-{Guid.NewGuid():N}@example.test"),
            ("Input.DisplayName", name), ("Input.Password", password), ("Input.ConfirmPassword", password));

    private static async Task<string> ErrorsAsync(HttpResponseMessage response) =>
        FormClient.Parse(await response.Content.ReadAsStringAsync()).QuerySelector(".errors")?.TextContent ?? "";

    [Theory]
    [InlineData("aaaaaaaaaa")]
    [InlineData("1234567890")]
    [InlineData("password123")]
    [InlineData("qwertyuiop")]
    [InlineData("iloveyou2025")]
    public async Task Guessable_passwords_are_refused_with_advice(string password)
    {
        var response = await RegisterAsync("Pat " + CommentTestKit.RandomWord(), password);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var errors = await ErrorsAsync(response);
        Assert.Contains("unrelated words", errors);
    }

    [Fact]
    public void The_common_list_the_demo_and_the_test_passwords_are_as_expected()
    {
        Assert.Contains("most common passwords", PasswordStrength.Check("football1"));
        Assert.Null(PasswordStrength.Check(Backstage.Web.Seeding.Seeder.DemoPassword));
        Assert.Null(PasswordStrength.Check(BackstageFactory.Password));
        Assert.NotNull(PasswordStrength.Check("nadia-nadia-2025", "nadia@example.test", "Nadia"));
    }

    [Fact]
    public void Names_are_normalized_and_skeletons_catch_look_alikes()
    {
        Assert.Equal("Eddie Editor", DisplayNames.Normalize("  Eddie\u200B \u202EEditor\u2066 "));
        Assert.Equal("", DisplayNames.Normalize("\u200B\u200C\u200D\u2060\uFEFF"));
        Assert.Equal("Ａ".Normalize(System.Text.NormalizationForm.FormKC), DisplayNames.Normalize("Ａ"));
        var staff = DisplayNames.Skeleton("Eddie Editor");
        foreach (var lookalike in new[] { "EDDIE-EDITOR", "Éddie Ed1tor", "\u0415ddi\u0435 \u0415ditor", "Edd1e  Ed!tor", "eddie_editor" })
            Assert.Equal(staff, DisplayNames.Skeleton(lookalike));
        Assert.NotEqual(staff, DisplayNames.Skeleton("Freddie Editor"));
    }

    [Fact]
    public async Task A_reader_cannot_take_a_staff_name_or_an_invisible_one()
    {
        var staffName = "Eddie " + CommentTestKit.RandomWord();
        await factory.WithScopeAsync(async sp =>
        {
            var users = Microsoft.Extensions.DependencyInjection.ServiceProviderServiceExtensions.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<AppUser>>(sp);
            return await AccountCommands.CreateUserAsync(users, $"staff-{Guid.NewGuid():N}@example.test", staffName, BackstageFactory.Password, Roles.Editor);
        });
        Assert.Contains("looks like the name of a member of our staff", await ErrorsAsync(await RegisterAsync(staffName.ToUpperInvariant().Replace('I', '1'))));
        Assert.Contains("at least one", await ErrorsAsync(await RegisterAsync("\u200B\u200B\u200B\u200B")));

        var ok = await RegisterAsync("\u202Eevil\u202C Reader " + CommentTestKit.RandomWord());
        Assert.Equal(HttpStatusCode.Redirect, ok.StatusCode);
        Assert.False(await factory.WithDbAsync(db => db.Users.AnyAsync(u => u.DisplayName.Contains("\u202E"))));
    }

    [Fact]
    public async Task Staff_comments_carry_a_role_badge_and_bodies_lose_bidi_controls()
    {
        await factory.SetRulesAsync(r => { r.HoldFirstComment = false; r.MinSecondsBetweenComments = 0; });
        var article = await factory.CreateArticleAsync();
        var editor = await factory.ClientAsync(Roles.Editor);
        var id = await editor.PostAcceptedAsync(article, "Credits: \u202Egnp.exe\u202C and zero\u200Bwidth, family 👩\u200D👩\u200D👧");
        var body = (await factory.CommentAsync(id)).Body;
        Assert.Equal("Credits: gnp.exe and zerowidth, family 👩\u200D👩\u200D👧", body);

        var reader = await factory.ClientAsync(Roles.Reader);
        var readerComment = await reader.PostAcceptedAsync(article, "Lovely " + Guid.NewGuid());
        var page = await (await factory.ClientAsync()).GetDocumentAsync($"/articles/{article.Slug}");
        Assert.Equal("Editor", page.QuerySelector($"#comment-{id} .badge-staff")!.TextContent.Trim());
        Assert.Null(page.QuerySelector($"#comment-{readerComment} .badge-staff"));
    }
}
