namespace Platform.Contracts;

/// <summary>
/// The order of extractor versions such as "extraction-0.2.0", which decides whether re-extracted output revises
/// what an article reported (newer) or is ignored (older or the same).
/// </summary>
public static class ExtractorVersions
{
    /// <summary>By the numeric part after the last '-' when both have one; ordinal string order otherwise.</summary>
    public static int Compare(string a, string b) =>
        Parse(a) is { } left && Parse(b) is { } right ? left.CompareTo(right) : string.CompareOrdinal(a, b);

    /// <summary>The numeric version after the last '-' ("extraction-0.2.1" gives 0.2.1), or null when there is none.</summary>
    public static Version? Parse(string value) => Version.TryParse(value[(value.LastIndexOf('-') + 1)..], out var v) ? v : null;
}
