using System.Text;
using static Backstage.Tests.Shared.CraftedMetadata;

namespace Backstage.Media.Tests;

/// <summary>IPTC IIM and XMP read from real JPEGs with segments written byte by byte; non-ASCII names in every encoding.</summary>
public sealed class MetadataTests
{
    [Fact]
    public void IPTC_declared_UTF8_by_1_90_reads_every_field()
    {
        using var dir = new TempDir();
        var path = dir.File("utf8.jpg");
        File.WriteAllBytes(path, WithIptc(Fixtures.DemoJpeg(400, 300), Iptc(true,
            (ByLine, "Lucía Ortega"), (Credit, "Agence Présse"), (Copyright, "© 2026 Lucía Ortega"), (Caption, "Backstage at Dior: the finale"),
            (Headline, "Dior FW26"), (Keywords, "backstage"), (Keywords, "Dior"))));

        var meta = FileMetadata.Read(path);

        Assert.Equal("Lucía Ortega", meta.Creator);
        Assert.Equal("Agence Présse", meta.CreditLine);
        Assert.Equal("© 2026 Lucía Ortega", meta.Copyright);
        Assert.Equal("Backstage at Dior: the finale", meta.Caption);
        Assert.Equal("Dior FW26", meta.Headline);
        Assert.Equal(["backstage", "Dior"], meta.Keywords);
        Assert.Null(meta.AltText);
    }

    [Fact]
    public void Legacy_IPTC_without_a_character_set_is_read_as_Latin1()
    {
        using var dir = new TempDir();
        var path = dir.File("latin1.jpg");
        var iptc = Iptc(false, (ByLine, "Søren Ødegaard"), (Source, "Nordisk Foto"));
        Assert.Contains((byte)0xF8, iptc); // ø as one Latin-1 byte, not UTF-8
        File.WriteAllBytes(path, WithIptc(Fixtures.DemoJpeg(400, 300), iptc));

        var meta = FileMetadata.Read(path);

        Assert.Equal("Søren Ødegaard", meta.Creator);
        Assert.Equal("Nordisk Foto", meta.Source);
    }

    [Fact]
    public void XMP_wins_over_IIM_and_a_sidecar_wins_over_both()
    {
        using var dir = new TempDir();
        var path = dir.File("xmp.jpg");
        var jpeg = WithIptc(Fixtures.DemoJpeg(400, 300), Iptc(true, (ByLine, "Old Name"), (Caption, "IIM caption")));
        jpeg = WithXmp(jpeg, Xmp(creator: "Zoë Åberg", caption: "XMP caption", alt: "A model in a silver coat laughs backstage",
            extended: "Long description", rights: "© Zoë Åberg", keywords: ["Paris", "Mugler"]));
        File.WriteAllBytes(path, jpeg);

        var embedded = FileMetadata.Read(path);
        Assert.Equal("Zoë Åberg", embedded.Creator);
        Assert.Equal("XMP caption", embedded.Caption);
        Assert.Equal("A model in a silver coat laughs backstage", embedded.AltText);
        Assert.Equal("Long description", embedded.ExtendedDescription);
        Assert.Equal("© Zoë Åberg", embedded.Copyright);
        Assert.Equal(["Paris", "Mugler"], embedded.Keywords);

        var sidecar = Encoding.UTF8.GetBytes(Xmp(alt: "Alt text from the sidecar", credit: "Studio Åberg"));
        var withSidecar = FileMetadata.Read(path, sidecar);
        Assert.Equal("Alt text from the sidecar", withSidecar.AltText);
        Assert.Equal("Studio Åberg", withSidecar.CreditLine);
        Assert.Equal("Zoë Åberg", withSidecar.Creator); // fields the sidecar lacks stay
    }

    [Fact]
    public void Broken_or_absent_metadata_prefills_nothing_and_never_throws()
    {
        using var dir = new TempDir();
        var plain = dir.File("plain.jpg");
        File.WriteAllBytes(plain, Fixtures.DemoJpeg(200, 150));
        Assert.Equal(FileMetadata.Empty.Creator, FileMetadata.Read(plain).Creator);
        Assert.Empty(FileMetadata.Read(plain).Keywords);

        var broken = dir.File("broken.jpg");
        File.WriteAllBytes(broken, WithIptc(Fixtures.DemoJpeg(200, 150), [0x1C, 2, 80, 0xFF, 0xFF, 1, 2, 3]));
        var meta = FileMetadata.Read(broken, Encoding.UTF8.GetBytes("<x:xmpmeta not xml"));
        Assert.Null(meta.AltText);
    }
}

public sealed class PerceptualHashTests
{
    [Fact]
    public void The_same_picture_reexported_is_similar_and_another_picture_is_not()
    {
        using var dir = new TempDir();
        string Save(string name, byte[] bytes) { var p = dir.File(name); File.WriteAllBytes(p, bytes); return p; }
        var original = PerceptualHash.Compute(Save("a.jpg", Fixtures.DemoJpeg(1200, 800, seed: 4, q: 90)));
        var smaller = PerceptualHash.Compute(Save("a-small.jpg", Fixtures.DemoJpeg(600, 400, seed: 4, q: 60)));
        var other = PerceptualHash.Compute(Save("b.jpg", Fixtures.DemoJpeg(1200, 800, seed: 9, q: 90)));

        Assert.True(PerceptualHash.Similar(original, smaller), $"re-export differs in {PerceptualHash.Distance(original, smaller)} bits");
        Assert.False(PerceptualHash.Similar(original, other), $"different pictures differ in only {PerceptualHash.Distance(original, other)} bits");
    }
}
