using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

#pragma warning disable CA1814 // Prefer jagged arrays over multidimensional

namespace Backstage.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class NewsletterSubscribers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "newsletter_issues",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    slug = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    subject = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    intro_markdown = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    scheduled_for = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    send_started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    recipient_count = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    created_by = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_newsletter_issues", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "newsletter_lists",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    slug = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    description = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: false),
                    sort_order = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_newsletter_lists", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "newsletter_subscribers",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    bounce_count = table.Column<int>(type: "integer", nullable: false),
                    token_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    user_id = table.Column<string>(type: "text", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    confirmed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    state_changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_newsletter_subscribers", x => x.id);
                    table.ForeignKey(
                        name: "fk_newsletter_subscribers_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "newsletter_stories",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    issue_id = table.Column<long>(type: "bigint", nullable: false),
                    kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    target_id = table.Column<int>(type: "integer", nullable: false),
                    position = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_newsletter_stories", x => x.id);
                    table.ForeignKey(
                        name: "fk_newsletter_stories_newsletter_issues_issue_id",
                        column: x => x.issue_id,
                        principalTable: "newsletter_issues",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "newsletter_issue_lists",
                columns: table => new
                {
                    issue_id = table.Column<long>(type: "bigint", nullable: false),
                    list_id = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_newsletter_issue_lists", x => new { x.issue_id, x.list_id });
                    table.ForeignKey(
                        name: "fk_newsletter_issue_lists_newsletter_issues_issue_id",
                        column: x => x.issue_id,
                        principalTable: "newsletter_issues",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_newsletter_issue_lists_newsletter_list_list_id",
                        column: x => x.list_id,
                        principalTable: "newsletter_lists",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "newsletter_deliveries",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    issue_id = table.Column<long>(type: "bigint", nullable: false),
                    subscriber_id = table.Column<long>(type: "bigint", nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    last_error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    sent_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_newsletter_deliveries", x => x.id);
                    table.ForeignKey(
                        name: "fk_newsletter_deliveries_newsletter_issue_issue_id",
                        column: x => x.issue_id,
                        principalTable: "newsletter_issues",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_newsletter_deliveries_subscriber_subscriber_id",
                        column: x => x.subscriber_id,
                        principalTable: "newsletter_subscribers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "newsletter_subscriptions",
                columns: table => new
                {
                    subscriber_id = table.Column<long>(type: "bigint", nullable: false),
                    list_id = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_newsletter_subscriptions", x => new { x.subscriber_id, x.list_id });
                    table.ForeignKey(
                        name: "fk_newsletter_subscriptions_newsletter_lists_list_id",
                        column: x => x.list_id,
                        principalTable: "newsletter_lists",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_newsletter_subscriptions_subscriber_subscriber_id",
                        column: x => x.subscriber_id,
                        principalTable: "newsletter_subscribers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.InsertData(
                table: "newsletter_lists",
                columns: new[] { "id", "description", "name", "slug", "sort_order" },
                values: new object[,]
                {
                    { 1, "Each morning of a fashion week: the shows of the day before, backstage.", "Fashion week daily", "fashion-week-daily", 1 },
                    { 2, "Once a week: the galleries our editors liked best.", "The week's best backstage", "weeks-best-backstage", 2 }
                });

            migrationBuilder.CreateIndex(
                name: "ix_newsletter_deliveries_issue_id_state",
                table: "newsletter_deliveries",
                columns: new[] { "issue_id", "state" });

            migrationBuilder.CreateIndex(
                name: "ix_newsletter_deliveries_issue_id_subscriber_id",
                table: "newsletter_deliveries",
                columns: new[] { "issue_id", "subscriber_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_newsletter_deliveries_subscriber_id",
                table: "newsletter_deliveries",
                column: "subscriber_id");

            migrationBuilder.CreateIndex(
                name: "ix_newsletter_issue_lists_list_id",
                table: "newsletter_issue_lists",
                column: "list_id");

            migrationBuilder.CreateIndex(
                name: "ix_newsletter_issues_slug",
                table: "newsletter_issues",
                column: "slug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_newsletter_issues_state_scheduled_for",
                table: "newsletter_issues",
                columns: new[] { "state", "scheduled_for" });

            migrationBuilder.CreateIndex(
                name: "ix_newsletter_lists_slug",
                table: "newsletter_lists",
                column: "slug",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_newsletter_stories_issue_id_position",
                table: "newsletter_stories",
                columns: new[] { "issue_id", "position" });

            migrationBuilder.CreateIndex(
                name: "ix_newsletter_subscribers_email",
                table: "newsletter_subscribers",
                column: "email",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_newsletter_subscribers_token_hash",
                table: "newsletter_subscribers",
                column: "token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_newsletter_subscribers_user_id",
                table: "newsletter_subscribers",
                column: "user_id");

            migrationBuilder.CreateIndex(
                name: "ix_newsletter_subscriptions_list_id",
                table: "newsletter_subscriptions",
                column: "list_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "newsletter_deliveries");

            migrationBuilder.DropTable(
                name: "newsletter_issue_lists");

            migrationBuilder.DropTable(
                name: "newsletter_stories");

            migrationBuilder.DropTable(
                name: "newsletter_subscriptions");

            migrationBuilder.DropTable(
                name: "newsletter_issues");

            migrationBuilder.DropTable(
                name: "newsletter_lists");

            migrationBuilder.DropTable(
                name: "newsletter_subscribers");
        }
    }
}
