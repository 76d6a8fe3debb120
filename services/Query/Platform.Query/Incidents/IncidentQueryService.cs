using System.Globalization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Marten;
using Platform.Query.V1;

namespace Platform.Query.Incidents;

/// <summary>gRPC reads of the incident record.</summary>
public sealed class IncidentQueryService(IQuerySession session) : IncidentQuery.IncidentQueryBase
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 500;

    public override async Task<Incident> GetIncident(GetIncidentRequest request, ServerCallContext context)
    {
        var id = ParseGuid(request.IncidentId, "incident_id");
        var incident = await session.LoadAsync<IncidentDetails>(id, context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"No incident {id}."));
        return ToProto(incident);
    }

    public override async Task<SearchIncidentsResponse> SearchIncidents(SearchIncidentsRequest request, ServerCallContext context)
    {
        var pageSize = request.PageSize switch
        {
            0 => DefaultPageSize,
            < 0 or > MaxPageSize => throw Invalid($"page_size must be between 1 and {MaxPageSize}."),
            var size => size,
        };
        IQueryable<IncidentDetails> query = session.Query<IncidentDetails>();
        if (request.ArticleId.Length > 0)
        {
            var articleId = ParseGuid(request.ArticleId, "article_id");
            query = query.Where(x => x.ArticleIds.Contains(articleId));
        }
        if (request.FromDate.Length > 0)
        {
            var from = ParseDate(request.FromDate, "from_date");
            query = query.Where(x => x.DateEnd >= from);
        }
        if (request.ToDate.Length > 0)
        {
            var to = ParseDate(request.ToDate, "to_date");
            query = query.Where(x => x.DateStart <= to);
        }
        if (request.EventType.Length > 0)
        {
            query = query.Where(x => x.EventType == request.EventType);
        }
        if (request.BoundingBox is { } box)
        {
            if (box.MinLatitude > box.MaxLatitude || box.MinLongitude > box.MaxLongitude
                || box.MinLatitude < -90 || box.MaxLatitude > 90 || box.MinLongitude < -180 || box.MaxLongitude > 180)
            {
                throw Invalid("bounding_box needs -90 <= min_latitude <= max_latitude <= 90 and -180 <= min_longitude <= max_longitude <= 180.");
            }
            query = query.Where(x => x.Place != null
                && x.Place.Latitude >= box.MinLatitude && x.Place.Latitude <= box.MaxLatitude
                && x.Place.Longitude >= box.MinLongitude && x.Place.Longitude <= box.MaxLongitude);
        }
        if (request.PageToken.Length > 0)
        {
            // The cursor is the last id of the previous page: pages stay stable while incidents are added.
            var after = ParseGuid(request.PageToken, "page_token");
            query = query.Where(x => x.Id > after);
        }
        var page = await query.OrderBy(x => x.Id).Take(pageSize + 1).ToListAsync(context.CancellationToken);
        var response = new SearchIncidentsResponse();
        response.Incidents.AddRange(page.Take(pageSize).Select(ToProto));
        if (page.Count > pageSize)
        {
            response.NextPageToken = page[pageSize - 1].Id.ToString();
        }
        return response;
    }

    private static Guid ParseGuid(string value, string field) =>
        Guid.TryParse(value, out var id) ? id : throw Invalid($"{field} '{value}' is not a UUID.");

    private static DateOnly ParseDate(string value, string field) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw Invalid($"{field} '{value}' is not a date: use YYYY-MM-DD.");

    private static RpcException Invalid(string message) => new(new Status(StatusCode.InvalidArgument, message));

    internal static Incident ToProto(IncidentDetails incident)
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

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
