using Backstage.Web.Accounts;
using Backstage.Web.Articles;
using Backstage.Web.Data;
using Backstage.Web.Shows;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Seeding;

/// <summary>Roles always; demo accounts and the demo article with its shows only when asked (Development).</summary>
public sealed class Seeder(BackstageDbContext db, UserManager<AppUser> users, RoleManager<IdentityRole> roles, ILogger<Seeder> log,
    GallerySeeder galleries)
{
    public const string DemoPassword = "Backstage-demo-2025";
    public const string DemoArticleSlug = "paris-fashion-week-the-coolest-backstage-moments";

    public static readonly (string Email, string Name, string Role)[] DemoAccounts =
    [
        ("admin@backstage.test", "Ada Admin", Roles.Admin),
        ("editor@backstage.test", "Eddie Editor", Roles.Editor),
        ("reader@backstage.test", "Rita Reader", Roles.Reader),
    ];

    public static readonly (string Designer, string Slug, int Day)[] DemoShows =
    [
        ("Dior", "dior-fw25", 3), ("Gucci", "gucci-fw25", 4), ("Mugler", "mugler-fw25", 5),
        ("Rochas", "rochas-fw25", 5), ("Dries Van Noten", "dries-van-noten-fw25", 6), ("Marine Serre", "marine-serre-fw25", 7),
    ];

    public async Task SeedAsync(bool demo)
    {
        foreach (var role in Roles.All)
            if (!await roles.RoleExistsAsync(role))
                await roles.CreateAsync(new IdentityRole(role));
        if (!demo) return;

        foreach (var (email, name, role) in DemoAccounts)
            if (await users.FindByEmailAsync(email) is null)
                await AccountCommands.CreateUserAsync(users, email, name, DemoPassword, role);

        if (await db.Shows.AnyAsync()) return;
        log.LogInformation("Seeding demo content");
        var shows = DemoShows.Select(s => new Show
        {
            Designer = s.Designer, Slug = s.Slug, Season = "Fall/Winter 2025", City = "Paris",
            Date = new DateOnly(2025, 3, s.Day),
            Description = $"Backstage at {s.Designer}: hair, make-up and the last minutes before the walk.",
            Status = ShowStatus.Published, PublishAt = DateTimeOffset.UtcNow.AddMinutes(-5),
        }).ToList();
        db.Shows.AddRange(shows);
        var editor = await users.FindByEmailAsync("editor@backstage.test");
        var article = new Article
        {
            Title = "Paris Fashion Week: the coolest backstage moments",
            Slug = DemoArticleSlug,
            Standfirst = "Hairspray, safety pins and nerves of steel: a week behind the curtains of the Paris shows.",
            Body = DemoArticleBody(shows),
            Status = ArticleStatus.Published,
            PublishAt = DateTimeOffset.UtcNow.AddMinutes(-5),
            AuthorId = editor?.Id,
        };
        db.Articles.Add(article);
        await ArticleEmbeds.RecordAsync(db, article, default);
        await db.SaveChangesAsync();
        await galleries.SeedAsync(shows);
    }

    private static string DemoArticleBody(IEnumerable<Show> shows) =>
        "Paris closes the fashion month, and backstage is where the week really happens: models in robes, " +
        "hairstylists with a comb in each hand, and *the* quiet before the first look goes out.\n\n" +
        "Here is what our photographers saw, show by show.\n\n" +
        string.Join("\n\n", shows.Select(s => $"## At {s.Designer}\n\n{s.Description}\n\n::: gallery {s.Slug}"));
}
