using Microsoft.EntityFrameworkCore.Migrations;

namespace Backstage.Web.Studio;

/// <summary>
/// Hand-written SQL of the desk's publishing model, called from migration DeskPublishing (kept out of the migration so
/// it survives a regenerated snapshot): the studio log is append-only in the database itself, and existing content
/// moves to the new publishing model.
/// </summary>
public static class AuditSql
{
    public static void Apply(MigrationBuilder m)
    {
        m.Sql("""
            CREATE FUNCTION studio_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'studio_audit is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
            END $$;
            CREATE TRIGGER studio_audit_no_update_delete BEFORE UPDATE OR DELETE ON studio_audit
                FOR EACH ROW EXECUTE FUNCTION studio_audit_append_only();
            CREATE TRIGGER studio_audit_no_truncate BEFORE TRUNCATE ON studio_audit
                FOR EACH STATEMENT EXECUTE FUNCTION studio_audit_append_only();
            """);
    }

    /// <summary>
    /// Existing shows were public the moment they were saved: they become Published. Embeds are recorded from each
    /// article's "::: gallery" lines (this one-off backfill matches lines; every later save uses the Markdown parser).
    /// Photos of galleries that were public (published, or embedded by a live article) become published if they pass the gate.
    /// Must run before the galleries.published_at column is dropped.
    /// </summary>
    public static void Backfill(MigrationBuilder m)
    {
        m.Sql("""
            UPDATE shows SET status = 'Published', publish_at = created_at;
            INSERT INTO article_galleries (article_id, show_slug)
                SELECT DISTINCT a.id, lower(x.m[1]) FROM articles a,
                    regexp_matches(a.body, '^:::\s*gallery\s+([a-z0-9-]+)\s*(?::::)?\s*$', 'gn') AS x(m)
                ON CONFLICT DO NOTHING;
            UPDATE photos p SET published_at = now()
            WHERE p.status = 'Ready' AND (p.decorative OR coalesce(btrim(p.alt_text), '') <> '') AND coalesce(btrim(p.credit), '') <> ''
              AND (EXISTS (SELECT 1 FROM galleries g WHERE g.show_id = p.show_id AND g.published_at IS NOT NULL)
                   OR EXISTS (SELECT 1 FROM article_galleries e JOIN articles a ON a.id = e.article_id JOIN shows s ON s.slug = e.show_slug
                              WHERE s.id = p.show_id AND a.status <> 'Draft' AND a.publish_at <= now()));
            """);
    }

    public static void Revert(MigrationBuilder m) =>
        m.Sql("DROP TRIGGER IF EXISTS studio_audit_no_truncate ON studio_audit; DROP TRIGGER IF EXISTS studio_audit_no_update_delete ON studio_audit; DROP FUNCTION IF EXISTS studio_audit_append_only();");
}
