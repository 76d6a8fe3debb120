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

    public static SubmitArticleRequest Request(GeneratedArticle article, string sourceName) => new()
    {
        Text = article.Text, Title = article.Title, Language = article.Language, PublishedOn = article.Published, SourceName = sourceName,
    };
}
