using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Backstage.Web.Data.Migrations
{
    /// <inheritdoc />
    public partial class Comments : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "comment_audit",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    actor_id = table.Column<string>(type: "text", nullable: true),
                    actor = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    action = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    comment_id = table.Column<long>(type: "bigint", nullable: true),
                    article_id = table.Column<int>(type: "integer", nullable: true),
                    subject_user_id = table.Column<string>(type: "text", nullable: true),
                    from_state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    to_state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_comment_audit", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "comment_rules",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false),
                    hold_first_comment = table.Column<bool>(type: "boolean", nullable: false),
                    max_links = table.Column<int>(type: "integer", nullable: false),
                    moderation_words = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    block_words = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    min_seconds_between_comments = table.Column<int>(type: "integer", nullable: false),
                    max_comments_per_hour = table.Column<int>(type: "integer", nullable: false),
                    max_comments_per_hour_per_ip = table.Column<int>(type: "integer", nullable: false),
                    edit_window_minutes = table.Column<int>(type: "integer", nullable: false),
                    trash_retention_days = table.Column<int>(type: "integer", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_comment_rules", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "comments",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    article_id = table.Column<int>(type: "integer", nullable: false),
                    author_id = table.Column<string>(type: "text", nullable: false),
                    parent_id = table.Column<long>(type: "bigint", nullable: true),
                    reply_to_id = table.Column<long>(type: "bigint", nullable: true),
                    body = table.Column<string>(type: "character varying(5000)", maxLength: 5000, nullable: false),
                    state = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    photo_id = table.Column<int>(type: "integer", nullable: true),
                    photo_show_slug = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: true),
                    photo_label = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    ip_hash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    edited_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    state_changed_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    open_reports = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_comments", x => x.id);
                    table.ForeignKey(
                        name: "fk_comments_articles_article_id",
                        column: x => x.article_id,
                        principalTable: "articles",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_comments_asp_net_users_author_id",
                        column: x => x.author_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_comments_comments_parent_id",
                        column: x => x.parent_id,
                        principalTable: "comments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_comments_comments_reply_to_id",
                        column: x => x.reply_to_id,
                        principalTable: "comments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "reader_bans",
                columns: table => new
                {
                    user_id = table.Column<string>(type: "text", nullable: false),
                    banned_by_id = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_reader_bans", x => x.user_id);
                    table.ForeignKey(
                        name: "fk_reader_bans_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "comment_reports",
                columns: table => new
                {
                    id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    comment_id = table.Column<long>(type: "bigint", nullable: false),
                    reporter_id = table.Column<string>(type: "text", nullable: false),
                    reason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    resolved_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_comment_reports", x => x.id);
                    table.ForeignKey(
                        name: "fk_comment_reports_asp_net_users_reporter_id",
                        column: x => x.reporter_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_comment_reports_comments_comment_id",
                        column: x => x.comment_id,
                        principalTable: "comments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_comment_audit_at",
                table: "comment_audit",
                column: "at");

            migrationBuilder.CreateIndex(
                name: "ix_comment_audit_comment_id",
                table: "comment_audit",
                column: "comment_id");

            migrationBuilder.CreateIndex(
                name: "ix_comment_audit_subject_user_id",
                table: "comment_audit",
                column: "subject_user_id");

            migrationBuilder.CreateIndex(
                name: "ix_comment_reports_comment_id_reporter_id",
                table: "comment_reports",
                columns: new[] { "comment_id", "reporter_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_comment_reports_reporter_id",
                table: "comment_reports",
                column: "reporter_id");

            migrationBuilder.CreateIndex(
                name: "ix_comments_article_id_state_created_at",
                table: "comments",
                columns: new[] { "article_id", "state", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_comments_author_id_created_at",
                table: "comments",
                columns: new[] { "author_id", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_comments_ip_hash_created_at",
                table: "comments",
                columns: new[] { "ip_hash", "created_at" });

            migrationBuilder.CreateIndex(
                name: "ix_comments_open_reports",
                table: "comments",
                column: "open_reports",
                filter: "open_reports > 0");

            migrationBuilder.CreateIndex(
                name: "ix_comments_parent_id",
                table: "comments",
                column: "parent_id");

            migrationBuilder.CreateIndex(
                name: "ix_comments_reply_to_id",
                table: "comments",
                column: "reply_to_id");

            migrationBuilder.CreateIndex(
                name: "ix_comments_state_state_changed_at",
                table: "comments",
                columns: new[] { "state", "state_changed_at" });

            // The audit log is append-only: the database itself refuses to change or remove an entry.
            migrationBuilder.Sql("""
                CREATE FUNCTION comment_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    RAISE EXCEPTION 'comment_audit is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
                END $$;
                CREATE TRIGGER comment_audit_no_update_delete BEFORE UPDATE OR DELETE ON comment_audit
                    FOR EACH ROW EXECUTE FUNCTION comment_audit_append_only();
                CREATE TRIGGER comment_audit_no_truncate BEFORE TRUNCATE ON comment_audit
                    FOR EACH STATEMENT EXECUTE FUNCTION comment_audit_append_only();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP TRIGGER IF EXISTS comment_audit_no_truncate ON comment_audit; DROP TRIGGER IF EXISTS comment_audit_no_update_delete ON comment_audit; DROP FUNCTION IF EXISTS comment_audit_append_only();");

            migrationBuilder.DropTable(
                name: "comment_audit");

            migrationBuilder.DropTable(
                name: "comment_reports");

            migrationBuilder.DropTable(
                name: "comment_rules");

            migrationBuilder.DropTable(
                name: "reader_bans");

            migrationBuilder.DropTable(
                name: "comments");
        }
    }
}
