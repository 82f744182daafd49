using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Backstage.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class ScaleOut : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            Cluster.ClusterSql.Apply(migrationBuilder);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            Cluster.ClusterSql.Revert(migrationBuilder);
        }
    }
}
