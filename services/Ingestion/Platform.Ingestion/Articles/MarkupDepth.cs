namespace Platform.Ingestion.Articles;

/// <summary>
/// How deep an HTML page nests its elements, estimated in one linear pass before the HTML5 parser builds a tree. The
/// parser's work per tag grows with the number of open elements (a block tag looks through them for an open p, a
/// formatting tag through the formatting elements), so markup nested tens of thousands deep takes minutes to parse:
/// 200 KB of "&lt;ul&gt;&lt;li&gt;" took 46 s. Browsers stop nesting at 512 for the same reason.
/// <para>
/// The estimate errs on the deep side so that no markup the parser nests deeply can pass as shallow: every start tag
/// of an element that can hold others counts one level, except a p, li, dt, dd, option or table cell or row that
/// directly follows an open one of its kind, and the cells and rows a new row or cell closes (the parser closes the
/// first). An end tag closes only what the parser certainly closes: its element when nothing lies above it but
/// formatting elements (b, i, font, ...) and elements the parser ends on the way (p, li, dd, ...; the parts of a
/// table for the end of a table, section or row); a formatting element only when it is the innermost. Formatting
/// elements passed over stay counted, because the parser reopens them at the next text. Comments and the raw text of
/// script, style and their kind are skipped. Repeated misnesting of formatting elements (an unclosed &lt;b&gt; in each
/// of hundreds of paragraphs) can count deeper than the parser nests: such a page is refused though it would parse.
/// </para>
/// </summary>
public static class MarkupDepth
{
    /// <summary>The deepest nesting accepted, as browsers cap it.</summary>
    public const int Limit = 512;

    private static readonly HashSet<string> VoidElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img", "input", "keygen", "link",
        "meta", "param", "source", "track", "wbr",
    };

    private static readonly HashSet<string> FormattingElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
    };

    // Elements whose start tag closes an open one of the same group when it is the current element.
    private static readonly Dictionary<string, string> SiblingGroups = new(StringComparer.OrdinalIgnoreCase)
    {
        ["p"] = "p", ["li"] = "li", ["dt"] = "dt", ["dd"] = "dt", ["option"] = "option", ["optgroup"] = "option",
        ["td"] = "td", ["th"] = "td", ["tr"] = "tr",
    };

    // Elements an end tag closes on its way to its own element ("generate implied end tags").
    private static readonly HashSet<string> ImpliedEnds = new(StringComparer.OrdinalIgnoreCase)
    {
        "dd", "dt", "li", "optgroup", "option", "p", "rb", "rp", "rt", "rtc",
    };

    // The parts of a table that the end of a table, a section or a row closes, and that a new row or cell closes.
    private static readonly HashSet<string> TableParts = new(StringComparer.OrdinalIgnoreCase)
    {
        "caption", "colgroup", "tbody", "thead", "tfoot", "tr", "td", "th",
    };

    // Elements whose content is text up to their own end tag.
    private static readonly HashSet<string> RawTextElements = new(StringComparer.OrdinalIgnoreCase)
    {
        "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
    };

    /// <summary>The estimated deepest nesting of <paramref name="html"/>, counted up to just past <paramref name="stopAt"/>.</summary>
    public static int Estimate(string html, int stopAt = Limit)
    {
        ArgumentNullException.ThrowIfNull(html);
        var open = new List<string>();
        var deepest = 0;
        var at = 0;
        while (deepest <= stopAt && (at = html.IndexOf('<', at)) >= 0 && at + 1 < html.Length)
        {
            var next = html[at + 1];
            if (next is '!' or '?')
            {
                at = SkipDeclaration(html, at);
                continue;
            }
            var closing = next == '/';
            var nameStart = at + (closing ? 2 : 1);
            if (nameStart >= html.Length || !char.IsAsciiLetter(html[nameStart]))
            {
                // "<" before anything but a letter is text; "</" before one is a bogus comment up to ">".
                at = closing ? SkipPast(html, '>', nameStart) : at + 1;
                continue;
            }
            var nameEnd = nameStart;
            while (nameEnd < html.Length && html[nameEnd] is not (' ' or '\t' or '\n' or '\r' or '\f' or '/' or '>'))
            {
                nameEnd++;
            }
            var name = html[nameStart..nameEnd];
            at = EndOfTag(html, nameEnd);
            if (closing)
            {
                Close(open, name);
                continue;
            }
            if (name.Equals("plaintext", StringComparison.OrdinalIgnoreCase))
            {
                break;
            }
            if (RawTextElements.Contains(name))
            {
                var end = html.IndexOf("</" + name, at, StringComparison.OrdinalIgnoreCase);
                at = end < 0 ? html.Length : end;
                continue;
            }
            if (VoidElements.Contains(name))
            {
                continue;
            }
            if (open.Count > 0 && SiblingGroups.TryGetValue(name, out var group)
                && SiblingGroups.TryGetValue(open[^1], out var current) && group == current)
            {
                open[^1] = name;
                continue;
            }
            CloseTablePartsFor(open, name);
            open.Add(name);
            deepest = Math.Max(deepest, open.Count);
        }
        return deepest;
    }

    private static void Close(List<string> open, string name)
    {
        if (FormattingElements.Contains(name))
        {
            if (open.Count > 0 && open[^1].Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                open.RemoveAt(open.Count - 1);
            }
            return;
        }
        var closesTableParts = name.ToUpperInvariant() is "TABLE" or "TBODY" or "THEAD" or "TFOOT" or "TR";
        var match = open.Count - 1;
        while (match >= 0 && !open[match].Equals(name, StringComparison.OrdinalIgnoreCase)
            && (FormattingElements.Contains(open[match]) || ImpliedEnds.Contains(open[match]) || closesTableParts && TableParts.Contains(open[match])))
        {
            match--;
        }
        if (match < 0 || !open[match].Equals(name, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        // The element closes with what it implies; the formatting elements above it are reopened by the parser at the
        // next text and stay counted.
        for (var i = open.Count - 1; i >= match; i--)
        {
            if (i == match || !FormattingElements.Contains(open[i]))
            {
                open.RemoveAt(i);
            }
        }
    }

    // A new row closes the open cell and row; a new cell the open cell; a new section the open section, row and cell.
    private static void CloseTablePartsFor(List<string> open, string name)
    {
        var closes = name.ToUpperInvariant() switch
        {
            "TR" => new[] { "td", "th", "tr" },
            "TD" or "TH" => ["td", "th"],
            "TBODY" or "THEAD" or "TFOOT" => ["td", "th", "tr", "tbody", "thead", "tfoot"],
            _ => null,
        };
        while (closes is not null && open.Count > 0 && closes.Contains(open[^1], StringComparer.OrdinalIgnoreCase))
        {
            open.RemoveAt(open.Count - 1);
        }
    }

    // "<!-- ... -->" up to its end; any other "<!" or "<?" declaration up to the next ">".
    private static int SkipDeclaration(string html, int at)
    {
        if (html.AsSpan(at).StartsWith("<!--", StringComparison.Ordinal))
        {
            var end = html.IndexOf("-->", at + 4, StringComparison.Ordinal);
            return end < 0 ? html.Length : end + 3;
        }
        return SkipPast(html, '>', at + 2);
    }

    private static int SkipPast(string html, char c, int from)
    {
        var end = html.IndexOf(c, from);
        return end < 0 ? html.Length : end + 1;
    }

    // Past the ">" that ends a tag whose name ends at nameEnd; a quoted attribute value may hold ">".
    private static int EndOfTag(string html, int nameEnd)
    {
        var i = nameEnd;
        var afterEquals = false;
        while (i < html.Length)
        {
            var c = html[i];
            if (c == '>')
            {
                return i + 1;
            }
            if (afterEquals && c is '"' or '\'')
            {
                i = SkipPast(html, c, i + 1);
                afterEquals = false;
                continue;
            }
            if (c == '=')
            {
                afterEquals = true;
            }
            else if (c is not (' ' or '\t' or '\n' or '\r' or '\f'))
            {
                afterEquals = false;
            }
            i++;
        }
        return html.Length;
    }
}
