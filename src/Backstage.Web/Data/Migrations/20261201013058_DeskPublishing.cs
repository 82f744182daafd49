using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Backstage.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class DeskPublishing : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "embargo_until",
                table: "shows",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "publish_at",
                table: "shows",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "status",
                table: "shows",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "Draft");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "published_at",
                table: "photos",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "takedown_note",
                table: "photos",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "takedown_reason",
                table: "photos",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "taken_down_at",
                table: "photos",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "taken_down_by",
                table: "photos",
                type: "character varying(256)",
                maxLength: 256,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "article_galleries",
                columns: table => new
                {
                    article_id = table.Column<int>(type: "integer", nullable: false),
                    show_slug = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_article_galleries", x => new { x.article_id, x.show_slug });
                    table.ForeignKey(
                        name: "fk_article_galleries_articles_article_id",
                        column: x => x.article_id,
                        principalTable: "articles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "article_revisions",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    article_id = table.Column<int>(type: "integer", nullable: false),
                    title = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    standfirst = table.Column<string>(type: "character varying(600)", maxLength: 600, nullable: true),
                    body = table.Column<string>(type: "text", nullable: false),
                    status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    publish_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    author_id = table.Column<string>(type: "text", nullable: true),
                    author_name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    note = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_article_revisions", x => x.id);
                    table.ForeignKey(
                        name: "fk_article_revisions_articles_article_id",
                        column: x => x.article_id,
                        principalTable: "articles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "studio_audit",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: true),
                    actor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    action = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    subject_kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    subject_id = table.Column<int>(type: "integer", nullable: false),
                    what = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: false),
                    why = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_studio_audit", x => x.id);
                });

            migrationBuilder.CreateIndex(
                name: "ix_article_galleries_show_slug",
                table: "article_galleries",
                column: "show_slug");

            migrationBuilder.CreateIndex(
                name: "ix_article_revisions_article_id_id",
                table: "article_revisions",
                columns: new[] { "article_id", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_studio_audit_at",
                table: "studio_audit",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_studio_audit_subject_kind_subject_id",
                table: "studio_audit",
                columns: new[] { "subject_kind", "subject_id" });

            Studio.AuditSql.Apply(migrationBuilder);
            Studio.AuditSql.Backfill(migrationBuilder); // reads galleries.published_at: before it goes

            migrationBuilder.DropColumn(
                name: "published_at",
                table: "galleries");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            Studio.AuditSql.Revert(migrationBuilder);

            migrationBuilder.DropTable(
                name: "article_galleries");

            migrationBuilder.DropTable(
                name: "article_revisions");

            migrationBuilder.DropTable(
                name: "studio_audit");

            migrationBuilder.DropColumn(
                name: "embargo_until",
                table: "shows");

            migrationBuilder.DropColumn(
                name: "publish_at",
                table: "shows");

            migrationBuilder.DropColumn(
                name: "status",
                table: "shows");

            migrationBuilder.DropColumn(
                name: "published_at",
                table: "photos");

            migrationBuilder.DropColumn(
                name: "takedown_note",
                table: "photos");

            migrationBuilder.DropColumn(
                name: "takedown_reason",
                table: "photos");

            migrationBuilder.DropColumn(
                name: "taken_down_at",
                table: "photos");

            migrationBuilder.DropColumn(
                name: "taken_down_by",
                table: "photos");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "published_at",
                table: "galleries",
                type: "timestamp with time zone",
                nullable: true);
        }
    }
}
