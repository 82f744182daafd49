using Microsoft.EntityFrameworkCore.Migrations;

namespace Backstage.Web.Accounts;

/// <summary>Hand-written SQL of the AccountsEmail migration (kept here so it survives a regenerated snapshot).</summary>
public static class AccountsSql
{
    /// <summary>
    /// A ban ends the reader's sessions on every node: inserting into reader_bans rotates the account's security stamp,
    /// which every request checks. In the database, so it holds whichever code path writes the ban.
    /// </summary>
    public static void Apply(MigrationBuilder m)
    {
        m.Sql("""
            CREATE FUNCTION reader_bans_end_sessions() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                UPDATE "AspNetUsers" SET security_stamp = upper(replace(gen_random_uuid()::text, '-', '')),
                                         concurrency_stamp = gen_random_uuid()::text
                WHERE id = NEW.user_id;
                RETURN NEW;
            END $$;
            CREATE TRIGGER reader_bans_end_sessions AFTER INSERT ON reader_bans
                FOR EACH ROW EXECUTE FUNCTION reader_bans_end_sessions();
            """);
    }

    public static void Revert(MigrationBuilder m)
    {
        m.Sql("DROP TRIGGER IF EXISTS reader_bans_end_sessions ON reader_bans; DROP FUNCTION IF EXISTS reader_bans_end_sessions();");
    }
}
