using System.Text.RegularExpressions;

namespace Platform.Deployment.Tests.Infrastructure;

/// <summary>
/// Finds passwords, keys and tokens written into a file as literals rather than taken from a variable ($NAME, ${NAME...},
/// or psql's :'name'): connection-string passwords, passwords in URIs and curl's -u, SQL PASSWORD '...', and settings
/// whose name says they hold a secret.
/// </summary>
internal static partial class SecretScanner
{
    public static IReadOnlyList<string> LiteralsIn(string text)
    {
        var found = new List<string>();
        foreach (var (line, number) in text.Split('\n').Select((line, index) => (line, index + 1)))
        {
            // A comment's prose ("Secrets: every password ...") reads like a setting; connection strings, URIs and SQL
            // are looked for in comments too.
            var comment = line.TrimStart() is var trimmed && (trimmed.StartsWith('#') || trimmed.StartsWith("//", StringComparison.Ordinal) || trimmed.StartsWith("--", StringComparison.Ordinal));
            var patterns = comment
                ? new[] { ConnectionStringPassword(), UriPassword(), CurlUser(), SqlPassword() }
                : new[] { ConnectionStringPassword(), UriPassword(), CurlUser(), SqlPassword(), SecretSetting() };
            foreach (var pattern in patterns)
            {
                foreach (Match match in pattern.Matches(line))
                {
                    var value = match.Groups["value"].Value;
                    // A switch is no secret, whatever its name (automountServiceAccountToken: false).
                    var switchValue = pattern == SecretSetting() && value is "true" or "false";
                    if (value.Length > 0 && !value.StartsWith('$') && !switchValue)
                    {
                        found.Add($"line {number}: {line.Trim()}");
                    }
                }
            }
        }

        return found.Distinct(StringComparer.Ordinal).ToList();
    }

    [GeneratedRegex(@"\bPassword\s*=\s*(?<value>[^;""'\s]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ConnectionStringPassword();

    [GeneratedRegex(@"\b[a-z][a-z0-9+.-]*://[^\s:/@""']+:(?<value>[^@\s/""']+)@", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex UriPassword();

    [GeneratedRegex(@"(?:^|\s)(?:-u|--user)\s+[^\s:]+:(?<value>[^\s""']+)", RegexOptions.CultureInvariant)]
    private static partial Regex CurlUser();

    [GeneratedRegex(@"\bPASSWORD\s+'(?<value>[^']*)'", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SqlPassword();

    // NAME: value, NAME=value, "name": "value" where the name holds PASS, SECRET, TOKEN, (API)KEY or SIGNING(_)KEY; the value must start
    // like a literal (a letter, a digit, or a quote before one), which leaves out ${...}, $NAME and ${NAME:?...} checks.
    [GeneratedRegex(@"(?<name>\b[A-Za-z0-9_]*(?:PASS|SECRET|TOKEN|APIKEY|API_KEY|SIGNINGKEY|SIGNING_KEY)[A-Za-z0-9_]*)""?[:=]\s*[""']?(?<value>[A-Za-z0-9][^\s""',;]*)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretSetting();
}
