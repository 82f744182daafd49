using Microsoft.EntityFrameworkCore.Migrations;

namespace Backstage.Web.Privacy;

/// <summary>
/// Hand-written SQL of migration ReaderErasure. comment_audit stays append-only — DELETE and TRUNCATE are refused, and so
/// is every UPDATE but one: erasing a reader may rewrite the readable actor to "a former reader" and a reason that named
/// them to <see cref="RemovedReason"/>. Every other column (ids, times, actions, states) must stay as it was, so the trail
/// keeps its rows and its pseudonymous ids.
/// </summary>
public static class PrivacySql
{
    public const string RemovedReason = "[removed with a deleted reader's details]";

    public static void Apply(MigrationBuilder m) => m.Sql($$"""
        CREATE OR REPLACE FUNCTION comment_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF TG_OP = 'UPDATE'
               AND (NEW.actor = OLD.actor OR NEW.actor = '{{ReaderData.FormerReader}}')
               AND (NEW.reason IS NOT DISTINCT FROM OLD.reason OR NEW.reason = '{{RemovedReason.Replace("'", "''")}}')
               AND to_jsonb(NEW) - 'actor' - 'reason' = to_jsonb(OLD) - 'actor' - 'reason' THEN
                RETURN NEW;
            END IF;
            RAISE EXCEPTION 'comment_audit is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
        END $$;
        """);

    public static void Revert(MigrationBuilder m) => m.Sql("""
        CREATE OR REPLACE FUNCTION comment_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'comment_audit is append-only (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
        END $$;
        """);
}
