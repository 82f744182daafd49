using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Backstage.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class H4UploadOwner : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "created_by",
                table: "resumable_uploads",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_resumable_uploads_created_by_state",
                table: "resumable_uploads",
                columns: new[] { "created_by", "state" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_resumable_uploads_created_by_state",
                table: "resumable_uploads");

            migrationBuilder.DropColumn(
                name: "created_by",
                table: "resumable_uploads");
        }
    }
}
