using System.Text;
using NetVips;

namespace Backstage.Media.Tests;

/// <summary>Fixtures built in code, each in its own temp directory.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        MediaRuntime.Initialize();
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "backstage-media-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

internal static class Fixtures
{
    public static Image Solid(int w, int h, double r, double g, double b)
    {
        using var black = Image.Black(w, h, bands: 3);
        using var lin = black.Linear([1, 1, 1], [r, g, b]);
        using var cast = lin.Cast(Enums.BandFormat.Uchar);
        return cast.Copy(interpretation: Enums.Interpretation.Srgb);
    }

    public static byte[] DemoJpeg(int w, int h, int seed = 1, int q = 85)
    {
        using var img = DemoImages.Build(seed, w, h);
        return img.JpegsaveBuffer(q: q, keep: Enums.ForeignKeep.None);
    }

    public static bool Contains(byte[] haystack, string ascii) => haystack.AsSpan().IndexOf(Encoding.ASCII.GetBytes(ascii)) >= 0;
}
