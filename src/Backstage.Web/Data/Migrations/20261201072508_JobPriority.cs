using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Backstage.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class JobPriority : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "priority",
                table: "jobs",
                type: "integer",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "priority",
                table: "jobs");
        }
    }
}
