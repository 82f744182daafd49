using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Backstage.Web.Data.Migrations
{
    /// <summary>
    /// Photo captions in the reader's search (Reader/SearchService.PhotoVector). Hand-written SQL: KEEP IT when
    /// migrations are squashed (after Galleries, which creates the photos table; needs ReaderSearch's configuration).
    /// </summary>
    public partial class ReaderCaptionSearch : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE INDEX ix_photos_search ON photos USING GIN ((
                    setweight(to_tsvector('backstage_search'::regconfig, coalesce(caption, '')), 'B') ||
                    setweight(to_tsvector('backstage_search'::regconfig, coalesce(alt_text, '') || ' ' || coalesce(credit, '')), 'C')));
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS ix_photos_search;");
        }
    }
}
