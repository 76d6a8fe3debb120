using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace Platform.Ingestion.Articles;

/// <summary>Extracts the readable text of an HTML page: the article body, without scripts, menus and widgets.</summary>
public static class HtmlText
{
    private static readonly HashSet<string> SkippedElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed", "form", "button",
        "select", "input", "textarea", "nav", "header", "footer", "aside", "menu", "figure",
    };

    private static readonly HashSet<string> BlockElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "main", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6",
        "blockquote", "pre", "table", "tr", "td", "th", "dd", "dt", "dl", "hr", "address", "time",
    };

    // Class or id fragments of page furniture (comment threads, share bars, "most read" boxes, ads).
    private static readonly string[] FurnitureMarkers =
    [
        "comment", "share", "social", "related", "most-read", "mostread", "popular", "sidebar", "breadcrumb",
        "newsletter", "advert", "banner", "promo", "cookie", "subscribe", "tags", "widget",
    ];

    public static string ToText(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var document = new HtmlParser().ParseDocument(html);
        var root = (IElement?)document.QuerySelector("article") ?? document.QuerySelector("main") ?? document.Body ?? document.DocumentElement;
        var builder = new StringBuilder(html.Length / 2);
        // The headline often sits outside <article>; the report starts with it.
        if (document.QuerySelector("h1") is { } headline && root is not null && !root.Contains(headline))
        {
            builder.Append(headline.TextContent.Trim()).Append("\n\n");
        }
        if (root is not null)
        {
            AppendText(root, builder);
        }
        return builder.ToString();
    }

    private static void AppendText(INode node, StringBuilder builder)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText text:
                    builder.Append(text.Data);
                    break;
                case IElement element when IsSkipped(element):
                    break;
                case IElement element:
                    var block = BlockElements.Contains(element.LocalName);
                    if (block)
                    {
                        builder.Append('\n');
                    }
                    AppendText(element, builder);
                    if (block)
                    {
                        builder.Append('\n');
                    }
                    break;
            }
        }
    }

    private static bool IsSkipped(IElement element)
    {
        if (SkippedElements.Contains(element.LocalName) || element.HasAttribute("hidden")
            || string.Equals(element.GetAttribute("aria-hidden"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        var marker = $"{element.ClassName} {element.Id}";
        return marker.Length > 1 && Array.Exists(FurnitureMarkers, m => marker.Contains(m, StringComparison.OrdinalIgnoreCase));
    }
}
