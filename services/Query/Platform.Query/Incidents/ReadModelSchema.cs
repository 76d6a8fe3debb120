using Marten;
using Npgsql;

namespace Platform.Query.Incidents;

/// <summary>
/// Creates what Marten does not manage when the Query service starts (after Marten has created its tables): the
/// search indexes and the daily-counts table with its trigger.
/// </summary>
internal sealed class ReadModelSchema(IDocumentStore store, ILogger<ReadModelSchema> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await IncidentSearch.EnsureIndexesAsync(store, cancellationToken);
        await DailyCounts.EnsureAsync(store, cancellationToken);
        logger.LogInformation("Search indexes and daily counts ready in {Milliseconds} ms", clock.ElapsedMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs a DDL script against the Query schema once Marten's tables exist, surfacing an error in any statement.</summary>
    public static async Task RunAsync(IDocumentStore store, string sql, CancellationToken cancellationToken)
    {
        await store.Storage.Database.EnsureStorageExistsAsync(typeof(IncidentDetails), cancellationToken);
        await using var session = store.LightweightSession();
        await using var command = new NpgsqlCommand(sql);
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        while (await reader.NextResultAsync(cancellationToken))
        {
        }
    }
}
