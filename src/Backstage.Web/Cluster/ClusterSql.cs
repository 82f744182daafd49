using Microsoft.EntityFrameworkCore.Migrations;

namespace Backstage.Web.Cluster;

/// <summary>
/// Hand-written SQL of the ScaleOut migration (kept here so it survives a regenerated model snapshot):
/// <list type="bullet">
/// <item><c>cache_evictions</c>: one row per cache tag evicted on any node; its insert trigger NOTIFYs
/// <see cref="ClusterChannels.Evictions"/> with "id:tag", and nodes poll the recent rows as a fallback.</item>
/// <item>An insert on <c>jobs</c> NOTIFYs <see cref="ClusterChannels.Jobs"/> (on commit) so idle workers on every node
/// wake at once, whoever enqueued and however.</item>
/// <item>Deleting a photo records the eviction of its renditions from every node's local cache ("media:&lt;id&gt;").</item>
/// </list>
/// </summary>
public static class ClusterSql
{
    public static void Apply(MigrationBuilder m)
    {
        m.Sql("""
            CREATE TABLE cache_evictions (
                id bigserial PRIMARY KEY,
                tag text NOT NULL,
                created_at timestamptz NOT NULL DEFAULT clock_timestamp());
            CREATE INDEX ix_cache_evictions_created_at ON cache_evictions (created_at);

            CREATE FUNCTION backstage_notify_eviction() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('backstage_evictions', NEW.id::text || ':' || NEW.tag);
                RETURN NULL;
            END $$;
            CREATE TRIGGER cache_evictions_notify AFTER INSERT ON cache_evictions
                FOR EACH ROW EXECUTE FUNCTION backstage_notify_eviction();

            CREATE FUNCTION backstage_notify_jobs() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                PERFORM pg_notify('backstage_jobs', '');
                RETURN NULL;
            END $$;
            CREATE TRIGGER jobs_notify AFTER INSERT ON jobs
                FOR EACH STATEMENT EXECUTE FUNCTION backstage_notify_jobs();

            CREATE FUNCTION backstage_evict_deleted_photo() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                INSERT INTO cache_evictions (tag) VALUES ('media:' || OLD.id::text);
                RETURN NULL;
            END $$;
            CREATE TRIGGER photos_evict_media AFTER DELETE ON photos
                FOR EACH ROW EXECUTE FUNCTION backstage_evict_deleted_photo();
            """);
    }

    public static void Revert(MigrationBuilder m)
    {
        m.Sql("""
            DROP TRIGGER IF EXISTS photos_evict_media ON photos;
            DROP FUNCTION IF EXISTS backstage_evict_deleted_photo();
            DROP TRIGGER IF EXISTS jobs_notify ON jobs;
            DROP FUNCTION IF EXISTS backstage_notify_jobs();
            DROP TABLE IF EXISTS cache_evictions;
            DROP FUNCTION IF EXISTS backstage_notify_eviction();
            """);
    }
}

/// <summary>The PostgreSQL NOTIFY channels the nodes listen on.</summary>
public static class ClusterChannels
{
    public const string Evictions = "backstage_evictions";
    public const string Jobs = "backstage_jobs";
}
