using System.Net;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using Backstage.Web.Articles;
using Backstage.Web.Tests.Infrastructure;

namespace Backstage.Web.Tests.Reader;

public sealed class FeedTests(BackstageFactory factory) : IClassFixture<BackstageFactory>
{
    private static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";
    private static readonly XNamespace Sm = "http://www.sitemaps.org/schemas/sitemap/0.9";

    [Fact]
    public async Task Atom_feed_lists_live_articles_with_every_required_element()
    {
        var live = await factory.ArticleAsync($"Feed story {ReaderData.Word()} <&>", standfirst: "A & B");
        var draft = await factory.ArticleAsync($"Feed draft {ReaderData.Word()}", status: ArticleStatus.Draft);

        var response = await factory.Anonymous().GetAsync("/feed.xml");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/atom+xml", response.Content.Headers.ContentType?.MediaType);
        var feed = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;

        Assert.Equal(Atom + "feed", feed.Name);
        foreach (var name in new[] { "id", "title", "updated" }) Assert.False(string.IsNullOrWhiteSpace(feed.Element(Atom + name)?.Value), name);
        Assert.Contains(feed.Elements(Atom + "link"), l => (string?)l.Attribute("rel") == "self" && ((string?)l.Attribute("href"))!.EndsWith("/feed.xml"));
        Assert.True(DateTimeOffset.TryParse(feed.Element(Atom + "updated")!.Value, out _));
        var entries = feed.Elements(Atom + "entry").ToList();
        Assert.NotEmpty(entries);
        foreach (var entry in entries)
        {
            foreach (var name in new[] { "id", "title", "updated" }) Assert.False(string.IsNullOrWhiteSpace(entry.Element(Atom + name)?.Value), name);
            Assert.True(Uri.IsWellFormedUriString(entry.Element(Atom + "id")!.Value, UriKind.Absolute));
            Assert.NotNull(entry.Elements(Atom + "link").SingleOrDefault(l => (string?)l.Attribute("rel") == "alternate"));
            Assert.False(string.IsNullOrWhiteSpace(entry.Element(Atom + "author")?.Element(Atom + "name")?.Value));
        }
        var mine = Assert.Single(entries, e => e.Element(Atom + "title")!.Value == live.Title);
        Assert.EndsWith($"/articles/{live.Slug}", mine.Element(Atom + "id")!.Value);
        Assert.Equal("A & B", mine.Element(Atom + "summary")!.Value);
        Assert.DoesNotContain(entries, e => e.Element(Atom + "title")!.Value == draft.Title);
    }

    [Fact]
    public async Task Sitemap_validates_against_the_sitemap_and_image_schemas_and_lists_live_pages_only()
    {
        var live = await factory.ArticleAsync($"Sitemap story {ReaderData.Word()}");
        var draft = await factory.ArticleAsync($"Sitemap draft {ReaderData.Word()}", status: ArticleStatus.Draft);
        var show = await factory.ShowAsync($"Sitemap Designer {ReaderData.Word()}");

        var response = await factory.Anonymous().GetAsync("/sitemap.xml");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var xml = await response.Content.ReadAsStringAsync();
        SitemapSchema.Validate(xml);

        var locs = XDocument.Parse(xml).Root!.Elements(Sm + "url").Select(u => u.Element(Sm + "loc")!.Value).ToList();
        Assert.Contains(locs, l => l.EndsWith($"/articles/{live.Slug}"));
        Assert.Contains(locs, l => l.EndsWith($"/shows/{show.Slug}"));
        Assert.DoesNotContain(locs, l => l.EndsWith($"/articles/{draft.Slug}"));
        Assert.All(locs, l => Assert.True(Uri.IsWellFormedUriString(l, UriKind.Absolute), l));
    }

    [Fact]
    public void The_sitemap_schema_check_rejects_invalid_sitemaps()
    {
        // Guards the guard: a wrong namespace, a missing loc or an image without loc must fail validation.
        Assert.ThrowsAny<XmlSchemaException>(() => SitemapSchema.Validate(
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.8\"><url><loc>https://x.test/</loc></url></urlset>"));
        Assert.ThrowsAny<XmlSchemaException>(() => SitemapSchema.Validate(
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><lastmod>2025-01-01</lastmod></url></urlset>"));
        Assert.ThrowsAny<XmlSchemaException>(() => SitemapSchema.Validate(
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\">" +
            "<url><loc>https://x.test/</loc><image:image><image:caption>x</image:caption></image:image></url></urlset>"));
        SitemapSchema.Validate(
            "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:image=\"http://www.google.com/schemas/sitemap-image/1.1\">" +
            "<url><loc>https://x.test/</loc><lastmod>2025-01-01T10:00:00Z</lastmod><image:image><image:loc>https://x.test/a.jpg</image:loc></image:image></url></urlset>");
    }

    [Fact]
    public async Task Robots_txt_points_at_the_sitemap()
    {
        var text = await factory.Anonymous().GetStringAsync("/robots.txt");
        Assert.Matches(@"(?m)^Sitemap: https?://[^\s]+/sitemap\.xml$", text);
    }
}

/// <summary>
/// The sitemaps.org 0.9 schema and Google's image-sitemap 1.1 schema, compacted from their official XSDs (same
/// element structure and types; the image schema's optional caption/title/geo_location/license kept).
/// </summary>
internal static class SitemapSchema
{
    private const string Sitemap = """
        <xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.sitemaps.org/schemas/sitemap/0.9"
                    xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" elementFormDefault="qualified">
          <xsd:element name="urlset">
            <xsd:complexType><xsd:sequence><xsd:element ref="url" maxOccurs="unbounded"/></xsd:sequence></xsd:complexType>
          </xsd:element>
          <xsd:element name="url">
            <xsd:complexType>
              <xsd:sequence>
                <xsd:element name="loc" type="tLoc"/>
                <xsd:element name="lastmod" type="tLastmod" minOccurs="0"/>
                <xsd:element name="changefreq" type="tChangeFreq" minOccurs="0"/>
                <xsd:element name="priority" type="tPriority" minOccurs="0"/>
                <xsd:any namespace="##other" processContents="strict" minOccurs="0" maxOccurs="unbounded"/>
              </xsd:sequence>
            </xsd:complexType>
          </xsd:element>
          <xsd:simpleType name="tLoc"><xsd:restriction base="xsd:anyURI"><xsd:minLength value="12"/><xsd:maxLength value="2048"/></xsd:restriction></xsd:simpleType>
          <xsd:simpleType name="tLastmod"><xsd:union memberTypes="xsd:date xsd:dateTime"/></xsd:simpleType>
          <xsd:simpleType name="tChangeFreq"><xsd:restriction base="xsd:string">
            <xsd:enumeration value="always"/><xsd:enumeration value="hourly"/><xsd:enumeration value="daily"/><xsd:enumeration value="weekly"/>
            <xsd:enumeration value="monthly"/><xsd:enumeration value="yearly"/><xsd:enumeration value="never"/></xsd:restriction></xsd:simpleType>
          <xsd:simpleType name="tPriority"><xsd:restriction base="xsd:decimal"><xsd:minInclusive value="0.0"/><xsd:maxInclusive value="1.0"/></xsd:restriction></xsd:simpleType>
        </xsd:schema>
        """;

    private const string Image = """
        <xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="http://www.google.com/schemas/sitemap-image/1.1"
                    xmlns="http://www.google.com/schemas/sitemap-image/1.1" elementFormDefault="qualified">
          <xsd:element name="image">
            <xsd:complexType>
              <xsd:sequence>
                <xsd:element name="loc" type="xsd:anyURI"/>
                <xsd:element name="caption" type="xsd:string" minOccurs="0"/>
                <xsd:element name="geo_location" type="xsd:string" minOccurs="0"/>
                <xsd:element name="title" type="xsd:string" minOccurs="0"/>
                <xsd:element name="license" type="xsd:anyURI" minOccurs="0"/>
              </xsd:sequence>
            </xsd:complexType>
          </xsd:element>
        </xsd:schema>
        """;

    public static void Validate(string xml)
    {
        var schemas = new XmlSchemaSet();
        schemas.Add(XmlSchema.Read(new StringReader(Sitemap), null)!);
        schemas.Add(XmlSchema.Read(new StringReader(Image), null)!);
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = schemas };
        settings.ValidationFlags |= XmlSchemaValidationFlags.ReportValidationWarnings;
        settings.ValidationEventHandler += (_, e) => throw new XmlSchemaValidationException(e.Message, e.Exception);
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        while (reader.Read()) { }
    }
}
