using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Backstage.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class CommentPhotoLink : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Before the link existed any number could be stored: drop references to photos that are not there.
            migrationBuilder.Sql("UPDATE comments SET photo_id = NULL WHERE photo_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM photos p WHERE p.id = comments.photo_id);");

            migrationBuilder.DropColumn(
                name: "photo_show_slug",
                table: "comments");

            migrationBuilder.CreateIndex(
                name: "ix_comments_photo_id",
                table: "comments",
                column: "photo_id");

            migrationBuilder.AddForeignKey(
                name: "fk_comments_photo_photo_id",
                table: "comments",
                column: "photo_id",
                principalTable: "photos",
                principalColumn: "id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_comments_photo_photo_id",
                table: "comments");

            migrationBuilder.DropIndex(
                name: "ix_comments_photo_id",
                table: "comments");

            migrationBuilder.AddColumn<string>(
                name: "photo_show_slug",
                table: "comments",
                type: "character varying(120)",
                maxLength: 120,
                nullable: true);
        }
    }
}
