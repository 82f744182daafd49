namespace Backstage.Web.Ingest;

/// <summary>Bound from "Backstage:Ingest". The per-file limit is Backstage:Media:MaxFileBytes.</summary>
public sealed class IngestOptions
{
    public const string Section = "Backstage:Ingest";

    /// <summary>Largest chunk one PUT may carry; the browser sends chunks of this size.</summary>
    public int ChunkBytes { get; set; } = 8 * 1024 * 1024;
    /// <summary>Photos one gallery may hold; every upload path keeps to it.</summary>
    public int MaxPhotosPerShow { get; set; } = 1000;
    /// <summary>
    /// Unfinished (open or completing) resumable uploads one account may have at once. Each may reserve up to
    /// MaxArchiveBytes of chunks for AbandonedAfter, so without it one editor (or a stolen session) could fill the
    /// media store; the upload page sends 3 files at a time, so a card of any size stays far below it.
    /// </summary>
    public int MaxOpenUploadsPerEditor { get; set; } = 20;
    /// <summary>An open upload untouched this long is abandoned: its row and bytes are swept.</summary>
    public TimeSpan AbandonedAfter { get; set; } = TimeSpan.FromHours(24);
    /// <summary>Largest ZIP accepted.</summary>
    public long MaxArchiveBytes { get; set; } = 8L * 1024 * 1024 * 1024;
    /// <summary>Most entries a ZIP may list (a card of 400 photos with sidecars and junk stays far below).</summary>
    public int MaxArchiveEntries { get; set; } = 5000;
    /// <summary>Most bytes all entries of one ZIP may unpack to (declared and counted while unpacking).</summary>
    public long MaxArchiveUncompressedBytes { get; set; } = 16L * 1024 * 1024 * 1024;
    /// <summary>Highest uncompressed:compressed ratio of an entry; photos barely compress, bombs go beyond 1000:1.</summary>
    public double MaxCompressionRatio { get; set; } = 100;
}
