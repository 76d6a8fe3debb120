namespace Platform.Deployment.Tests.Infrastructure;

/// <summary>Forward-slash path arithmetic for paths inside images and inside the build context.</summary>
internal static class UnixPath
{
    /// <summary>Resolves <paramref name="path"/> against <paramref name="directory"/> and removes "." and "..".</summary>
    public static string Combine(string directory, string path) =>
        Normalize(path.StartsWith('/') ? path : directory.TrimEnd('/') + "/" + path);

    /// <summary>An absolute path without "." / ".." segments, duplicate or trailing slashes ("/" stays "/").</summary>
    public static string Normalize(string path)
    {
        var segments = new List<string>();
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (segments.Count > 0)
                {
                    segments.RemoveAt(segments.Count - 1);
                }

                continue;
            }

            segments.Add(segment);
        }

        return "/" + string.Join('/', segments);
    }

    public static string Directory(string path)
    {
        var normalized = Normalize(path);
        var slash = normalized.LastIndexOf('/');
        return slash <= 0 ? "/" : normalized[..slash];
    }

    public static string FileName(string path)
    {
        var normalized = Normalize(path);
        return normalized[(normalized.LastIndexOf('/') + 1)..];
    }
}
