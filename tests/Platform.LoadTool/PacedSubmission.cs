using System.Diagnostics;
using Platform.Ingestion.V1;

namespace Platform.LoadTool;

/// <summary>Generated articles sent at a fixed rate: shared by the load tool and the chaos test.</summary>
public static class PacedSubmission
{
    /// <summary>Waits until the article at <paramref name="index"/> is due, one every <paramref name="interval"/> from the clock's start.</summary>
    public static async Task WhenDueAsync(int index, TimeSpan interval, Stopwatch clock)
    {
        var due = interval * index - clock.Elapsed;
        if (due > TimeSpan.Zero)
        {
            await Task.Delay(due);
        }
    }

    /// <summary>
    /// A channel to a running service with an access token: PLATFORM_TOKEN, else one for every scope signed with
    /// PLATFORM_JWT_SIGNING_KEY (what `deploy/local/infra.sh env` prints and the local services check).
    /// </summary>
    public static Grpc.Net.Client.GrpcChannel Channel(string address)
    {
        var token = Environment.GetEnvironmentVariable("PLATFORM_TOKEN") is { Length: > 0 } given ? given
            : Environment.GetEnvironmentVariable("PLATFORM_JWT_SIGNING_KEY") is { Length: > 0 } key
                ? Platform.Cli.AccessTokens.Create(key, ["submit", "read", "admin"], TimeSpan.FromHours(12), subject: "load-tool")
                : null;
        return Platform.Cli.AccessTokens.Channel(new Uri(address), token);
    }

    public static SubmitArticleRequest Request(GeneratedArticle article, string sourceName) => new()
    {
        Text = article.Text, Title = article.Title, Language = article.Language, PublishedOn = article.Published, SourceName = sourceName,
    };
}
