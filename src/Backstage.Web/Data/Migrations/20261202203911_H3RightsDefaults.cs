using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Backstage.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class H3RightsDefaults : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "licence_expired_at",
                table: "photos",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "editorial_only",
                table: "credit_presets",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "no_social",
                table: "credit_presets",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "not_in_newsletters",
                table: "credit_presets",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<bool>(
                name: "not_in_search",
                table: "credit_presets",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "rights_category",
                table: "credit_presets",
                type: "character varying(24)",
                maxLength: 24,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "valid_days",
                table: "credit_presets",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "rights_digest",
                table: "AspNetUsers",
                type: "boolean",
                nullable: false,
                defaultValue: false);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "licence_expired_at",
                table: "photos");

            migrationBuilder.DropColumn(
                name: "editorial_only",
                table: "credit_presets");

            migrationBuilder.DropColumn(
                name: "no_social",
                table: "credit_presets");

            migrationBuilder.DropColumn(
                name: "not_in_newsletters",
                table: "credit_presets");

            migrationBuilder.DropColumn(
                name: "not_in_search",
                table: "credit_presets");

            migrationBuilder.DropColumn(
                name: "rights_category",
                table: "credit_presets");

            migrationBuilder.DropColumn(
                name: "valid_days",
                table: "credit_presets");

            migrationBuilder.DropColumn(
                name: "rights_digest",
                table: "AspNetUsers");
        }
    }
}
