using System.Text;
using System.Text.RegularExpressions;

namespace Platform.Deployment.Tests.Infrastructure;

/// <summary>
/// The rules of a .dockerignore file: patterns relative to the context root with *, ? and **, "!" exceptions,
/// the last matching line wins, and a pattern that matches a folder excludes everything inside it.
/// </summary>
internal sealed class DockerIgnore
{
    private readonly List<(Regex Pattern, bool Exclude, string Text)> _rules = [];

    private DockerIgnore()
    {
    }

    public IReadOnlyList<string> Patterns => _rules.Select(rule => rule.Text).ToList();

    public static DockerIgnore Load(string contextDirectory)
    {
        var path = Path.Combine(contextDirectory, ".dockerignore");
        return Parse(File.Exists(path) ? File.ReadAllText(path) : string.Empty);
    }

    public static DockerIgnore Parse(string text)
    {
        var ignore = new DockerIgnore();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var exclude = !line.StartsWith('!');
            var pattern = UnixPath.Normalize(exclude ? line : line[1..].Trim()).TrimStart('/');
            ignore._rules.Add((ToRegex(pattern), exclude, line));
        }

        return ignore;
    }

    /// <summary>Whether a context-relative path (forward slashes) is left out of the build context.</summary>
    public bool IsExcluded(string relativePath)
    {
        var path = UnixPath.Normalize(relativePath).TrimStart('/');
        var candidates = new List<string>();
        for (var slash = path.IndexOf('/'); slash >= 0; slash = path.IndexOf('/', slash + 1))
        {
            candidates.Add(path[..slash]);
        }

        candidates.Add(path);

        var excluded = false;
        foreach (var (pattern, exclude, _) in _rules)
        {
            if (candidates.Exists(pattern.IsMatch))
            {
                excluded = exclude;
            }
        }

        return excluded;
    }

    private static Regex ToRegex(string pattern)
    {
        var regex = new StringBuilder("^");
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '*' && i + 1 < pattern.Length && pattern[i + 1] == '*')
            {
                // "**/" matches any number of folders, including none; a trailing "**" matches anything.
                if (i + 2 < pattern.Length && pattern[i + 2] == '/')
                {
                    regex.Append("(?:.*/)?");
                    i += 2;
                }
                else
                {
                    regex.Append(".*");
                    i++;
                }
            }
            else if (c == '*')
            {
                regex.Append("[^/]*");
            }
            else if (c == '?')
            {
                regex.Append("[^/]");
            }
            else
            {
                regex.Append(Regex.Escape(c.ToString()));
            }
        }

        return new Regex(regex.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
