using System.Globalization;
using System.Text;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;

namespace Backstage.Web.Areas.Studio.Pages.Rights;

/// <summary>
/// /studio/rights: what the desk may use and until when — photos by category, "Expiring in 7 days", "Expiring in 30
/// days", live photos with restrictions, photos held by "valid from"; ?handler=csv exports every photo's rights.
/// </summary>
public sealed class IndexModel(BackstageDbContext db, GalleryVisibility visibility, SiteTime time) : PageModel
{
    public List<(RightsCategory Category, int Count)> ByCategory { get; private set; } = [];
    public RightsCategory? Category { get; private set; }
    public List<Photo> InCategory { get; private set; } = [];
    public List<Photo> Expiring7 { get; private set; } = [];
    public List<Photo> Expiring30 { get; private set; } = [];
    public List<Photo> Restricted { get; private set; } = [];
    public List<Photo> Held { get; private set; } = [];
    public string ZoneName => time.ZoneName;
    public string Format(DateTimeOffset? t) => time.Format(t);

    private IQueryable<Photo> Photos => db.Set<Photo>().AsNoTracking().Include(p => p.Show).Where(p => p.TakenDownAt == null);

    public async Task OnGetAsync(RightsCategory? category, CancellationToken ct)
    {
        var now = time.Now;
        var counts = await Photos.GroupBy(p => p.RightsCategory).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(ct);
        ByCategory = Galleries.Rights.Categories.Select(c => (c.Category, counts.FirstOrDefault(x => x.Key == c.Category)?.Count ?? 0)).ToList();
        if (category is { } cat && Enum.IsDefined(cat))
        {
            Category = cat;
            InCategory = await Photos.Where(p => p.RightsCategory == cat).OrderBy(p => p.ShowId).ThenBy(p => p.Position).Take(500).ToListAsync(ct);
        }
        Expiring7 = await RightsQueries.ExpiringAsync(db, now, now.AddDays(7), ct);
        Expiring30 = await RightsQueries.ExpiringAsync(db, now.AddDays(7), now.AddDays(30), ct);
        Restricted = await visibility.PublicPhotos().AsNoTracking().Include(p => p.Show)
            .Where(p => p.NoSocial || p.NotInNewsletters || p.NotInSearch || p.EditorialOnly)
            .OrderBy(p => p.ShowId).ThenBy(p => p.Position).Take(500).ToListAsync(ct);
        Held = await Photos.Where(p => p.PublishedAt != null && p.ValidFrom > now).OrderBy(p => p.ValidFrom).Take(500).ToListAsync(ct);
    }

    /// <summary>Every photo's rights as CSV (desk only: it includes usage terms and the desk note).</summary>
    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        var now = time.Now;
        var photos = await db.Set<Photo>().AsNoTracking().Include(p => p.Show).OrderBy(p => p.ShowId).ThenBy(p => p.Position).ThenBy(p => p.Id).ToListAsync(ct);
        var csv = new StringBuilder();
        csv.Append("photo_id,show,file,category,source,usage_terms,valid_from,valid_until,state,no_social,not_in_newsletters,not_in_search,editorial_only,desk_note\r\n");
        foreach (var p in photos)
        {
            string[] cells =
            [
                p.Id.ToString(CultureInfo.InvariantCulture), p.Show?.Title ?? "", p.OriginalFileName, Galleries.Rights.Label(p.RightsCategory), p.RightsSource ?? "",
                p.UsageTerms ?? "", Iso(p.ValidFrom), Iso(p.ValidUntil), State(p, now),
                Yes(p.NoSocial), Yes(p.NotInNewsletters), Yes(p.NotInSearch), Yes(p.EditorialOnly), p.RightsNote ?? "",
            ];
            csv.Append(string.Join(',', cells.Select(Cell))).Append("\r\n");
        }
        var name = $"rights-{time.ToLocal(now):yyyy-MM-dd}.csv";
        return File(Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(csv.ToString())).ToArray(), "text/csv; charset=utf-8", name);
    }

    public static string State(Photo p, DateTimeOffset now) =>
        p.IsTakenDown ? "taken down" : p.LicenceExpired(now) ? "expired" : p.RightsCategory == RightsCategory.NoRights ? "no rights"
        : p.ValidFrom > now ? "held" : p.PublishedAt is null ? "unpublished" : "published";

    private static string Yes(bool b) => b ? "yes" : "";
    private static string Iso(DateTimeOffset? t) => t?.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture) ?? "";

    /// <summary>RFC 4180 quoting; a leading = + - @ is defused so a spreadsheet never runs a cell as a formula.</summary>
    private static string Cell(string s)
    {
        if (s.Length > 0 && "=+-@\t\r".Contains(s[0])) s = "'" + s;
        return s.IndexOfAny([',', '"', '\r', '\n']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;
    }
}
