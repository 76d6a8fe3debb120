namespace Platform.Text;

/// <summary>
/// Great-circle distance on the mean Earth radius (haversine): the one formula the geocoder, the ledger, the search
/// and the evaluation measure with (the search's SQL repeats it as <see cref="KmSql"/>).
/// </summary>
public static class GreatCircle
{
    public const double EarthRadiusKm = 6371.0088;

    public static double Km(double latitude1, double longitude1, double latitude2, double longitude2)
    {
        static double Radians(double degrees) => degrees * Math.PI / 180;
        var dLat = Radians(latitude2 - latitude1);
        var dLon = Radians(longitude2 - longitude1);
        var h = Math.Pow(Math.Sin(dLat / 2), 2) + Math.Cos(Radians(latitude1)) * Math.Cos(Radians(latitude2)) * Math.Pow(Math.Sin(dLon / 2), 2);
        return 2 * EarthRadiusKm * Math.Asin(Math.Min(1, Math.Sqrt(h)));
    }

    /// <summary>
    /// <see cref="Km"/> in PostgreSQL over a row's <c>latitude</c> and <c>longitude</c> columns, with <c>@</c> for the
    /// point's latitude, its latitude again, and its longitude, in that order.
    /// </summary>
    public const string KmSql =
        "2 * 6371.0088 * asin(least(1, sqrt(power(sin(radians(latitude - @) / 2), 2) " +
        "+ cos(radians(@)) * cos(radians(latitude)) * power(sin(radians(longitude - @) / 2), 2))))";
}
