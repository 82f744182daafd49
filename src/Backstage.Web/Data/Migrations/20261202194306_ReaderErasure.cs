using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Backstage.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ReaderErasure : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // comment_audit allows the one UPDATE that erasing a reader needs (Privacy/PrivacySql.cs).
            Backstage.Web.Privacy.PrivacySql.Apply(migrationBuilder);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            Backstage.Web.Privacy.PrivacySql.Revert(migrationBuilder);
        }
    }
}
