using System.Buffers.Binary;
using System.IO.Compression;
using Backstage.Media;
using Backstage.Web.Galleries;
using Microsoft.Extensions.Options;

namespace Backstage.Web.Ingest;

/// <summary>
/// Unpacks a ZIP (a show's photos, or a camera card's DCIM folder) entry by entry, each decompressed straight into the
/// upload pipeline (which streams it to a temp file and hashes it): nothing is held in memory and no entry name ever
/// becomes a path. First the entry count the end records declare (Zip64 included) is checked, before the central
/// directory is read; then the whole central directory is checked against the bomb limits (entry count, declared total,
/// compression ratio); while unpacking, the bytes actually produced are counted against the same limits, since a
/// crafted archive can understate them. Unsafe entries (traversal, absolute paths, symlinks, encrypted, nested
/// archives) are refused one by one; junk and RAW files are skipped with the reason; .xmp sidecars go with the image
/// of the same base name in the same folder.
/// </summary>
public sealed class ArchiveIngest(IOptions<IngestOptions> options, MediaOptionsAccessor media)
{
    public delegate Task<IngestLine> AddEntry(string name, Stream content, byte[]? sidecarXmp);

    private static readonly HashSet<string> ImageExtensions = [".jpg", ".jpeg", ".png", ".webp", ".heic", ".heif", ".avif", ".tif", ".tiff"];
    private static readonly HashSet<string> RawExtensions = [".cr2", ".cr3", ".crw", ".nef", ".nrw", ".arw", ".srf", ".sr2", ".raf", ".orf", ".rw2", ".dng", ".pef", ".srw", ".raw", ".3fr", ".iiq", ".x3f"];
    private static readonly HashSet<string> ArchiveExtensions = [".zip", ".rar", ".7z", ".tar", ".gz", ".tgz", ".bz2", ".xz", ".zst"];
    private static readonly HashSet<string> SystemFiles = [".ds_store", "thumbs.db", "desktop.ini", "ehthumbs.db"];

    public async Task<List<IngestLine>> UnpackAsync(Stream file, string archiveName, AddEntry add, CancellationToken ct)
    {
        var o = options.Value;
        // The count the archive declares, read from its end records before the central directory is read (ZipArchive
        // reads it whole into memory: a Zip64 declaring millions of entries must be refused before that).
        if (DeclaredEntries(file) is { } declaredEntries && declaredEntries > o.MaxArchiveEntries)
            return [Bomb(archiveName, $"its directory declares {declaredEntries} entries, more than the {o.MaxArchiveEntries} allowed")];
        ZipArchive zip;
        try
        {
            zip = new ZipArchive(file, ZipArchiveMode.Read, leaveOpen: true);
        }
        catch (InvalidDataException)
        {
            return [new(archiveName, LineKind.Refused, $"{archiveName}: not a readable ZIP archive")];
        }
        using var _ = zip;
        var entries = zip.Entries.Where(e => !e.FullName.EndsWith('/')).ToList();
        if (entries.Count > o.MaxArchiveEntries)
            return [Bomb(archiveName, $"it lists {entries.Count} files, more than the {o.MaxArchiveEntries} allowed")];
        long declared = entries.Sum(e => e.Length);
        if (declared > o.MaxArchiveUncompressedBytes)
            return [Bomb(archiveName, $"it would unpack to {Sizes.Human(declared)}, more than the {Sizes.Human(o.MaxArchiveUncompressedBytes)} allowed")];
        if (entries.FirstOrDefault(e => Ratio(e) > o.MaxCompressionRatio) is { } dense)
            return [Bomb(archiveName, $"{PhotoUploads.DisplayName(dense.FullName)} is compressed {Ratio(dense):0}:1, more than {o.MaxCompressionRatio:0}:1")];

        var lines = new List<IngestLine>();
        var sidecars = new Dictionary<string, ZipArchiveEntry>(StringComparer.OrdinalIgnoreCase);
        var images = new List<ZipArchiveEntry>();
        foreach (var entry in entries)
        {
            var name = PhotoUploads.DisplayName(entry.FullName);
            var ext = Path.GetExtension(name).ToLowerInvariant();
            if (Unsafe(entry) is { } why) lines.Add(new(name, LineKind.Refused, $"{Shown(entry)}: refused, {why}"));
            else if (SystemFiles.Contains(name.ToLowerInvariant()) || name.StartsWith("._", StringComparison.Ordinal) || entry.FullName.StartsWith("__MACOSX/", StringComparison.Ordinal))
                lines.Add(new(name, LineKind.Skipped, $"{Shown(entry)}: skipped, a system file"));
            else if (ArchiveExtensions.Contains(ext)) lines.Add(new(name, LineKind.Refused, $"{Shown(entry)}: refused, an archive inside the archive (unpack it first)"));
            else if (RawExtensions.Contains(ext)) lines.Add(new(name, LineKind.Skipped, $"{Shown(entry)}: skipped, a camera RAW file (upload the JPEG)"));
            else if (ext == ".xmp") sidecars[SidecarKey(entry.FullName)] = entry;
            else if (ImageExtensions.Contains(ext)) images.Add(entry);
            else lines.Add(new(name, LineKind.Skipped, $"{Shown(entry)}: skipped, not a photo"));
        }

        long budget = o.MaxArchiveUncompressedBytes;
        var matched = new HashSet<ZipArchiveEntry>();
        foreach (var entry in images.OrderBy(e => e.FullName, StringComparer.OrdinalIgnoreCase))
        {
            ct.ThrowIfCancellationRequested();
            byte[]? sidecar = null;
            if (sidecars.TryGetValue(SidecarKey(entry.FullName), out var xmp) && xmp.Length <= FileMetadata.MaxSidecarBytes)
            {
                sidecar = await ReadAllAsync(xmp, ct);
                matched.Add(xmp);
            }
            var limit = Math.Min(Math.Min(entry.Length, media.Options.MaxFileBytes + 1), budget);
            await using var content = new LimitedStream(await entry.OpenAsync(ct), limit,
                $"unpacks to more than its declared {Sizes.Human(entry.Length)} (a zip bomb?)");
            var line = await add(Shown(entry), content, sidecar);
            budget -= content.Count;
            lines.Add(line);
        }
        foreach (var xmp in sidecars.Values.Where(x => !matched.Contains(x)))
            lines.Add(new(PhotoUploads.DisplayName(xmp.FullName), LineKind.Skipped, $"{Shown(xmp)}: skipped, a sidecar without its photo"));
        return lines;
    }

    /// <summary>
    /// The total number of entries in the end-of-central-directory record, or in the Zip64 end record when the classic
    /// one says 0xFFFF (or a Zip64 locator precedes it); null when the stream cannot seek or has no end record (then
    /// ZipArchive refuses it as unreadable). Reads at most the last 64 KB + 98 bytes and leaves the position at 0.
    /// </summary>
    internal static long? DeclaredEntries(Stream file)
    {
        if (!file.CanSeek) return null;
        try
        {
            long length = file.Length;
            int tail = (int)Math.Min(length, 22 + 0xFFFF + 20);
            if (tail < 22) return null;
            var buffer = new byte[tail];
            file.Seek(length - tail, SeekOrigin.Begin);
            file.ReadExactly(buffer);
            int eocd = -1;
            for (int i = tail - 22; i >= 0; i--)
                if (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i)) == 0x06054b50) { eocd = i; break; }
            if (eocd < 0) return null;
            long entries = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(eocd + 10));
            if (eocd >= 20 && BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(eocd - 20)) == 0x07064b50)
            {
                // Zip64 locator: where the Zip64 end record is; its total entry count is a 64-bit number at offset 32.
                long at = (long)BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(eocd - 20 + 8));
                if (at < 0 || at > length - 56) return entries == 0xFFFF ? long.MaxValue : entries;
                var record = new byte[56];
                file.Seek(at, SeekOrigin.Begin);
                file.ReadExactly(record);
                if (BinaryPrimitives.ReadUInt32LittleEndian(record) == 0x06064b50)
                    entries = Math.Max(entries, (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(record.AsSpan(32)), long.MaxValue));
            }
            return entries;
        }
        catch (EndOfStreamException) { return null; }
        finally
        {
            file.Seek(0, SeekOrigin.Begin);
        }
    }

    private static IngestLine Bomb(string archive, string why) =>
        new(archive, LineKind.Refused, $"{archive}: refused as a possible zip bomb: {why}. Nothing was unpacked.");

    private static double Ratio(ZipArchiveEntry e) => e.CompressedLength == 0 ? (e.Length == 0 ? 0 : double.PositiveInfinity) : (double)e.Length / e.CompressedLength;

    /// <summary>The entry's path inside the archive, cleaned for display ("DCIM/100CANON/IMG_0412.JPG").</summary>
    private static string Shown(ZipArchiveEntry e)
    {
        var s = new string(e.FullName.Where(c => !char.IsControl(c)).ToArray()).Trim();
        return s.Length > 200 ? s[^200..] : s;
    }

    /// <summary>Folder + base name, lower-case: IMG_0412.JPG and IMG_0412.XMP (or IMG_0412.JPG.xmp) meet here.</summary>
    public static string SidecarKey(string fullName)
    {
        var path = fullName.Replace('\\', '/');
        if (path.EndsWith(".xmp", StringComparison.OrdinalIgnoreCase)) path = path[..^4];
        var dir = path.Contains('/') ? path[..(path.LastIndexOf('/') + 1)] : "";
        var file = path[dir.Length..];
        int dot = file.IndexOf('.');
        return dir + (dot > 0 ? file[..dot] : file);
    }

    private static string? Unsafe(ZipArchiveEntry e)
    {
        var path = e.FullName.Replace('\\', '/');
        if (path.StartsWith('/') || (path.Length > 1 && path[1] == ':')) return "an absolute path";
        if (path.Split('/').Any(s => s == "..")) return "a path that climbs out of the folder (../)";
        if (((e.ExternalAttributes >> 16) & 0xF000) == 0xA000) return "a symbolic link";
        if (e.IsEncrypted) return "encrypted (send it without a password)";
        return null;
    }

    private static async Task<byte[]> ReadAllAsync(ZipArchiveEntry e, CancellationToken ct)
    {
        await using var s = new LimitedStream(await e.OpenAsync(ct), FileMetadata.MaxSidecarBytes, "sidecar too large");
        using var ms = new MemoryStream();
        await s.CopyToAsync(ms, ct);
        return ms.ToArray();
    }

    /// <summary>Reads at most <paramref name="limit"/> bytes; one more is an <see cref="ImageRejectedException"/> (the pipeline reports it by name).</summary>
    private sealed class LimitedStream(Stream inner, long limit, string reason) : Stream
    {
        public long Count { get; private set; }
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Count; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => Check(inner.Read(buffer, offset, count));
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct = default) => Check(await inner.ReadAsync(buffer, ct));
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private int Check(int read)
        {
            Count += read;
            if (Count > limit) throw new ImageRejectedException(reason);
            return read;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        public override async ValueTask DisposeAsync()
        {
            await inner.DisposeAsync();
            await base.DisposeAsync();
        }
    }
}
