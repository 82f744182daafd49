using System.Text.RegularExpressions;
using Markdig;
using Markdig.Parsers;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;

namespace Backstage.Web.Articles;

/// <summary>"::: gallery dior-fw25" on a line of its own embeds that show's gallery.</summary>
public sealed class GalleryBlock(BlockParser parser) : LeafBlock(parser)
{
    public string ShowSlug { get; init; } = "";
}

internal sealed partial class GalleryBlockParser : BlockParser
{
    public GalleryBlockParser() => OpeningCharacters = [':'];

    public override BlockState TryOpen(BlockProcessor processor)
    {
        if (processor.IsCodeIndent) return BlockState.None;
        var match = Directive().Match(processor.Line.ToString());
        if (!match.Success) return BlockState.None;
        processor.NewBlocks.Push(new GalleryBlock(this)
        {
            ShowSlug = match.Groups[1].Value.ToLowerInvariant(),
            Line = processor.LineIndex,
            Column = processor.Column,
            Span = new SourceSpan(processor.Start, processor.Line.End),
        });
        return BlockState.BreakDiscard;
    }

    [GeneratedRegex(@"^:::\s*gallery\s+([A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)\s*(?::::)?\s*$")]
    private static partial Regex Directive();
}

/// <summary>Writes a marker that <see cref="MarkdownRenderer"/> swaps for the gallery's HTML after sanitising.</summary>
internal sealed class GalleryBlockRenderer : HtmlObjectRenderer<GalleryBlock>
{
    public const string MarkerFormat = "<div class=\"gallery-embed\" data-show=\"{0}\"></div>";

    protected override void Write(HtmlRenderer renderer, GalleryBlock block) =>
        renderer.EnsureLine().Write(string.Format(MarkerFormat, block.ShowSlug)).WriteLine();
}

internal sealed class GalleryExtension : IMarkdownExtension
{
    public void Setup(MarkdownPipelineBuilder pipeline)
    {
        if (!pipeline.BlockParsers.Contains<GalleryBlockParser>())
            pipeline.BlockParsers.Insert(0, new GalleryBlockParser());
    }

    public void Setup(MarkdownPipeline pipeline, IMarkdownRenderer renderer)
    {
        if (renderer is HtmlRenderer html && !html.ObjectRenderers.Contains<GalleryBlockRenderer>())
            html.ObjectRenderers.Insert(0, new GalleryBlockRenderer());
    }
}
