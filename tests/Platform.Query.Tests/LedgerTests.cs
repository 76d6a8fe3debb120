using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Platform.Contracts;
using Platform.Query.Incidents;
using Platform.Query.V1;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.Query.Tests;

/// <summary>
/// The Query service in-process on a real Kestrel, real PostgreSQL (fresh Marten schema) and real RabbitMQ
/// (fresh vhost): geocoded incidents arrive as messages and are read back over gRPC.
/// </summary>
public sealed class LedgerTests : IAsyncLifetime
{
    private readonly IsolatedInfrastructure _infrastructure = new();
    private WebApplication? _app;
    private IBusControl? _publisher;
    private GrpcChannel? _channel;
    private IncidentQuery.IncidentQueryClient _client = null!;
    private int _grpcPort;
    private int _managementPort;

    public async Task InitializeAsync()
    {
        await _infrastructure.InitializeAsync();
        var port = _grpcPort = FreePort();
        _managementPort = FreePort();
        // Small, so a test can reach the as-of search's work limit.
        _app = await StartQueryAsync(_infrastructure, port, _managementPort, new() { ["Query:MaxAsOfRebuilds"] = "3" });

        _publisher = Bus.Factory.CreateUsingRabbitMq(rabbit => rabbit.Host(_infrastructure.RabbitMq));
        await _publisher.StartAsync();
        _channel = TestSecurity.Channel(new Uri($"http://127.0.0.1:{port}"));
        _client = new IncidentQuery.IncidentQueryClient(_channel);
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_publisher is not null)
        {
            await _publisher.StopAsync();
        }
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        await _infrastructure.DisposeAsync();
    }

    private static IncidentsGeocoded Message(Guid articleId, params (string EventType, string Date, double Latitude, double Longitude)[] incidents) => new(
        new ArticleReference(articleId, "en", "Title", new DateOnly(2020, 1, 24), "https://example.org/" + articleId, "Example"),
        "extraction-1.0.0",
        "geocoding-test",
        incidents.Select((incident, ordinal) => new GeocodedIncident(
            new ExtractedIncident(ordinal, incident.EventType, "Armed clash", [new ActorMention("sdf", "SDF")], [],
                new DateRange(DateOnly.Parse(incident.Date, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(incident.Date, System.Globalization.CultureInfo.InvariantCulture)),
                2, null, null, new TextSpan(0, 5, "Clash")),
            new ResolvedPlace(1, "Place", incident.Latitude, incident.Longitude, 1, "SY", "07", "Deir ez-Zor", null, null, "Place", 0.9))).ToList());

    private async Task<List<Incident>> SearchAsync(SearchIncidentsRequest request) =>
        [.. (await _client.SearchIncidentsAsync(request, deadline: DateTime.UtcNow.AddSeconds(10))).Incidents];

    private async Task<List<Incident>> WaitForArticleAsync(Guid articleId, int count)
    {
        var incidents = new List<Incident>();
        await RabbitQueues.EventuallyAsync(async () =>
        {
            incidents = await SearchAsync(new SearchIncidentsRequest { ArticleId = articleId.ToString() });
            return incidents.Count >= count;
        }, TimeSpan.FromSeconds(30));
        return incidents;
    }

    [Fact]
    public async Task A_redelivered_message_records_its_incidents_once()
    {
        var articleId = Guid.NewGuid();
        var message = Message(articleId, ("Battles", "2020-01-24", 35.5, 40.6), ("Protests", "2020-01-24", 37.2, 42.1));

        await _publisher!.Publish(message);
        await _publisher.Publish(message);
        var incidents = await WaitForArticleAsync(articleId, 2);
        await Task.Delay(TimeSpan.FromSeconds(2));
        var after = await SearchAsync(new SearchIncidentsRequest { ArticleId = articleId.ToString() });

        incidents.Count.ShouldBe(2);
        after.Select(i => (i.IncidentId, i.Version)).ShouldBe(incidents.Select(i => (i.IncidentId, i.Version)), ignoreOrder: true);
        after.ShouldAllBe(i => i.Version == 1);
        after.ShouldAllBe(i => i.Sources.Single().ArticleId == articleId.ToString());
    }

    [Fact]
    public async Task Search_filters_by_time_range_bounding_box_and_event_type_and_pages_with_a_cursor()
    {
        var articleId = Guid.NewGuid();
        await _publisher!.Publish(Message(articleId,
            ("Battles", "2020-01-10", 35.5, 40.6),
            ("Battles", "2020-02-10", 35.5, 40.6),
            ("Protests", "2020-01-12", 37.2, 42.1),
            ("Battles", "2020-01-15", 33.5, 36.3)));
        await WaitForArticleAsync(articleId, 4);
        var scope = articleId.ToString();

        (await SearchAsync(new SearchIncidentsRequest { ArticleId = scope, FromDate = "2020-01-01", ToDate = "2020-01-31" })).Count.ShouldBe(3);
        (await SearchAsync(new SearchIncidentsRequest { ArticleId = scope, EventType = "Battles" })).Count.ShouldBe(3);
        var inBox = await SearchAsync(new SearchIncidentsRequest
        {
            ArticleId = scope,
            BoundingBox = new BoundingBox { MinLatitude = 35, MaxLatitude = 38, MinLongitude = 40, MaxLongitude = 43 },
        });
        inBox.Count.ShouldBe(3);
        inBox.ShouldAllBe(i => i.Place.Latitude > 35);

        var seen = new List<string>();
        var request = new SearchIncidentsRequest { ArticleId = scope, PageSize = 3 };
        do
        {
            var page = await _client.SearchIncidentsAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
            page.Incidents.Count.ShouldBeLessThanOrEqualTo(3);
            seen.AddRange(page.Incidents.Select(i => i.IncidentId));
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);
        seen.Count.ShouldBe(4);
        seen.Distinct().Count().ShouldBe(4);
    }

    [Fact]
    public async Task An_Arabic_and_an_English_report_of_one_raid_become_one_incident_with_two_sources()
    {
        var arabic = Guid.NewGuid();
        var english = Guid.NewGuid();
        await _publisher!.Publish(Message(arabic, ("Battles", "2020-01-24", 35.50603, 40.65671)) with
        {
            Article = new ArticleReference(arabic, "ar", "إنزال جوي قرب الصور", new DateOnly(2020, 1, 24), null, "Orient Net"),
        });
        await WaitForArticleAsync(arabic, 1);
        await _publisher.Publish(Message(english, ("Battles", "2020-01-24", 35.51, 40.66)) with
        {
            Article = new ArticleReference(english, "en", "Coalition raid near al-Sur", new DateOnly(2020, 1, 24), null, "Example Wire"),
        });

        var incidents = new List<Incident>();
        await RabbitQueues.EventuallyAsync(async () =>
        {
            incidents = await SearchAsync(new SearchIncidentsRequest { ArticleId = english.ToString() });
            return incidents.Count > 0;
        }, TimeSpan.FromSeconds(30));

        var incident = incidents.ShouldHaveSingleItem();
        incident.Sources.Select(x => x.Language).ShouldBe(["ar", "en"]);
        incident.Version.ShouldBe(2);
        (await SearchAsync(new SearchIncidentsRequest { ArticleId = arabic.ToString() })).ShouldHaveSingleItem().IncidentId.ShouldBe(incident.IncidentId);
    }

    private async Task<Incident> CorroboratedIncidentAsync()
    {
        var arabic = Guid.NewGuid();
        var english = Guid.NewGuid();
        await _publisher!.Publish(Message(arabic, ("Battles", "2020-01-24", 35.50603, 40.65671)));
        await WaitForArticleAsync(arabic, 1);
        await Task.Delay(1100);
        await _publisher.Publish(Message(english, ("Battles", "2020-01-24", 35.51, 40.66)));
        Incident? incident = null;
        await RabbitQueues.EventuallyAsync(async () =>
        {
            incident = (await SearchAsync(new SearchIncidentsRequest { ArticleId = english.ToString() })).SingleOrDefault();
            return incident is not null;
        }, TimeSpan.FromSeconds(30));
        return incident.ShouldNotBeNull();
    }

    [Fact]
    public async Task History_lists_the_events_and_an_as_of_read_returns_the_earlier_state()
    {
        var incident = await CorroboratedIncidentAsync();

        var history = await _client.GetIncidentHistoryAsync(new GetIncidentHistoryRequest { IncidentId = incident.IncidentId }, deadline: DateTime.UtcNow.AddSeconds(10));
        history.Events.Select(e => e.Type).ShouldBe(["incident_reported", "incident_corroborated"]);
        history.Events.Select(e => e.Version).ShouldBe([1L, 2L]);
        System.Text.Json.JsonDocument.Parse(history.Events[1].DataJson).RootElement.GetProperty("Source").GetProperty("Language").GetString().ShouldBe("en");

        var asOf = history.Events[0].Timestamp.ToDateTimeOffset().AddMilliseconds(500);
        var earlier = await _client.GetIncidentAsync(new GetIncidentRequest
        {
            IncidentId = incident.IncidentId,
            AsOf = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(asOf),
        }, deadline: DateTime.UtcNow.AddSeconds(10));
        earlier.Version.ShouldBe(1);
        earlier.Sources.ShouldHaveSingleItem();
        (await _client.GetIncidentAsync(new GetIncidentRequest { IncidentId = incident.IncidentId })).Sources.Count.ShouldBe(2);
        var before = await Should.ThrowAsync<RpcException>(_client.GetIncidentAsync(new GetIncidentRequest
        {
            IncidentId = incident.IncidentId,
            AsOf = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTimeOffset(history.Events[0].Timestamp.ToDateTimeOffset().AddDays(-1)),
        }).ResponseAsync);
        before.StatusCode.ShouldBe(StatusCode.NotFound);
    }

    [Fact]
    public async Task ReadEvents_replays_the_ledger_in_order_from_a_position_and_filters_by_type()
    {
        await CorroboratedIncidentAsync();

        var all = new List<LedgerEvent>();
        using (var call = _client.ReadEvents(new ReadEventsRequest(), deadline: DateTime.UtcNow.AddSeconds(10)))
        {
            await foreach (var e in call.ResponseStream.ReadAllAsync())
            {
                all.Add(e);
            }
        }
        all.Count.ShouldBeGreaterThanOrEqualTo(2);
        all.Select(e => e.Position).ShouldBeInOrder();

        var resumed = new List<LedgerEvent>();
        var request = new ReadEventsRequest { FromPosition = all[0].Position };
        request.EventTypes.Add("incident_corroborated");
        using (var call = _client.ReadEvents(request, deadline: DateTime.UtcNow.AddSeconds(10)))
        {
            await foreach (var e in call.ResponseStream.ReadAllAsync())
            {
                resumed.Add(e);
            }
        }
        resumed.ShouldNotBeEmpty();
        resumed.ShouldAllBe(e => e.Type == "incident_corroborated" && e.Position > all[0].Position);
        (await _client.GetLedgerPositionAsync(new GetLedgerPositionRequest())).Position.ShouldBe(all[^1].Position);
    }

    [Fact]
    public async Task A_following_reader_of_one_type_gets_only_new_events_of_that_type()
    {
        var firstArticle = Guid.NewGuid();
        await _publisher!.Publish(Message(firstArticle, ("Battles", "2020-08-01", 35.5, 40.6)));
        await WaitForArticleAsync(firstArticle, 1);
        var start = (await _client.GetLedgerPositionAsync(new GetLedgerPositionRequest())).Position;
        using var reading = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var request = new ReadEventsRequest { FromPosition = start, Follow = true };
        request.EventTypes.Add("incident_reported");
        using var call = _client.ReadEvents(request, cancellationToken: reading.Token);

        var secondArticle = Guid.NewGuid();
        await _publisher.Publish(Message(secondArticle, ("Protests", "2020-08-02", 37.2, 42.1)));

        (await call.ResponseStream.MoveNext(reading.Token)).ShouldBeTrue();
        call.ResponseStream.Current.Type.ShouldBe("incident_reported");
        call.ResponseStream.Current.Position.ShouldBeGreaterThan(start);
        call.ResponseStream.Current.DataJson.ShouldContain(secondArticle.ToString());
        reading.Cancel();
    }

    [Fact]
    public async Task A_watcher_sees_new_incidents_as_they_arrive()
    {
        using var watch = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var call = _client.WatchIncidents(new WatchIncidentsRequest { EventType = "Battles" }, cancellationToken: watch.Token);
        var articleId = Guid.NewGuid();

        await _publisher!.Publish(Message(articleId, ("Protests", "2020-01-24", 36.0, 38.0), ("Battles", "2020-01-24", 35.5, 40.6)));

        (await call.ResponseStream.MoveNext(watch.Token)).ShouldBeTrue();
        var change = call.ResponseStream.Current;
        change.Change.ShouldBe("reported");
        change.Incident.EventType.ShouldBe("Battles");
        change.Incident.Sources.ShouldHaveSingleItem().ArticleId.ShouldBe(articleId.ToString());
        watch.Cancel();
    }

    [Fact]
    public async Task A_reextraction_revises_what_changed_retracts_what_is_gone_and_a_late_older_version_changes_nothing()
    {
        var articleId = Guid.NewGuid();
        var first = Message(articleId, ("Battles", "2020-01-24", 35.5, 40.6), ("Protests", "2020-01-24", 37.2, 42.1));
        await _publisher!.Publish(first);
        var before = await WaitForArticleAsync(articleId, 2);
        var clash = before.Single(i => i.EventType == "Battles");
        var protest = before.Single(i => i.EventType == "Protests");

        var newer = first with
        {
            ExtractorVersion = "extraction-9.0.0",
            Incidents = [first.Incidents[0] with { Incident = first.Incidents[0].Incident with { Fatalities = 5 } }],
        };
        await _publisher.Publish(newer);
        Incident? revised = null;
        await RabbitQueues.EventuallyAsync(async () =>
        {
            revised = await _client.GetIncidentAsync(new GetIncidentRequest { IncidentId = clash.IncidentId });
            return revised.Version == 2;
        }, TimeSpan.FromSeconds(30));

        revised!.Fatalities.ShouldBe(5);
        revised.Sources.ShouldHaveSingleItem().ExtractorVersion.ShouldBe("extraction-9.0.0");
        var history = await _client.GetIncidentHistoryAsync(new GetIncidentHistoryRequest { IncidentId = clash.IncidentId });
        history.Events.Last().Type.ShouldBe("incident_revised");
        history.Events.Last().DataJson.ShouldContain("fatalities");
        var gone = await _client.GetIncidentAsync(new GetIncidentRequest { IncidentId = protest.IncidentId });
        gone.Retracted.ShouldBeTrue();
        (await SearchAsync(new SearchIncidentsRequest { ArticleId = articleId.ToString() })).ShouldHaveSingleItem().IncidentId.ShouldBe(clash.IncidentId);

        await _publisher.Publish(first);
        await Task.Delay(TimeSpan.FromSeconds(2));
        (await _client.GetIncidentAsync(new GetIncidentRequest { IncidentId = clash.IncidentId })).Version.ShouldBe(2);
    }

    [Fact]
    public async Task A_search_as_of_a_moment_returns_what_the_ledger_knew_then()
    {
        var articleId = Guid.NewGuid();
        var first = Message(articleId, ("Battles", "2020-05-02", 35.5, 40.6), ("Protests", "2020-05-02", 37.2, 42.1));
        await _publisher!.Publish(first);
        var before = await WaitForArticleAsync(articleId, 2);
        var clash = before.Single(i => i.EventType == "Battles");
        var protest = before.Single(i => i.EventType == "Protests");
        await Task.Delay(300);
        var knownThen = DateTime.UtcNow;
        await Task.Delay(300);
        // A newer extractor calls the clash an explosion and no longer sees the protest.
        await _publisher.Publish(first with
        {
            ExtractorVersion = "extraction-9.0.0",
            Incidents = [first.Incidents[0] with { Incident = first.Incidents[0].Incident with { EventType = "Explosions/Remote violence" } }],
        });
        await RabbitQueues.EventuallyAsync(async () =>
            (await _client.GetIncidentAsync(new GetIncidentRequest { IncidentId = clash.IncidentId })).Version == 2, TimeSpan.FromSeconds(30));
        var scope = articleId.ToString();
        SearchIncidentsRequest Request(DateTime? asOf, string eventType = "") => new()
        {
            ArticleId = scope,
            EventType = eventType,
            FromDate = "2020-05-01",
            AsOf = asOf is { } t ? Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(t) : null,
        };

        var battlesThen = await SearchAsync(Request(knownThen, "Battles"));
        var allThen = await SearchAsync(Request(knownThen));
        var allNow = await SearchAsync(Request(null));
        var beforeAnything = await SearchAsync(Request(knownThen.AddHours(-1)));

        battlesThen.ShouldHaveSingleItem().IncidentId.ShouldBe(clash.IncidentId);
        battlesThen[0].Version.ShouldBe(1);
        allThen.Select(i => i.IncidentId).ShouldBe(new[] { clash.IncidentId, protest.IncidentId }.Order(), ignoreOrder: false);
        allNow.ShouldHaveSingleItem().EventType.ShouldBe("Explosions/Remote violence");
        (await SearchAsync(Request(null, "Battles"))).ShouldBeEmpty();
        beforeAnything.ShouldBeEmpty();
    }

    [Fact]
    public async Task An_as_of_search_beyond_its_work_limit_returns_short_pages_that_go_on()
    {
        var articleId = Guid.NewGuid();
        var first = Message(articleId, Enumerable.Range(1, 8).Select(day => ("Battles", $"2020-06-{day:00}", 35.5 + day, 40.6)).ToArray());
        await _publisher!.Publish(first);
        var recorded = await WaitForArticleAsync(articleId, 8);
        await Task.Delay(300);
        var knownThen = DateTime.UtcNow;

        var seen = new List<string>();
        var calls = 0;
        var request = new SearchIncidentsRequest
        {
            ArticleId = articleId.ToString(),
            PageSize = 5,
            AsOf = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(knownThen),
        };
        do
        {
            var page = await _client.SearchIncidentsAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
            page.Incidents.Count.ShouldBeLessThanOrEqualTo(3);
            seen.AddRange(page.Incidents.Select(i => i.IncidentId));
            request.PageToken = page.NextPageToken;
            calls++;
        }
        while (request.PageToken.Length > 0 && calls < 20);

        seen.ShouldBe(recorded.Select(i => i.IncidentId).Order(), ignoreOrder: false);
        calls.ShouldBeGreaterThanOrEqualTo(3);
    }

    [Fact]
    public async Task Search_filters_by_sub_type_actor_precision_country_admin1_text_and_radius()
    {
        var articleId = Guid.NewGuid();
        var baseMessage = Message(articleId, ("Battles", "2020-01-24", 35.50603, 40.65671), ("Battles", "2020-01-24", 36.2, 37.16));
        var second = baseMessage.Incidents[1];
        await _publisher!.Publish(baseMessage with
        {
            Incidents =
            [
                baseMessage.Incidents[0] with { Incident = baseMessage.Incidents[0].Incident with { Evidence = new TextSpan(0, 20, "إنزال جوي قرب الصور") } },
                second with
                {
                    Incident = second.Incident with { SubEventType = "Air/drone strike", Actors = [new ActorMention("russia", "Russian jets")] },
                    Place = second.Place! with { Precision = 2, Admin1Code = "09", CountryCode = "SY", Name = "Aleppo" },
                },
            ],
        });
        await WaitForArticleAsync(articleId, 2);
        var scope = articleId.ToString();

        async Task<int> CountAsync(Action<SearchIncidentsRequest> filter)
        {
            var request = new SearchIncidentsRequest { ArticleId = scope };
            filter(request);
            return (await SearchAsync(request)).Count;
        }

        (await CountAsync(r => r.SubEventType = "Air/drone strike")).ShouldBe(1);
        (await CountAsync(r => r.ActorId = "russia")).ShouldBe(1);
        (await CountAsync(r => r.ActorId = "sdf")).ShouldBe(1);
        (await CountAsync(r => r.MaxPrecision = 1)).ShouldBe(1);
        (await CountAsync(r => r.MaxPrecision = 2)).ShouldBe(2);
        (await CountAsync(r => { r.CountryCode = "SY"; r.Admin1Code = "09"; })).ShouldBe(1);
        (await CountAsync(r => r.CountryCode = "IQ")).ShouldBe(0);
        (await CountAsync(r => r.Text = "إنزال الصور")).ShouldBe(1);
        (await CountAsync(r => r.Text = "aleppo")).ShouldBe(1);
        (await CountAsync(r => r.Radius = new Radius { Latitude = 35.5, Longitude = 40.65, Kilometers = 5 })).ShouldBe(1);
        (await CountAsync(r => r.Radius = new Radius { Latitude = 35.5, Longitude = 40.65, Kilometers = 400 })).ShouldBe(2);
    }

    [Fact]
    public async Task Rebuilding_restores_the_read_model_from_the_ledger()
    {
        var articleId = Guid.NewGuid();
        await _publisher!.Publish(Message(articleId, ("Battles", "2020-01-24", 35.5, 40.6), ("Protests", "2020-01-24", 37.2, 42.1)));
        var before = await WaitForArticleAsync(articleId, 2);
        var store = _app!.Services.GetRequiredService<Marten.IDocumentStore>();
        await store.Advanced.Clean.DeleteDocumentsByTypeAsync(typeof(Platform.Query.Incidents.IncidentDetails));
        (await SearchAsync(new SearchIncidentsRequest { ArticleId = articleId.ToString() })).ShouldBeEmpty();

        var rebuilt = await _client.RebuildProjectionsAsync(new RebuildProjectionsRequest(), deadline: DateTime.UtcNow.AddMinutes(2));

        rebuilt.Incidents.ShouldBe(2);
        var after = await SearchAsync(new SearchIncidentsRequest { ArticleId = articleId.ToString() });
        after.Select(i => (i.IncidentId, i.Version, i.EventType)).ShouldBe(before.Select(i => (i.IncidentId, i.Version, i.EventType)), ignoreOrder: true);
    }

    [Fact]
    public async Task Daily_counts_per_admin_area_count_each_day_of_an_incident()
    {
        var articleId = Guid.NewGuid();
        var message = Message(articleId, ("Battles", "2030-01-24", 35.5, 40.6), ("Battles", "2030-01-25", 35.9, 40.9));
        await _publisher!.Publish(message with
        {
            Incidents =
            [
                message.Incidents[0],
                message.Incidents[1] with { Incident = message.Incidents[1].Incident with { Date = new DateRange(new DateOnly(2030, 1, 25), new DateOnly(2030, 1, 26)) } },
            ],
        });
        await WaitForArticleAsync(articleId, 2);

        var counts = await _client.CountIncidentsByDayAsync(new CountIncidentsByDayRequest { FromDate = "2030-01-24", ToDate = "2030-01-25", CountryCode = "SY" });

        counts.Counts.Select(c => (c.Day, c.Admin1Code, c.Admin1Name, c.EventType, c.Incidents))
            .ShouldBe([("2030-01-24", "07", "Deir ez-Zor", "Battles", 1), ("2030-01-25", "07", "Deir ez-Zor", "Battles", 1)]);
        var tooLong = await Should.ThrowAsync<RpcException>(_client.CountIncidentsByDayAsync(
            new CountIncidentsByDayRequest { FromDate = "2030-01-01", ToDate = "2031-06-01" }).ResponseAsync);
        tooLong.StatusCode.ShouldBe(StatusCode.InvalidArgument);
    }

    [Fact]
    public async Task An_incident_without_a_place_is_found_by_time_but_never_by_area()
    {
        var articleId = Guid.NewGuid();
        var message = Message(articleId, ("Battles", "2020-03-05", 35.5, 40.6), ("Battles", "2020-03-06", 0, 0));
        await _publisher!.Publish(message with { Incidents = [message.Incidents[0], message.Incidents[1] with { Place = null }] });
        await WaitForArticleAsync(articleId, 2);
        var scope = articleId.ToString();

        var inMarch = await SearchAsync(new SearchIncidentsRequest { ArticleId = scope, FromDate = "2020-03-06", ToDate = "2020-03-31" });
        var anywhere = await SearchAsync(new SearchIncidentsRequest
        {
            ArticleId = scope,
            BoundingBox = new BoundingBox { MinLatitude = -90, MaxLatitude = 90, MinLongitude = -180, MaxLongitude = 180 },
        });

        inMarch.ShouldHaveSingleItem().Place.ShouldBeNull();
        anywhere.ShouldHaveSingleItem().Place.Latitude.ShouldBe(35.5);
        // A percent sign is a word to look for, not a wildcard.
        (await SearchAsync(new SearchIncidentsRequest { ArticleId = scope, Text = "%" })).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_grid_cell_computed_in_code_is_the_one_the_index_stores()
    {
        (double Latitude, double Longitude)[] points = [(35.5, 40.6), (35.0, 40.0), (-33.87, 151.21), (-0.25, -0.25), (90, 180), (-90, -180), (34.99999, -0.00001)];
        await using var connection = new Npgsql.NpgsqlConnection(_infrastructure.Postgres);
        await connection.OpenAsync();
        foreach (var (latitude, longitude) in points)
        {
            await using var command = new Npgsql.NpgsqlCommand($"select {IncidentSearch.CellKey} from (select $1::float8 as latitude, $2::float8 as longitude) p", connection);
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = latitude });
            command.Parameters.Add(new Npgsql.NpgsqlParameter { Value = longitude });

            ((int)(await command.ExecuteScalarAsync())!).ShouldBe(IncidentSearch.Cell(latitude, longitude), $"{latitude}, {longitude}");
        }
    }

    [Fact]
    public async Task A_search_by_time_and_area_reads_the_where_and_when_index()
    {
        var store = _app!.Services.GetRequiredService<Marten.IDocumentStore>();
        var (sql, parameters) = new IncidentSearch().During(new DateOnly(2020, 1, 1), new DateOnly(2020, 1, 31))
            .Within(35, 36, 40, 41).EventType("Battles").PageSql(IncidentSearch.TableName(store), after: null, limit: 51);
        await using var connection = new Npgsql.NpgsqlConnection(_infrastructure.Postgres);
        await connection.OpenAsync();
        // Few rows here, so a sequential scan would be cheaper: forbid it to learn whether the index applies at all.
        await using (var off = new Npgsql.NpgsqlCommand("set enable_seqscan = off", connection))
        {
            await off.ExecuteNonQueryAsync();
        }
        await using var explain = new Npgsql.NpgsqlCommand("explain " + sql, connection);
        foreach (var parameter in parameters)
        {
            explain.Parameters.Add(new Npgsql.NpgsqlParameter { Value = parameter });
        }
        var plan = new List<string>();
        await using (var reader = await explain.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                plan.Add(reader.GetString(0));
            }
        }

        string.Join('\n', plan).ShouldContain(IncidentSearch.WhereWhenIndex);
    }

    [Fact]
    public async Task Daily_counts_follow_revisions_retractions_and_a_rebuild()
    {
        var articleId = Guid.NewGuid();
        var first = Message(articleId, ("Battles", "2030-02-10", 35.5, 40.6), ("Protests", "2030-02-10", 35.9, 40.9));
        await _publisher!.Publish(first);
        var before = await WaitForArticleAsync(articleId, 2);
        async Task<List<(string, string, int)>> CountsAsync() =>
            [.. (await _client.CountIncidentsByDayAsync(new CountIncidentsByDayRequest { FromDate = "2030-02-01", ToDate = "2030-02-28" }))
                .Counts.Select(c => (c.Day, c.EventType, c.Incidents))];
        (await CountsAsync()).ShouldBe([("2030-02-10", "Battles", 1), ("2030-02-10", "Protests", 1)]);

        // A newer extractor dates the clash a day later and no longer sees the protest.
        var clash = first.Incidents[0];
        await _publisher.Publish(first with
        {
            ExtractorVersion = "extraction-9.0.0",
            Incidents = [clash with { Incident = clash.Incident with { Date = new DateRange(new DateOnly(2030, 2, 11), new DateOnly(2030, 2, 12)) } }],
        });
        await RabbitQueues.EventuallyAsync(async () =>
            (await _client.GetIncidentAsync(new GetIncidentRequest { IncidentId = before.Single(i => i.EventType == "Protests").IncidentId })).Retracted,
            TimeSpan.FromSeconds(30));
        var revised = await CountsAsync();
        var store = _app!.Services.GetRequiredService<Marten.IDocumentStore>();
        await store.Advanced.Clean.DeleteDocumentsByTypeAsync(typeof(IncidentDetails));
        var deleted = await CountsAsync();
        await _client.RebuildProjectionsAsync(new RebuildProjectionsRequest(), deadline: DateTime.UtcNow.AddMinutes(2));

        revised.ShouldBe([("2030-02-11", "Battles", 1), ("2030-02-12", "Battles", 1)]);
        deleted.ShouldBeEmpty();
        (await CountsAsync()).ShouldBe(revised);
    }

    [Fact]
    public async Task A_watcher_with_search_filters_sees_only_the_matching_changes()
    {
        using var watch = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var call = _client.WatchIncidents(new WatchIncidentsRequest
        {
            Filter = new SearchIncidentsRequest { ActorId = "russia", Radius = new Radius { Latitude = 36.2, Longitude = 37.16, Kilometers = 20 } },
        }, cancellationToken: watch.Token);
        var articleId = Guid.NewGuid();
        var message = Message(articleId, ("Battles", "2020-01-24", 36.2, 37.16), ("Battles", "2020-01-24", 36.21, 37.17), ("Battles", "2020-01-24", 35.5, 40.6));

        await _publisher!.Publish(message with
        {
            Incidents =
            [
                // Near Aleppo but by the SDF; near Aleppo by Russia (the one to see); by Russia but far away.
                message.Incidents[0],
                message.Incidents[1] with { Incident = message.Incidents[1].Incident with { SubEventType = "Air/drone strike", Actors = [new ActorMention("russia", "Russian jets")] } },
                message.Incidents[2] with { Incident = message.Incidents[2].Incident with { Actors = [new ActorMention("russia", "Russian forces")] } },
            ],
        });

        (await call.ResponseStream.MoveNext(watch.Token)).ShouldBeTrue();
        var change = call.ResponseStream.Current;
        change.Incident.SubEventType.ShouldBe("Air/drone strike");
        change.Incident.Actors.ShouldHaveSingleItem().ActorId.ShouldBe("russia");
        using var more = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(more.Token, watch.Token);
        var another = await Should.ThrowAsync<RpcException>(call.ResponseStream.MoveNext(linked.Token));
        another.StatusCode.ShouldBe(StatusCode.Cancelled);
        var badFilter = _client.WatchIncidents(new WatchIncidentsRequest { Filter = new SearchIncidentsRequest { FromDate = "yesterday" } });
        (await Should.ThrowAsync<RpcException>(badFilter.ResponseStream.MoveNext(CancellationToken.None))).StatusCode.ShouldBe(StatusCode.InvalidArgument);
        watch.Cancel();
    }

    [Fact]
    public async Task A_watcher_of_an_article_sees_the_retraction_that_takes_an_incident_out_of_its_filter()
    {
        using var watch = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var articleId = Guid.NewGuid();
        using var call = _client.WatchIncidents(new WatchIncidentsRequest { Filter = new SearchIncidentsRequest { ArticleId = articleId.ToString() } },
            cancellationToken: watch.Token);
        var first = Message(articleId, ("Battles", "2020-07-01", 35.5, 40.6), ("Protests", "2020-07-01", 37.2, 42.1));
        await _publisher!.Publish(first);
        await WaitForArticleAsync(articleId, 2);
        // A newer extractor no longer sees the protest: the incident loses its only source, and with it the article.
        await _publisher.Publish(first with { ExtractorVersion = "extraction-9.0.0", Incidents = [first.Incidents[0]] });

        var changes = new List<(string Change, string EventType)>();
        while (!changes.Contains(("retracted", "Protests")) && await call.ResponseStream.MoveNext(watch.Token))
        {
            changes.Add((call.ResponseStream.Current.Change, call.ResponseStream.Current.Incident.EventType));
        }

        changes.ShouldContain(("reported", "Battles"));
        changes.ShouldContain(("reported", "Protests"));
        changes.ShouldContain(("retracted", "Protests"));
        watch.Cancel();
    }

    [Fact]
    public async Task Search_orders_by_date_newest_or_oldest_first_and_pages_in_that_order()
    {
        var articleId = Guid.NewGuid();
        await _publisher!.Publish(Message(articleId,
            ("Battles", "2020-03-03", 35.5, 40.6), ("Battles", "2020-03-01", 35.5, 40.6), ("Protests", "2020-03-04", 37.2, 42.1),
            ("Battles", "2020-03-02", 33.5, 36.3), ("Protests", "2020-03-01", 36.2, 37.1)));
        await WaitForArticleAsync(articleId, 5);

        async Task<List<string>> DatesAsync(SearchOrder order)
        {
            var dates = new List<string>();
            var request = new SearchIncidentsRequest { ArticleId = articleId.ToString(), Order = order, PageSize = 2 };
            do
            {
                var page = await _client.SearchIncidentsAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
                dates.AddRange(page.Incidents.Select(i => i.DateStart));
                request.PageToken = page.NextPageToken;
            }
            while (request.PageToken.Length > 0);
            return dates;
        }

        (await DatesAsync(SearchOrder.NewestFirst)).ShouldBe(["2020-03-04", "2020-03-03", "2020-03-02", "2020-03-01", "2020-03-01"]);
        (await DatesAsync(SearchOrder.OldestFirst)).ShouldBe(["2020-03-01", "2020-03-01", "2020-03-02", "2020-03-03", "2020-03-04"]);
        var wrongToken = await Should.ThrowAsync<RpcException>(_client.SearchIncidentsAsync(new SearchIncidentsRequest
        {
            Order = SearchOrder.NewestFirst,
            PageToken = Guid.NewGuid().ToString(),
        }).ResponseAsync);
        wrongToken.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        var asOfByDate = await Should.ThrowAsync<RpcException>(_client.SearchIncidentsAsync(new SearchIncidentsRequest
        {
            Order = SearchOrder.NewestFirst,
            AsOf = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow),
        }).ResponseAsync);
        asOfByDate.StatusCode.ShouldBe(StatusCode.InvalidArgument);
    }

    [Fact]
    public async Task A_following_read_ends_at_its_deadline_and_the_service_goes_on()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var call = _client.ReadEvents(new ReadEventsRequest { Follow = true }, deadline: DateTime.UtcNow.AddMilliseconds(700));

        var ended = await Should.ThrowAsync<RpcException>(async () =>
        {
            await foreach (var _ in call.ResponseStream.ReadAllAsync())
            {
            }
        });

        ended.StatusCode.ShouldBe(StatusCode.DeadlineExceeded);
        clock.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        (await _client.GetLedgerPositionAsync(new GetLedgerPositionRequest(), deadline: DateTime.UtcNow.AddSeconds(5))).Position.ShouldBeGreaterThanOrEqualTo(0);
    }

    [Fact]
    public async Task Daily_counts_are_backfilled_for_incidents_recorded_before_they_existed()
    {
        var articleId = Guid.NewGuid();
        await _publisher!.Publish(Message(articleId, ("Battles", "2030-03-10", 35.5, 40.6), ("Protests", "2030-03-11", 35.9, 40.9)));
        await WaitForArticleAsync(articleId, 2);
        var store = _app!.Services.GetRequiredService<Marten.IDocumentStore>();
        var schema = store.Options.DatabaseSchemaName;
        await using (var connection = new Npgsql.NpgsqlConnection(_infrastructure.Postgres))
        {
            await connection.OpenAsync();
            // A ledger from before the counts: no trigger, no table.
            await using var drop = new Npgsql.NpgsqlCommand(
                $"drop trigger incident_daily_counts_rows on {IncidentSearch.TableName(store)}; " +
                $"drop trigger incident_daily_counts_truncate on {IncidentSearch.TableName(store)}; drop table {schema}.{DailyCounts.Table};", connection);
            await drop.ExecuteNonQueryAsync();
        }

        await DailyCounts.EnsureAsync(store, CancellationToken.None);
        await DailyCounts.EnsureAsync(store, CancellationToken.None);

        var counts = await _client.CountIncidentsByDayAsync(new CountIncidentsByDayRequest { FromDate = "2030-03-01", ToDate = "2030-03-31" });
        counts.Counts.Select(c => (c.Day, c.EventType, c.Incidents)).ShouldBe([("2030-03-10", "Battles", 1), ("2030-03-11", "Protests", 1)]);
    }

    [Fact]
    public async Task Invalid_search_arguments_are_rejected()
    {
        var badDate = await Should.ThrowAsync<RpcException>(_client.SearchIncidentsAsync(new SearchIncidentsRequest { FromDate = "24/01/2020" }).ResponseAsync);
        var badBox = await Should.ThrowAsync<RpcException>(_client.SearchIncidentsAsync(new SearchIncidentsRequest
        {
            BoundingBox = new BoundingBox { MinLatitude = 40, MaxLatitude = 30 },
        }).ResponseAsync);

        badDate.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        badDate.Status.Detail.ShouldContain("YYYY-MM-DD");
        badBox.StatusCode.ShouldBe(StatusCode.InvalidArgument);
    }

    [Fact]
    public async Task An_article_that_fails_to_write_fails_alone_and_the_articles_written_with_it_are_recorded()
    {
        // Valid by every check of the message, but PostgreSQL refuses a NUL character in JSON: the write itself fails.
        var poisoned = Guid.NewGuid();
        var poison = Message(poisoned, ("Battles", "2031-03-20", 34.0, 38.0));
        poison = poison with { Article = poison.Article with { Title = "Clash\u0000" } };
        var articles = Enumerable.Range(0, 40).Select(_ => Guid.NewGuid()).ToList();
        var published = articles.Select((article, i) => _publisher!.Publish(Message(article, ("Battles", "2031-03-20", 34.0 + i * 0.3, 40.0)))).ToList();
        published.Insert(20, _publisher!.Publish(poison));
        await Task.WhenAll(published);

        IReadOnlyList<RabbitQueues.QueuedMessage> errors = [];
        (await RabbitQueues.EventuallyAsync(async () =>
        {
            errors = await RabbitQueues.PeekAsync(_infrastructure.VirtualHost, "query-incidents-geocoded_error");
            return errors.Count > 0;
        }, TimeSpan.FromSeconds(60))).ShouldBeTrue();

        errors.ShouldHaveSingleItem().Headers["MT-Fault-Message"].ShouldNotBeNullOrWhiteSpace();
        var recorded = (await IncidentsBetweenAsync("2031-03-19", "2031-03-21")).SelectMany(i => i.Sources).Select(s => Guid.Parse(s.ArticleId)).ToList();
        recorded.ShouldBe(articles, ignoreOrder: true);
    }

    /// <summary>
    /// One set of reports (events far apart from each other, each told by one to four articles, some articles telling
    /// two events) recorded twice: one article after another in one order, and all at once in the reverse order.
    /// </summary>
    [Fact]
    public async Task The_same_reports_in_another_order_and_concurrency_give_the_same_incidents_and_sources()
    {
        var random = new Random(12);
        string[] types = ["Battles", "Explosions/Remote violence", "Protests"];
        // (event type, day, latitude, longitude) per event: a degree apart, so no report of one can corroborate another.
        var events = Enumerable.Range(0, 30).Select(e => (Type: types[e % 3], Day: e % 4 * 9, Latitude: 30.0 + e / 6, Longitude: 36.0 + e % 6)).ToList();
        var articles = new List<List<(string Type, int Day, double Latitude, double Longitude)>>();
        foreach (var (type, day, latitude, longitude) in events)
        {
            for (var n = 1 + random.Next(4); n > 0; n--)
            {
                articles.Add([(type, day + random.Next(2), latitude + random.NextDouble() * 0.02, longitude + random.NextDouble() * 0.02)]);
            }
        }
        // Some articles also tell a second event.
        for (var i = 0; i < articles.Count; i += 5)
        {
            var other = events[random.Next(events.Count)];
            if (articles[i][0].Latitude - other.Latitude is > 0.5 or < -0.5 || articles[i][0].Longitude - other.Longitude is > 0.5 or < -0.5)
            {
                articles[i].Add((other.Type, other.Day, other.Latitude + 0.01, other.Longitude + 0.01));
            }
        }

        async Task<List<string>> RecordAsync(int year, bool inReverseAllAtOnce)
        {
            var ids = articles.Select(_ => Guid.NewGuid()).ToList();
            var index = ids.Select((id, i) => (id, i)).ToDictionary(x => x.id.ToString(), x => x.i);
            IncidentsGeocoded MessageOf(int i) => Message(ids[i], [.. articles[i].Select(r =>
                (r.Type, new DateOnly(year, 4, 1).AddDays(r.Day).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), r.Latitude, r.Longitude))]);
            if (inReverseAllAtOnce)
            {
                await Task.WhenAll(Enumerable.Range(0, articles.Count).Reverse().Select(i => _publisher!.Publish(MessageOf(i))));
            }
            else
            {
                for (var i = 0; i < articles.Count; i++)
                {
                    await _publisher!.Publish(MessageOf(i));
                    await WaitForArticleAsync(ids[i], articles[i].Count);
                }
            }
            var expected = articles.Sum(a => a.Count);
            var incidents = new List<Incident>();
            await RabbitQueues.EventuallyAsync(async () =>
            {
                incidents = await IncidentsBetweenAsync($"{year}-03-01", $"{year}-06-30");
                return incidents.Sum(i => i.Sources.Count) >= expected;
            }, TimeSpan.FromSeconds(90));
            incidents.Sum(i => i.Sources.Count).ShouldBe(expected);
            // Each incident as its sources: which articles of the set (by position); an incident holds one report per article.
            return [.. incidents.Select(i => string.Join(' ', i.Sources.Select(s => index[s.ArticleId].ToString(System.Globalization.CultureInfo.InvariantCulture)).Order(StringComparer.Ordinal)))
                .Order(StringComparer.Ordinal)];
        }

        var inOrder = await RecordAsync(2034, inReverseAllAtOnce: false);
        var reversed = await RecordAsync(2035, inReverseAllAtOnce: true);

        inOrder.Count.ShouldBe(events.Count);
        reversed.ShouldBe(inOrder);
    }

    private IncidentQuery.IncidentQueryClient ClientWith(string? token, out GrpcChannel channel)
    {
        channel = Platform.Cli.AccessTokens.Channel(new Uri($"http://127.0.0.1:{_grpcPort}"), token);
        return new IncidentQuery.IncidentQueryClient(channel);
    }

    [Fact]
    public async Task Reading_needs_a_valid_token_with_the_read_scope()
    {
        var request = new SearchIncidentsRequest { FromDate = "2031-01-01", ToDate = "2031-01-02" };
        async Task<StatusCode> StatusWith(string? token)
        {
            var client = ClientWith(token, out var channel);
            using (channel)
            {
                try
                {
                    await client.SearchIncidentsAsync(request, deadline: DateTime.UtcNow.AddSeconds(10));
                    return StatusCode.OK;
                }
                catch (RpcException e)
                {
                    return e.StatusCode;
                }
            }
        }
        var otherKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

        (await StatusWith(TestSecurity.Token("read"))).ShouldBe(StatusCode.OK);
        (await StatusWith(null)).ShouldBe(StatusCode.Unauthenticated);
        (await StatusWith(TestSecurity.Token("submit", "admin"))).ShouldBe(StatusCode.PermissionDenied);
        (await StatusWith(Platform.Cli.AccessTokens.Create(otherKey, ["read"], TimeSpan.FromHours(1)))).ShouldBe(StatusCode.Unauthenticated);
        (await StatusWith(Platform.Cli.AccessTokens.Create(TestSecurity.SigningKey, ["read"], TimeSpan.FromMinutes(5), now: DateTime.UtcNow.AddHours(-1))))
            .ShouldBe(StatusCode.Unauthenticated);
        (await StatusWith(Platform.Cli.AccessTokens.Create(TestSecurity.SigningKey, ["read"], TimeSpan.FromHours(1), issuer: "someone-else")))
            .ShouldBe(StatusCode.Unauthenticated);
        (await StatusWith("not-a-token")).ShouldBe(StatusCode.Unauthenticated);
    }

    [Fact]
    public async Task Rebuilding_the_read_model_needs_the_admin_scope()
    {
        var reader = ClientWith(TestSecurity.Token("read", "submit"), out var readerChannel);
        using (readerChannel)
        {
            (await Should.ThrowAsync<RpcException>(reader.RebuildProjectionsAsync(new RebuildProjectionsRequest(), deadline: DateTime.UtcNow.AddSeconds(10)).ResponseAsync))
                .StatusCode.ShouldBe(StatusCode.PermissionDenied);
        }
        var admin = ClientWith(TestSecurity.Token("admin"), out var adminChannel);
        using (adminChannel)
        {
            await admin.RebuildProjectionsAsync(new RebuildProjectionsRequest(), deadline: DateTime.UtcNow.AddMinutes(2));
        }
    }

    [Fact]
    public async Task Health_answers_without_credentials_on_the_management_port_only_and_that_port_serves_nothing_else()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var management = $"http://127.0.0.1:{_managementPort}";

        (await http.GetAsync($"{management}/health/ready")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.GetAsync($"{management}/health/live")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await http.GetAsync($"{management}/anything-else")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var onApiPort = _app!.Configuration["Kestrel:Endpoints:Http:Url"]!;
        (await http.GetAsync($"{onApiPort}/health/ready")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        // The standard gRPC health protocol stays open on the gRPC port (orchestrators probe it without a token).
        using var anonymous = GrpcChannel.ForAddress($"http://127.0.0.1:{_grpcPort}");
        (await new Grpc.Health.V1.Health.HealthClient(anonymous).CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(10)))
            .Status.ShouldBe(Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving);
    }

    private async Task<List<Incident>> IncidentsBetweenAsync(string from, string to)
    {
        var all = new List<Incident>();
        var token = "";
        do
        {
            var page = await _client.SearchIncidentsAsync(new SearchIncidentsRequest
            {
                FromDate = from, ToDate = to, PageSize = IncidentQueryService.MaxPageSize, PageToken = token,
            }, deadline: DateTime.UtcNow.AddSeconds(10));
            all.AddRange(page.Incidents);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return all;
    }

    /// <summary>Every incident recorded in March 2031 (the concurrency tests' month), all pages.</summary>
    private async Task<List<Incident>> MarchIncidentsAsync()
    {
        var all = new List<Incident>();
        var token = "";
        do
        {
            var page = await _client.SearchIncidentsAsync(new SearchIncidentsRequest
            {
                FromDate = "2031-03-01", ToDate = "2031-03-31", PageSize = IncidentQueryService.MaxPageSize, PageToken = token,
            }, deadline: DateTime.UtcNow.AddSeconds(10));
            all.AddRange(page.Incidents);
            token = page.NextPageToken;
        }
        while (token.Length > 0);
        return all;
    }

    [Fact]
    public async Task Two_reports_of_one_event_that_arrive_together_become_one_incident()
    {
        // 100 events half a degree apart, each reported by two articles published at the same moment.
        var published = new List<Task>();
        for (var i = 0; i < 100; i++)
        {
            var (latitude, longitude) = (30 + i / 10 * 0.5, 36 + i % 10 * 0.5);
            published.Add(_publisher!.Publish(Message(Guid.NewGuid(), ("Battles", "2031-03-10", latitude, longitude))));
            published.Add(_publisher.Publish(Message(Guid.NewGuid(), ("Battles", "2031-03-10", latitude + 0.01, longitude + 0.01))));
        }
        await Task.WhenAll(published);

        var incidents = new List<Incident>();
        await RabbitQueues.EventuallyAsync(async () =>
        {
            incidents = await MarchIncidentsAsync();
            return incidents.Sum(i => i.Sources.Count) >= 200;
        }, TimeSpan.FromSeconds(90));

        incidents.Count.ShouldBe(100);
        incidents.ShouldAllBe(i => i.Sources.Count == 2);
    }

    [Fact]
    public async Task A_hundred_simultaneous_reports_of_one_event_are_all_sources_of_one_incident()
    {
        var articles = Enumerable.Range(0, 100).Select(_ => Guid.NewGuid()).ToList();
        await Task.WhenAll(articles.Select((article, i) =>
            _publisher!.Publish(Message(article, ("Battles", "2031-03-12", 35.5 + i % 5 * 0.001, 40.6)))));

        var incidents = new List<Incident>();
        await RabbitQueues.EventuallyAsync(async () =>
        {
            incidents = await MarchIncidentsAsync();
            return incidents.Sum(i => i.Sources.Count) >= 100;
        }, TimeSpan.FromSeconds(90));

        var incident = incidents.ShouldHaveSingleItem();
        incident.Sources.Select(s => Guid.Parse(s.ArticleId)).ShouldBe(articles, ignoreOrder: true);
        incident.Version.ShouldBe(100);
        (await RabbitQueues.PeekAsync(_infrastructure.VirtualHost, "query-incidents-geocoded_error")).ShouldBeEmpty();
    }

    [Theory]
    [InlineData(999, 40.6, 1, 1, 0, "latitude 999")]
    [InlineData(35.5, 40.6, 42, 1, 0, "precision 42")]
    [InlineData(35.5, 40.6, 1, -5, 0, "fatalities -5")]
    [InlineData(35.5, 40.6, 1, 1, -1, "before its start")]
    public async Task A_message_with_an_impossible_value_goes_to_the_error_queue_with_the_reason_and_records_nothing(
        double latitude, double longitude, int precision, int fatalities, int endOffset, string reason)
    {
        var articleId = Guid.NewGuid();
        var message = Message(articleId, ("Battles", "2031-03-14", latitude, longitude));
        var geocoded = message.Incidents[0];
        message = message with
        {
            Incidents =
            [
                geocoded with
                {
                    Incident = geocoded.Incident with
                    {
                        Fatalities = fatalities,
                        Date = new DateRange(geocoded.Incident.Date.Start, geocoded.Incident.Date.Start.AddDays(endOffset)),
                    },
                    Place = geocoded.Place! with { Precision = precision },
                },
            ],
        };

        await _publisher!.Publish(message);

        IReadOnlyList<RabbitQueues.QueuedMessage> errors = [];
        (await RabbitQueues.EventuallyAsync(async () =>
        {
            errors = await RabbitQueues.PeekAsync(_infrastructure.VirtualHost, "query-incidents-geocoded_error");
            return errors.Count > 0;
        }, TimeSpan.FromSeconds(30))).ShouldBeTrue();
        errors.ShouldHaveSingleItem().Headers["MT-Fault-Message"].ShouldContain(reason);
        (await SearchAsync(new SearchIncidentsRequest { ArticleId = articleId.ToString() })).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_filter_in_SQL_and_in_code_select_the_same_incidents()
    {
        var random = new Random(5);
        string[] types = ["Battles", "Protests", "Explosions/Remote violence"];
        string[] subTypes = ["Armed clash", "Air/drone strike", "Peaceful protest"];
        string[] actors = ["sdf", "isis", "coalition", "syrian-government"];
        string[] words = ["raid", "convoy", "غارة", "ambush"];
        var articles = Enumerable.Range(0, 6).Select(_ => Guid.NewGuid()).ToList();
        var incidents = new List<IncidentDetails>();
        for (var i = 0; i < 400; i++)
        {
            var start = new DateOnly(2031, 5, 1).AddDays(random.Next(60));
            var article = articles[random.Next(articles.Count)];
            var placed = random.Next(10) > 0;
            incidents.Add(new IncidentDetails
            {
                Id = Guid.NewGuid(),
                EventType = types[random.Next(types.Length)],
                SubEventType = subTypes[random.Next(subTypes.Length)],
                Actors = [.. actors.Where(_ => random.Next(3) == 0).Select(a => new IncidentActor(a, a))],
                Place = placed
                    ? new IncidentPlace(null, "P", 33 + random.NextDouble() * 4, 36 + random.NextDouble() * 5, 1 + random.Next(3),
                        random.Next(5) == 0 ? "IQ" : "SY", random.Next(2) == 0 ? "07" : "09", null, null, null, "p", 0.9)
                    : null,
                DateStart = start,
                DateEnd = start.AddDays(random.Next(3)),
                Sources = [new IncidentSource(article, 0, $"A {words[random.Next(words.Length)]} report", null, null, "en", start, "v", "g",
                    new IncidentEvidence(0, 4, words[random.Next(words.Length)]), null)],
                ArticleIds = [article],
                Retracted = random.Next(8) == 0,
            }.Indexed());
        }
        var store = _app!.Services.GetRequiredService<Marten.IDocumentStore>();
        await using (var session = store.LightweightSession())
        {
            session.Store(incidents.ToArray());
            foreach (var article in articles)
            {
                session.Store(new ArticleIncidents { Id = article, IncidentIds = [.. incidents.Where(x => x.ArticleIds.Contains(article)).Select(x => x.Id)] });
            }
            await session.SaveChangesAsync();
        }

        var answered = 0;
        for (var i = 0; i < 300; i++)
        {
            var from = random.Next(2) == 0 ? new DateOnly(2031, 5, 1).AddDays(random.Next(60)) : (DateOnly?)null;
            var latitude = 33 + random.NextDouble() * 4;
            var longitude = 36 + random.NextDouble() * 5;
            var filter = new IncidentFilter
            {
                ArticleId = random.Next(6) == 0 ? articles[random.Next(articles.Count)] : null,
                From = from,
                To = random.Next(2) == 0 ? (from ?? new DateOnly(2031, 5, 1)).AddDays(random.Next(30)) : null,
                EventType = random.Next(2) == 0 ? types[random.Next(types.Length)] : null,
                SubEventType = random.Next(4) == 0 ? subTypes[random.Next(subTypes.Length)] : null,
                ActorId = random.Next(4) == 0 ? actors[random.Next(actors.Length)] : null,
                MaxPrecision = random.Next(4) == 0 ? 1 + random.Next(3) : null,
                CountryCode = random.Next(5) == 0 ? "IQ" : null,
                Admin1Code = random.Next(5) == 0 ? "07" : null,
                Box = random.Next(3) == 0 ? new GeoBox(latitude - 1, latitude + random.NextDouble(), longitude - 1, longitude + random.NextDouble()) : null,
                Radius = random.Next(4) == 0 ? new GeoCircle(latitude, longitude, 20 + random.NextDouble() * 200) : null,
                Words = random.Next(4) == 0 ? [words[random.Next(words.Length)]] : [],
                IncludeRetracted = random.Next(5) == 0,
            }.Validated();
            await using var query = store.QuerySession();
            var articleIncidents = filter.ArticleId is { } a ? (await query.LoadAsync<ArticleIncidents>(a))!.IncidentIds : null;
            var inSql = (await filter.ToSearch(articleIncidents).PageAsync(query, after: null, limit: 1_000, CancellationToken.None)).Select(x => x.Id);

            inSql.ShouldBe(incidents.Where(filter.Matches).Select(x => x.Id), ignoreOrder: true, $"filter {filter}");
            answered += inSql.Any() ? 1 : 0;
        }
        // Most filters select something: the agreement is not that of two empty answers.
        answered.ShouldBeGreaterThan(150);
    }

    [Fact]
    public async Task A_watch_rejects_what_a_search_rejects()
    {
        using var call = _client.WatchIncidents(new WatchIncidentsRequest
        {
            BoundingBox = new BoundingBox { MinLatitude = 40, MaxLatitude = 30 },
        }, deadline: DateTime.UtcNow.AddSeconds(10));
        var badBox = await Should.ThrowAsync<RpcException>(call.ResponseStream.MoveNext(CancellationToken.None));
        using var filtered = _client.WatchIncidents(new WatchIncidentsRequest
        {
            Filter = new SearchIncidentsRequest { Radius = new Radius { Latitude = 35, Longitude = 40, Kilometers = -1 } },
        }, deadline: DateTime.UtcNow.AddSeconds(10));
        var badRadius = await Should.ThrowAsync<RpcException>(filtered.ResponseStream.MoveNext(CancellationToken.None));

        badBox.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        badBox.Status.Detail.ShouldContain("bounding_box");
        badRadius.StatusCode.ShouldBe(StatusCode.InvalidArgument);
        badRadius.Status.Detail.ShouldContain("filter.radius");
    }

    /// <summary>The Query service in-process on a real Kestrel with these ports and settings; returns once its bus is up.</summary>
    internal static async Task<WebApplication> StartQueryAsync(IsolatedInfrastructure infrastructure, int grpcPort, int managementPort,
        Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = infrastructure.Postgres,
            ["ConnectionStrings:RabbitMq"] = infrastructure.RabbitMq.ToString(),
            ["Marten:Schema"] = infrastructure.NewSchema("query"),
            // Ports of its own: the service's appsettings.json ports may be taken by a running Platform.
            ["Kestrel:Endpoints:Http:Url"] = $"http://127.0.0.1:{FreePort()}",
            ["Kestrel:Endpoints:Grpc:Url"] = $"http://127.0.0.1:{grpcPort}",
            ["Kestrel:Endpoints:Grpc:Protocols"] = "Http2",
            ["Kestrel:Endpoints:Management:Url"] = $"http://127.0.0.1:{managementPort}",
            ["Auth:Jwt:SigningKey"] = TestSecurity.SigningKey,
        }.Concat(settings));
        builder.AddServiceDefaults();
        builder.AddQuery();
        var app = builder.Build();
        app.MapDefaultEndpoints();
        app.MapQuery();
        await app.StartAsync();
        // The host starts the bus in the background; messages published before its queue is bound would be lost.
        var bus = app.Services.GetRequiredService<IBusControl>();
        (await bus.WaitForHealthStatus(BusHealthStatus.Healthy, TimeSpan.FromSeconds(60))).ShouldBe(BusHealthStatus.Healthy);
        return app;
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
