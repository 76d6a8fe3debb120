using Platform.Text;

namespace Platform.Query.Incidents;

/// <summary>A box of latitudes and longitudes, edges included.</summary>
public sealed record GeoBox(double MinLatitude, double MaxLatitude, double MinLongitude, double MaxLongitude);

/// <summary>A circle on the Earth: every point within <paramref name="Kilometers"/> (great-circle) of the centre.</summary>
public sealed record GeoCircle(double Latitude, double Longitude, double Kilometers);

/// <summary>A filter that can never match what the caller means: the message says which value and why.</summary>
public sealed class InvalidFilterException(string message) : ArgumentException(message);

/// <summary>
/// Which incidents a search, a watch or an as-of search wants: built and validated once (<see cref="Validated"/>), then
/// run either as SQL against the read model (<see cref="ToSearch"/>) or in memory against an incident rebuilt from its
/// events (<see cref="Matches"/>). Both forms live here, side by side, and a test holds them to the same answers.
/// Retracted incidents never match unless <see cref="IncludeRetracted"/> (a watcher is told of a retraction).
/// </summary>
public sealed record IncidentFilter
{
    public const double MaxRadiusKm = 20_000;

    /// <summary>Incidents that name this article among their sources.</summary>
    public Guid? ArticleId { get; init; }

    /// <summary>Incidents whose date range overlaps [From, To] (either end open).</summary>
    public DateOnly? From { get; init; }

    public DateOnly? To { get; init; }

    public string? EventType { get; init; }

    public string? SubEventType { get; init; }

    public string? ActorId { get; init; }

    /// <summary>Only places at least this precise (1, 2 or 3); null for any.</summary>
    public int? MaxPrecision { get; init; }

    public string? CountryCode { get; init; }

    public string? Admin1Code { get; init; }

    /// <summary>Incidents placed inside the box; incidents without a place never match.</summary>
    public GeoBox? Box { get; init; }

    /// <summary>Incidents placed within the circle; incidents without a place never match.</summary>
    public GeoCircle? Radius { get; init; }

    /// <summary>Words that must all appear in the titles, evidence or place names (case-insensitive).</summary>
    public IReadOnlyList<string> Words { get; init; } = [];

    public bool IncludeRetracted { get; init; }

    /// <summary>Splits free text into the lower-cased words a search requires.</summary>
    public static IReadOnlyList<string> WordsOf(string? text) =>
        (text ?? "").ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>This filter, or <see cref="InvalidFilterException"/> naming the first impossible value.</summary>
    /// <param name="field">The request field the filter came from, to name in the message ("filter." for a watch's).</param>
    public IncidentFilter Validated(string field = "")
    {
        if (Box is { } box && !(box.MinLatitude <= box.MaxLatitude && box.MinLongitude <= box.MaxLongitude
            && box.MinLatitude >= -90 && box.MaxLatitude <= 90 && box.MinLongitude >= -180 && box.MaxLongitude <= 180))
        {
            throw new InvalidFilterException(
                $"{field}bounding_box needs -90 <= min_latitude <= max_latitude <= 90 and -180 <= min_longitude <= max_longitude <= 180.");
        }
        if (Radius is { } radius && !(radius.Kilometers is > 0 and <= MaxRadiusKm
            && radius.Latitude is >= -90 and <= 90 && radius.Longitude is >= -180 and <= 180))
        {
            throw new InvalidFilterException($"{field}radius needs a latitude, a longitude and 0 < kilometers <= {MaxRadiusKm:F0}.");
        }
        if (MaxPrecision is < 1 or > 3)
        {
            throw new InvalidFilterException($"{field}max_precision must be 0 (any), 1, 2 or 3.");
        }
        return this;
    }

    /// <summary>The filter in code, for an incident rebuilt from its events: the same rules as <see cref="ToSearch"/>.</summary>
    public bool Matches(IncidentDetails incident)
    {
        ArgumentNullException.ThrowIfNull(incident);
        var place = incident.Place;
        return (IncludeRetracted || !incident.Retracted)
            && (ArticleId is not { } article || incident.ArticleIds.Contains(article))
            && (From is not { } from || incident.DateEnd >= from)
            && (To is not { } to || incident.DateStart <= to)
            && (EventType is null || incident.EventType == EventType)
            && (SubEventType is null || incident.SubEventType == SubEventType)
            && (ActorId is null || incident.Actors.Any(a => a.ActorId == ActorId))
            && (Box is not { } box || place is not null && place.Latitude >= box.MinLatitude && place.Latitude <= box.MaxLatitude
                && place.Longitude >= box.MinLongitude && place.Longitude <= box.MaxLongitude)
            && (MaxPrecision is not { } precision || place is not null && place.Precision <= precision)
            && (CountryCode is null || place?.CountryCode == CountryCode)
            && (Admin1Code is null || place?.Admin1Code == Admin1Code)
            && Words.All(incident.SearchText.Contains)
            && (Radius is not { } radius || place is not null && GreatCircle.Km(place.Latitude, place.Longitude, radius.Latitude, radius.Longitude) <= radius.Kilometers);
    }

    /// <summary>
    /// The filter as SQL over the read model. <paramref name="articleIncidents"/>, when <see cref="ArticleId"/> is set,
    /// are the ids the article contributed to (its <see cref="ArticleIncidents"/> document): the index narrows to them,
    /// and the sources decide (a retraction withdraws the article from an incident).
    /// </summary>
    public IncidentSearch ToSearch(IReadOnlyCollection<Guid>? articleIncidents = null)
    {
        var search = new IncidentSearch(IncludeRetracted);
        if (ArticleId is { } article)
        {
            search.Where("id = any(@)", (articleIncidents ?? []).ToArray()).JsonArrayContains("ArticleIds", article.ToString());
        }
        search.During(From, To);
        if (EventType is not null)
        {
            search.EventType(EventType);
        }
        if (Box is { } box)
        {
            search.Within(box.MinLatitude, box.MaxLatitude, box.MinLongitude, box.MaxLongitude);
        }
        if (SubEventType is not null)
        {
            search.Json("SubEventType", SubEventType);
        }
        if (ActorId is not null)
        {
            search.JsonArrayContains("ActorIds", ActorId);
        }
        if (MaxPrecision is { } precision)
        {
            search.Where("(data #>> '{Place,Precision}')::int <= @", precision);
        }
        if (CountryCode is not null)
        {
            search.Json("Place,CountryCode", CountryCode);
        }
        if (Admin1Code is not null)
        {
            search.Json("Place,Admin1Code", Admin1Code);
        }
        foreach (var word in Words)
        {
            search.Where(@"data ->> 'SearchText' like @ escape '\'", "%" + word.Replace(@"\", @"\\").Replace("%", @"\%").Replace("_", @"\_") + "%");
        }
        if (Radius is { } radius)
        {
            // The box around the circle goes to the index; the exact distance is checked on what it returns.
            var latDelta = radius.Kilometers / 111.0;
            var lonDelta = radius.Kilometers / (111.0 * Math.Max(0.01, Math.Cos(radius.Latitude * Math.PI / 180)));
            search.Within(radius.Latitude - latDelta, radius.Latitude + latDelta, radius.Longitude - lonDelta, radius.Longitude + lonDelta);
            search.Where(GreatCircle.KmSql + " <= @", radius.Latitude, radius.Latitude, radius.Longitude, radius.Kilometers);
        }
        return search;
    }
}
