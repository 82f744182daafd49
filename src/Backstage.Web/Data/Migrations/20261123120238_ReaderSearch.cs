using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Backstage.Web.Data.Migrations
{
    /// <summary>
    /// Full-text search for the reader's site (Reader/SearchService). Hand-written SQL, not modelled by EF Core:
    /// KEEP IT when migrations are squashed. A text-search configuration that folds accents (unaccent, a trusted
    /// extension since PostgreSQL 13) before English stemming, and GIN indexes on exactly the weighted vectors
    /// SearchService queries.
    /// </summary>
    public partial class ReaderSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS unaccent;");
            migrationBuilder.Sql("""
                DO $$ BEGIN
                    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'backstage_search') THEN
                        CREATE TEXT SEARCH CONFIGURATION backstage_search (COPY = pg_catalog.english);
                        ALTER TEXT SEARCH CONFIGURATION backstage_search
                            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
                    END IF;
                END $$;
                """);
            migrationBuilder.Sql("""
                CREATE INDEX ix_articles_search ON articles USING GIN ((
                    setweight(to_tsvector('backstage_search'::regconfig, title), 'A') ||
                    setweight(to_tsvector('backstage_search'::regconfig, coalesce(standfirst, '')), 'B') ||
                    setweight(to_tsvector('backstage_search'::regconfig, body), 'C')));
                """);
            migrationBuilder.Sql("""
                CREATE INDEX ix_shows_search ON shows USING GIN ((
                    setweight(to_tsvector('backstage_search'::regconfig, designer), 'A') ||
                    setweight(to_tsvector('backstage_search'::regconfig, season || ' ' || city), 'B') ||
                    setweight(to_tsvector('backstage_search'::regconfig, coalesce(description, '')), 'C')));
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_shows_search;");
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_articles_search;");
            migrationBuilder.Sql("DROP TEXT SEARCH CONFIGURATION IF EXISTS backstage_search;");
        }
    }
}
