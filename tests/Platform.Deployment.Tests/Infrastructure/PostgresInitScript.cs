namespace Platform.Deployment.Tests.Infrastructure;

/// <summary>deploy/docker/postgres/create-service-roles.sh, which the postgres image runs on a new volume.</summary>
internal static class PostgresInitScript
{
    public const string RelativePath = "deploy/docker/postgres/create-service-roles.sh";

    /// <summary>The SQL the script feeds psql (its here-document), without comments and psql's own commands.</summary>
    public static string SqlOf(string script)
    {
        var lines = script.Split('\n');
        var start = Array.FindIndex(lines, line => line.TrimEnd().EndsWith("<<'SQL'", StringComparison.Ordinal));
        var end = Array.FindIndex(lines, start + 1, line => line.TrimEnd() == "SQL");
        if (start < 0 || end < 0)
        {
            throw new InvalidDataException($"{RelativePath} has no <<'SQL' ... SQL here-document");
        }

        return string.Join('\n', lines[(start + 1)..end]
            .Select(line => line.Contains("--", StringComparison.Ordinal) ? line[..line.IndexOf("--", StringComparison.Ordinal)] : line)
            .Where(line => !line.TrimStart().StartsWith('\\') && line.Trim().Length > 0));
    }

    /// <summary>
    /// Runs the script with bash the way the image does (superuser and database in POSTGRES_USER and POSTGRES_DB), against
    /// the server of <paramref name="superuser"/> (an Npgsql connection string), with <paramref name="settings"/> as the rest
    /// of its environment.
    /// </summary>
    public static Task<ProcessResult> RunAsync(Npgsql.NpgsqlConnectionStringBuilder superuser, string database, IReadOnlyDictionary<string, string> settings)
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal)
        {
            ["PGHOST"] = superuser.Host,
            ["PGPORT"] = superuser.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["PGPASSWORD"] = superuser.Password,
            ["POSTGRES_USER"] = superuser.Username,
            ["POSTGRES_DB"] = database,
        };
        foreach (var (name, value) in settings)
        {
            environment[name] = value;
        }

        return ProcessRunner.RunAsync("bash", [Repository.PathOf(RelativePath)], environment);
    }
}
