using Backstage.Web.Reader;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Backstage.Web.Pages;

/// <summary>GET-only full-text search (no form token, nothing stored). Not output-cached: every query is different.</summary>
[AllowAnonymous]
public sealed class SearchModel(SearchService search, TimeProvider clock) : PageModel
{
    [FromQuery(Name = "q")] public string? Q { get; set; }
    public IReadOnlyList<SearchHit> Hits { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Hits = await search.SearchAsync(Q, clock.GetUtcNow(), ct);
}
