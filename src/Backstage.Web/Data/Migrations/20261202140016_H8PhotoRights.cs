using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Backstage.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class H8PhotoRights : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "editorial_only",
                table: "photos",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "no_social",
                table: "photos",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "not_in_newsletters",
                table: "photos",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "not_in_search",
                table: "photos",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "rights_category",
                table: "photos",
                type: "character varying(24)",
                maxLength: 24,
                nullable: false,
                defaultValue: "Staff"); // photos from before rights existed were published as the newsroom's own

            // New rows always name their category (the app writes it; "NoRights" unless prefilled).
            migrationBuilder.Sql("ALTER TABLE photos ALTER COLUMN rights_category DROP DEFAULT;");

            migrationBuilder.AddColumn<string>(
                name: "rights_note",
                table: "photos",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "rights_source",
                table: "photos",
                type: "character varying(120)",
                maxLength: 120,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "usage_terms",
                table: "photos",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "valid_from",
                table: "photos",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "valid_until",
                table: "photos",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "web_statement",
                table: "photos",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_photos_valid_until",
                table: "photos",
                column: "valid_until");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_photos_valid_until",
                table: "photos");

            migrationBuilder.DropColumn(
                name: "editorial_only",
                table: "photos");

            migrationBuilder.DropColumn(
                name: "no_social",
                table: "photos");

            migrationBuilder.DropColumn(
                name: "not_in_newsletters",
                table: "photos");

            migrationBuilder.DropColumn(
                name: "not_in_search",
                table: "photos");

            migrationBuilder.DropColumn(
                name: "rights_category",
                table: "photos");

            migrationBuilder.DropColumn(
                name: "rights_note",
                table: "photos");

            migrationBuilder.DropColumn(
                name: "rights_source",
                table: "photos");

            migrationBuilder.DropColumn(
                name: "usage_terms",
                table: "photos");

            migrationBuilder.DropColumn(
                name: "valid_from",
                table: "photos");

            migrationBuilder.DropColumn(
                name: "valid_until",
                table: "photos");

            migrationBuilder.DropColumn(
                name: "web_statement",
                table: "photos");
        }
    }
}
