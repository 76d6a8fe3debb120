using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Platform.Query.V1;

namespace Platform.Query.Incidents;

/// <summary>
/// Proto messages to the ledger's types and back. Every request value that cannot be read answers INVALID_ARGUMENT
/// here, with the field and what it needs, the same way on every RPC.
/// </summary>
internal static class ProtoMapping
{
    /// <summary>A search request's filters (also a watch's <c>filter</c>, named with <paramref name="field"/>), validated.</summary>
    public static IncidentFilter ToFilter(SearchIncidentsRequest request, string field = "", bool includeRetracted = false)
    {
        var box = request.BoundingBox is { } b ? new GeoBox(b.MinLatitude, b.MaxLatitude, b.MinLongitude, b.MaxLongitude) : null;
        return Validated(new IncidentFilter
        {
            ArticleId = request.ArticleId.Length > 0 ? ParseGuid(request.ArticleId, field + "article_id") : null,
            From = request.FromDate.Length > 0 ? ParseDate(request.FromDate, field + "from_date") : null,
            To = request.ToDate.Length > 0 ? ParseDate(request.ToDate, field + "to_date") : null,
            EventType = Optional(request.EventType),
            SubEventType = Optional(request.SubEventType),
            ActorId = Optional(request.ActorId),
            MaxPrecision = request.MaxPrecision == 0 ? null : request.MaxPrecision,
            CountryCode = Optional(request.CountryCode),
            Admin1Code = Optional(request.Admin1Code),
            Box = box,
            Radius = request.Radius is { } r ? new GeoCircle(r.Latitude, r.Longitude, r.Kilometers) : null,
            Words = IncidentFilter.WordsOf(request.Text),
            IncludeRetracted = includeRetracted,
        }, field);
    }

    /// <summary>A watch's own event type and box (a retraction matches on everything else), validated.</summary>
    public static IncidentFilter ToFilter(WatchIncidentsRequest request) => Validated(new IncidentFilter
    {
        EventType = Optional(request.EventType),
        Box = request.BoundingBox is { } b ? new GeoBox(b.MinLatitude, b.MaxLatitude, b.MinLongitude, b.MaxLongitude) : null,
        IncludeRetracted = true,
    }, "");

    private static IncidentFilter Validated(IncidentFilter filter, string field)
    {
        try
        {
            return filter.Validated(field);
        }
        catch (InvalidFilterException e)
        {
            throw Invalid(e.Message);
        }
    }

    private static string? Optional(string value) => value.Length > 0 ? value : null;

    public static Guid ParseGuid(string value, string field) =>
        Guid.TryParse(value, out var id) ? id : throw Invalid($"{field} '{value}' is not a UUID.");

    public static DateOnly ParseDate(string value, string field) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw Invalid($"{field} '{value}' is not a date: use YYYY-MM-DD.");

    public static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    public static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static LedgerEvent ToProto(StoredEvent stored) => new()
    {
        Position = stored.Position,
        IncidentId = stored.IncidentId.ToString(),
        Type = stored.Type,
        Timestamp = Timestamp.FromDateTimeOffset(stored.Timestamp),
        Version = stored.Version,
        DataJson = stored.DataJson,
    };

    public static Incident ToProto(IncidentDetails incident)
    {
        var proto = new Incident
        {
            IncidentId = incident.Id.ToString(),
            EventType = incident.EventType,
            SubEventType = incident.SubEventType,
            DateStart = Day(incident.DateStart),
            DateEnd = Day(incident.DateEnd),
            Fatalities = incident.Fatalities,
            Arrests = incident.Arrests,
            FirstReportedAt = Timestamp.FromDateTimeOffset(incident.FirstReportedAt),
            Version = incident.Version,
            Retracted = incident.Retracted,
        };
        proto.Actors.AddRange(incident.Actors.Select(a => new Actor { ActorId = a.ActorId, Alias = a.Alias }));
        if (incident.Place is { } place)
        {
            proto.Place = new Place
            {
                Name = place.Name,
                GeonameId = place.GeonameId ?? 0,
                Latitude = place.Latitude,
                Longitude = place.Longitude,
                Precision = place.Precision,
                CountryCode = place.CountryCode,
                Admin1Code = place.Admin1Code ?? "",
                Admin1Name = place.Admin1Name ?? "",
                Admin2Code = place.Admin2Code ?? "",
                Admin2Name = place.Admin2Name ?? "",
                MatchedText = place.MatchedText,
                Confidence = place.Confidence,
                Rule = place.Rule ?? "",
                RunnersUp = place.RunnersUp ?? "",
                Mention = place.Mention ?? "",
            };
        }
        proto.Sources.AddRange(incident.Sources.Select(s => new Source
        {
            ArticleId = s.ArticleId.ToString(),
            Title = s.Title,
            Url = s.Url ?? "",
            SourceName = s.SourceName ?? "",
            Language = s.Language,
            PublishedOn = Day(s.PublishedOn),
            ExtractorVersion = s.ExtractorVersion,
            Evidence = new Evidence { Start = s.Evidence.Start, Length = s.Evidence.Length, Text = s.Evidence.Text },
            SourceCue = s.SourceCue ?? "",
        }));
        return proto;
    }
}
