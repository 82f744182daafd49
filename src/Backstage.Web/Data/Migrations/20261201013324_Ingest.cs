using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Backstage.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Ingest : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "credit_presets",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    agency = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    credit_line = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_credit_presets", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "photo_file_facts",
                columns: table => new
                {
                    photo_id = table.Column<int>(type: "integer", nullable: false),
                    from_file = table.Column<List<string>>(type: "text[]", nullable: false),
                    copyright = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    headline = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    keywords = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    extended_description = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    batch_id = table.Column<Guid>(type: "uuid", nullable: true),
                    perceptual_hash = table.Column<long>(type: "bigint", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_photo_file_facts", x => x.photo_id);
                    table.ForeignKey(
                        name: "fk_photo_file_facts_photos_photo_id",
                        column: x => x.photo_id,
                        principalTable: "photos",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "resumable_uploads",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    show_id = table.Column<int>(type: "integer", nullable: false),
                    file_name = table.Column<string>(type: "character varying(255)", maxLength: 255, nullable: false),
                    size = table.Column<long>(type: "bigint", nullable: false),
                    sha256 = table.Column<string>(type: "character(64)", fixedLength: true, maxLength: 64, nullable: false),
                    offset = table.Column<long>(type: "bigint", nullable: false),
                    is_archive = table.Column<bool>(type: "boolean", nullable: false),
                    sidecar_xmp = table.Column<byte[]>(type: "bytea", nullable: true),
                    batch_id = table.Column<Guid>(type: "uuid", nullable: true),
                    order = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    result_json = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_resumable_uploads", x => x.id);
                    table.ForeignKey(
                        name: "fk_resumable_uploads_shows_show_id",
                        column: x => x.show_id,
                        principalTable: "shows",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_credit_presets_name",
                table: "credit_presets",
                column: "name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_photo_file_facts_batch_id",
                table: "photo_file_facts",
                column: "batch_id");

            migrationBuilder.CreateIndex(
                name: "ix_resumable_uploads_show_id_sha256_size",
                table: "resumable_uploads",
                columns: new[] { "show_id", "sha256", "size" },
                unique: true,
                filter: "state = 'Open'");

            migrationBuilder.CreateIndex(
                name: "ix_resumable_uploads_updated_at",
                table: "resumable_uploads",
                column: "updated_at");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "credit_presets");

            migrationBuilder.DropTable(
                name: "photo_file_facts");

            migrationBuilder.DropTable(
                name: "resumable_uploads");
        }
    }
}
