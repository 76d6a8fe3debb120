using System.Diagnostics.Metrics;
using Platform.Contracts;
using Platform.ServiceDefaults;

namespace Platform.Geocoding.Incidents;

/// <summary>What Geocoding counts: the incidents it placed, by precision, and those it could not place.</summary>
public sealed class GeocodingMetrics
{
    public const string Stage = "geocoding";

    /// <summary>The precision tag of an incident that got no place.</summary>
    public const string Unresolved = "unresolved";

    private static readonly string[] Precisions = ["0", "1", "2", "3"];
    private readonly ServiceMeter _meter;
    private readonly Counter<long> _places;

    public GeocodingMetrics(ServiceMeter meter)
    {
        _meter = meter;
        _places = meter.Meter.CreateCounter<long>("platform.geocoding.places", "{incident}",
            "Incidents geocoded, by the precision of their place (1 the place itself, 2 near it, 3 a region) or unresolved.");
    }

    /// <summary>One message done (published onwards): its incidents' places and the time since <paramref name="startedTimestamp"/>.</summary>
    public void Geocoded(IReadOnlyList<GeocodedIncident> incidents, long startedTimestamp)
    {
        foreach (var incident in incidents)
        {
            var precision = incident.Place is { Precision: >= 1 and <= 3 } place ? Precisions[place.Precision] : Unresolved;
            _places.Add(1, new KeyValuePair<string, object?>("platform.precision", precision));
        }
        _meter.RecordStage(Stage, startedTimestamp);
    }
}
