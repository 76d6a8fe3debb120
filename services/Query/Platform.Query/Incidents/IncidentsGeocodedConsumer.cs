using System.Diagnostics;
using JasperFx.Events;
using Marten;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;
using Platform.Contracts;
using Platform.ServiceDefaults;

namespace Platform.Query.Incidents;

/// <summary>
/// Records geocoded incidents in the ledger: loads what is recorded, asks <see cref="IncidentLedger"/> what to append,
/// and appends it in one transaction. Decisions about one neighbourhood are serialised: the transaction first takes the
/// advisory locks of <see cref="IncidentLedger.LockKeys"/>, so two reports of one event that arrive together meet on one
/// incident. A concurrency conflict (another transaction appended to the same incident first) is never a reason to drop
/// a report: the decision is made again on a fresh read until it is recorded or <see cref="LedgerOptions.ConflictDeadline"/>
/// passes. A message with impossible values goes to the error queue with the reason.
/// </summary>
public sealed class IncidentsGeocodedConsumer(IDocumentStore store, IOptions<LedgerOptions> options, ILogger<IncidentsGeocodedConsumer> logger)
    : IConsumer<IncidentsGeocoded>
{
    public async Task Consume(ConsumeContext<IncidentsGeocoded> context)
    {
        var message = context.Message;
        if (message.Article is null || message.Article.ArticleId == Guid.Empty || message.Incidents is null)
        {
            throw new PermanentMessageException("IncidentsGeocoded needs an Article with an ArticleId and an Incidents list.");
        }
        if (message.Incidents.Any(i => i?.Incident?.Date is null || i.Incident.Evidence is null || i.Incident.EventType is null))
        {
            throw new PermanentMessageException($"An incident of article {message.Article.ArticleId} lacks its event type, dates or evidence.");
        }
        var incoming = new ArticleReports(message.Article.ArticleId, message.ExtractorVersion ?? "",
            message.Incidents.Select(geocoded => IncidentMapping.ToReport(message, geocoded)).ToList());
        var clock = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await RecordAsync(incoming, context.CancellationToken);
                return;
            }
            catch (Exception exception) when (IsConflict(exception) && clock.Elapsed < options.Value.ConflictDeadline)
            {
                // Another transaction changed what this decision read: decide again on what is recorded now.
                logger.LogDebug(exception, "Article {ArticleId}: concurrent change, deciding again (attempt {Attempt})", incoming.ArticleId, attempt);
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20 + Math.Min(attempt, 20) * 10)), context.CancellationToken);
            }
            catch (Exception exception) when (IsConflict(exception))
            {
                logger.LogError(exception, "Article {ArticleId}: still conflicting after {Seconds:F0} s and {Attempts} attempts",
                    incoming.ArticleId, clock.Elapsed.TotalSeconds, attempt);
                throw;
            }
        }
    }

    private async Task RecordAsync(ArticleReports incoming, CancellationToken cancellationToken)
    {
        await using var session = store.LightweightSession();
        // Locks first, in one statement and in key order, then every read: the reads see what the last holder committed.
        var keys = IncidentLedger.LockKeys(incoming);
        if (keys.Count > 0)
        {
            await session.BeginTransactionAsync(cancellationToken);
            await using var command = new NpgsqlCommand("select count(pg_advisory_xact_lock(key)) from unnest($1::bigint[]) as key");
            command.Parameters.Add(new NpgsqlParameter { Value = keys.ToArray() });
            await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
            }
        }
        var contributions = await session.LoadAsync<ArticleIncidents>(incoming.ArticleId, cancellationToken)
            ?? new ArticleIncidents { Id = incoming.ArticleId };
        var articleIncidents = contributions.IncidentIds.Count == 0
            ? []
            : (await session.LoadManyAsync<IncidentDetails>(cancellationToken, contributions.IncidentIds)).ToList();
        var candidates = new Dictionary<int, IReadOnlyList<IncidentDetails>>();
        foreach (var report in incoming.Reports.Where(r => IncidentLedger.NeedsCandidates(r, incoming.ArticleId, articleIncidents)))
        {
            candidates[report.Source.Ordinal] = await IncidentLedger.CandidateFilter(report).ToSearch()
                .PageAsync(session, after: null, limit: 50, cancellationToken);
        }

        var decision = IncidentLedger.Decide(incoming, new LedgerView(articleIncidents, candidates));
        if (decision.Rejection is { } rejection)
        {
            throw new PermanentMessageException($"IncidentsGeocoded rejected: {rejection}.");
        }
        if (decision.Appends.Count == 0)
        {
            logger.LogInformation("Article {ArticleId}: nothing new ({Count} incidents already recorded)", incoming.ArticleId, incoming.Reports.Count);
            return;
        }
        var streams = new Dictionary<Guid, IEventStream<IncidentDetails>>();
        foreach (var append in decision.Appends)
        {
            if (append.StartsStream)
            {
                session.Events.StartStream<IncidentDetails>(append.IncidentId, append.Event);
            }
            else
            {
                if (!streams.TryGetValue(append.IncidentId, out var stream))
                {
                    streams[append.IncidentId] = stream = await session.Events.FetchForWriting<IncidentDetails>(append.IncidentId, cancellationToken);
                }
                stream.AppendOne(append.Event);
            }
            if (!contributions.IncidentIds.Contains(append.IncidentId))
            {
                contributions.IncidentIds.Add(append.IncidentId);
            }
        }
        session.Store(contributions);
        await session.SaveChangesAsync(cancellationToken);
        logger.LogInformation("Article {ArticleId}: {Started} new incidents, {Corroborated} corroborations, {Revised} revisions, {Retracted} retractions",
            incoming.ArticleId, decision.Started, decision.Corroborated, decision.Revised, decision.Retracted);
    }

    /// <summary>
    /// A write that lost a race: another transaction appended to the same stream, started the same stream (a concurrent
    /// redelivery), stored the same document version, or the database broke a deadlock or a serialisation conflict.
    /// </summary>
    private static bool IsConflict(Exception exception) => exception switch
    {
        JasperFx.ConcurrencyException or Marten.Exceptions.ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException
            or JasperFx.Events.EventStreamUnexpectedMaxEventIdException => true,
        PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.UniqueViolation } => true,
        AggregateException aggregate => aggregate.InnerExceptions.Any(IsConflict),
        _ => exception.InnerException is { } cause && IsConflict(cause),
    };
}

/// <summary>How the ledger records reports (<c>Ledger</c> in configuration).</summary>
public sealed class LedgerOptions
{
    public const string Section = "Ledger";

    /// <summary>
    /// How long a report may keep meeting concurrency conflicts before its message goes back to the broker's retries
    /// (and then the error queue, an operator's alert). Conflicts resolve in milliseconds; this bounds a bug, not load.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ConflictDeadline { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>The one place where wire messages become the ledger's reports.</summary>
public static class IncidentMapping
{
    public static IncidentReport ToReport(IncidentsGeocoded message, GeocodedIncident geocoded)
    {
        var incident = geocoded.Incident;
        var article = message.Article;
        var place = geocoded.Place is { } p
            ? new IncidentPlace(p.GeonameId, p.Name, p.Latitude, p.Longitude, p.Precision, p.CountryCode,
                p.Admin1Code, p.Admin1Name, p.Admin2Code, p.Admin2Name, p.MatchedText, p.Confidence, p.Mention, p.Rule, p.RunnersUp)
            : null;
        return new IncidentReport(
            incident.EventType,
            incident.SubEventType,
            (incident.Actors ?? []).Select(a => new IncidentActor(a.ActorId, a.Alias)).ToList(),
            place,
            incident.Date.End.DayNumber - incident.Date.Start.DayNumber > IncidentLedger.MaxIncidentDays
                ? incident.Date.End.AddDays(-IncidentLedger.MaxIncidentDays)
                : incident.Date.Start,
            incident.Date.End,
            incident.Fatalities,
            incident.Arrests,
            new IncidentSource(
                article.ArticleId, incident.Ordinal, article.Title, article.Url, article.SourceName, article.Language,
                article.PublishedOn, message.ExtractorVersion, message.GeocoderVersion,
                new IncidentEvidence(incident.Evidence.Start, incident.Evidence.Length, incident.Evidence.Text),
                incident.SourceCue));
    }
}

public sealed class IncidentsGeocodedConsumerDefinition : ConsumerDefinition<IncidentsGeocodedConsumer>
{
    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<IncidentsGeocodedConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        endpointConfigurator.UsePlatformRetryPolicy(context);
}
