using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Platform.Geocoding.Engine;
using Platform.Testing;

namespace Platform.Geocoding.Tests;

/// <summary>The gazetteer the Geocoding service loads from its configuration.</summary>
public class GeocodingConfigurationTests
{
    private static Gazetteer GazetteerFor(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings)
        {
            ["Gazetteer:Directory"] = RepositoryPaths.Gazetteer,
            ["ConnectionStrings:RabbitMq"] = "amqp://unused:unused@127.0.0.1:1/",
        });
        builder.AddGeocoding();
        using var host = builder.Build();
        return host.Services.GetRequiredService<Gazetteer>();
    }

    [Fact]
    public void Configured_countries_replace_the_default_list()
    {
        var gazetteer = GazetteerFor(new() { ["Gazetteer:Countries"] = "SY" });

        gazetteer.Report.Files.Select(Path.GetFileName).ShouldBe(["SY.txt", "SY.extra.tsv"]);
    }

    [Fact]
    public void Without_configured_countries_each_default_country_loads_once()
    {
        var gazetteer = GazetteerFor(new() { ["Gazetteer:Countries"] = "" });

        gazetteer.Report.Files.Select(Path.GetFileName).ShouldBe(
            ["SY.txt", "IQ.txt", "LB.txt", "JO.txt", "TR.txt", "SY.extra.tsv", "IQ.extra.tsv", "LB.extra.tsv", "JO.extra.tsv", "TR.extra.tsv"]);
        var saraqib = new Geocoder(gazetteer).Resolve([new PlaceQuery("سراقب", "in", [])]);
        saraqib.ShouldNotBeNull();
        saraqib.RunnersUp.ShouldBeEmpty();
    }
}
