using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Backstage.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class H1PhotoUnpublishedOnPurpose : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "unpublished_at",
                table: "photos",
                type: "timestamp with time zone",
                nullable: true);

            // Photos unpublished before this column existed: the studio log says which were unpublished on purpose.
            migrationBuilder.Sql("""
                UPDATE photos p SET unpublished_at = a.at
                FROM (SELECT subject_id, max(at) AS at FROM studio_audit
                      WHERE subject_kind = 'photo' AND action = 'photo-unpublish' GROUP BY subject_id) a
                WHERE p.id = a.subject_id AND p.published_at IS NULL;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "unpublished_at",
                table: "photos");
        }
    }
}
