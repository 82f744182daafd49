using System.Net;
using Backstage.Web.Data;
using Backstage.Web.Galleries;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Backstage.Web.Reader;

public sealed record SearchHit(string Kind, string Title, string Url, string SnippetHtml, double Rank);

/// <summary>
/// PostgreSQL full-text search over live articles, shows (designer, season, city, description) and photo captions, ranked with
/// ts_rank and weighted (titles and designers first). The "backstage_search" text-search configuration (migration
/// ReaderSearch) runs words through unaccent before English stemming, so accents and case never matter. Snippets come
/// from ts_headline with control characters as match delimiters; the text is then HTML-encoded and only those
/// delimiters become &lt;mark&gt;, so nothing an editor typed is ever emitted as markup.
/// </summary>
public sealed class SearchService(BackstageDbContext db)
{
    public const int MaxResults = 50;
    private const char Start = '\u0001', Stop = '\u0002';

    // Must stay identical to the indexed expressions in migration ReaderSearch so the GIN indexes are used.
    internal const string ArticleVector =
        "(setweight(to_tsvector('backstage_search'::regconfig, a.title), 'A') || " +
        "setweight(to_tsvector('backstage_search'::regconfig, coalesce(a.standfirst, '')), 'B') || " +
        "setweight(to_tsvector('backstage_search'::regconfig, a.body), 'C'))";
    internal const string ShowVector =
        "(setweight(to_tsvector('backstage_search'::regconfig, s.designer), 'A') || " +
        "setweight(to_tsvector('backstage_search'::regconfig, s.season || ' ' || s.city), 'B') || " +
        "setweight(to_tsvector('backstage_search'::regconfig, coalesce(s.description, '')), 'C'))";

    internal const string PhotoVector =
        "(setweight(to_tsvector('backstage_search'::regconfig, coalesce(p.caption, '')), 'B') || " +
        "setweight(to_tsvector('backstage_search'::regconfig, coalesce(p.alt_text, '') || ' ' || coalesce(p.credit, '')), 'C'))";

    private const string HeadlineOptions =
        "StartSel=\"\u0001\", StopSel=\"\u0002\", MaxWords=30, MinWords=12, MaxFragments=2, FragmentDelimiter=\" … \"";

    private static readonly string Sql = $"""
        WITH q AS (SELECT websearch_to_tsquery('backstage_search'::regconfig, @q) AS query)
        SELECT kind, title, url, snippet, rank FROM (
            SELECT 'Story' AS kind, a.title AS title, '/articles/' || a.slug AS url,
                   ts_headline('backstage_search'::regconfig,
                       regexp_replace(coalesce(a.standfirst, '') || E'\n' || a.body, '^:::.*$|[\x01\x02#*_>`|\[\]]', ' ', 'gn'),
                       q.query, @opts) AS snippet,
                   ts_rank({ArticleVector}, q.query) AS rank, a.publish_at AS at
            FROM articles a, q
            WHERE a.status <> 'Draft' AND a.publish_at <= @now AND {ArticleVector} @@ q.query
            UNION ALL
            SELECT 'Show', 'At ' || s.designer || ', ' || s.season, '/shows/' || s.slug,
                   ts_headline('backstage_search'::regconfig,
                       translate(s.designer || ' — ' || s.season || ', ' || s.city || '. ' || coalesce(s.description, ''), E'\x01\x02', '  '), q.query, @opts),
                   ts_rank({ShowVector}, q.query), s.date::timestamptz
            FROM shows s, q
            WHERE {ShowVector} @@ q.query AND {GalleryVisibility.LiveShowSql}
            UNION ALL
            SELECT 'Photo', 'At ' || s.designer || ', photo ' || p.position, '/shows/' || s.slug || '/photos/' || p.position,
                   ts_headline('backstage_search'::regconfig,
                       translate(coalesce(p.caption, p.alt_text, '') || coalesce(' Photo: ' || p.credit, ''), E'\x01\x02', '  '), q.query, @opts),
                   ts_rank({PhotoVector}, q.query), s.date::timestamptz
            FROM photos p JOIN shows s ON s.id = p.show_id, q
            WHERE {PhotoVector} @@ q.query
              AND {GalleryVisibility.PublicPhotoSql} {GalleryVisibility.SearchSurfaceSql}
        ) hits
        ORDER BY rank DESC, at DESC NULLS LAST, title
        LIMIT @limit
        """;

    public async Task<IReadOnlyList<SearchHit>> SearchAsync(string? query, DateTimeOffset now, CancellationToken ct)
    {
        query = query?.Trim();
        if (string.IsNullOrEmpty(query)) return [];
        if (query.Length > 200) query = query[..200];
        query = query.Replace(Start, ' ').Replace(Stop, ' ').Replace('\0', ' ');

        // The transaction opens the connection (and runs the read again on a transient failure).
        return await db.InTransactionAsync(async () =>
        {
            await using var command = new NpgsqlCommand(Sql, (NpgsqlConnection)db.Database.GetDbConnection());
            command.Parameters.AddWithValue("q", query);
            command.Parameters.AddWithValue("opts", HeadlineOptions);
            command.Parameters.AddWithValue("now", now.ToUniversalTime());
            command.Parameters.AddWithValue("limit", MaxResults);
            var hits = new List<SearchHit>();
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
                hits.Add(new SearchHit(reader.GetString(0), reader.GetString(1), reader.GetString(2),
                    HighlightToHtml(reader.GetString(3)), reader.GetFloat(4)));
            return (IReadOnlyList<SearchHit>)hits;
        }, ct);
    }

    /// <summary>Encode everything, then turn only our own delimiters into mark elements.</summary>
    internal static string HighlightToHtml(string headline) =>
        WebUtility.HtmlEncode(headline.Trim()).Replace(Start.ToString(), "<mark>").Replace(Stop.ToString(), "</mark>");
}
