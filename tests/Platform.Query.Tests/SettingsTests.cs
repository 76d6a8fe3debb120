using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Platform.ServiceDefaults;
using Platform.Testing;

namespace Platform.Query.Tests;

/// <summary>Each setting is read once into a validated options class: a wrong one stops the service at start, by name.</summary>
public class SettingsTests
{
    private static async Task<OptionsValidationException> StartWith(Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = "Host=127.0.0.1;Port=1;Database=none",
            ["ConnectionStrings:RabbitMq"] = "amqp://127.0.0.1:1/",
            ["Kestrel:Endpoints:Http:Url"] = "http://127.0.0.1:0",
            ["Auth:Jwt:SigningKey"] = TestSecurity.SigningKey,
        }.Concat(settings).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value));
        builder.AddServiceDefaults();
        builder.AddQuery();
        await using var app = builder.Build();
        return await Should.ThrowAsync<OptionsValidationException>(() => app.StartAsync());
    }

    [Fact]
    public async Task An_as_of_work_limit_under_one_stops_the_service_at_start()
    {
        (await StartWith(new() { ["Query:MaxAsOfRebuilds"] = "0" })).Message.ShouldContain("MaxAsOfRebuilds");
    }

    [Fact]
    public async Task A_broker_address_that_is_not_amqp_stops_the_service_at_start()
    {
        (await StartWith(new() { ["ConnectionStrings:RabbitMq"] = "http://127.0.0.1:15672" })).Message.ShouldContain("ConnectionStrings:RabbitMq");
    }

    [Fact]
    public async Task A_missing_database_stops_the_service_at_start()
    {
        (await StartWith(new() { ["ConnectionStrings:Postgres"] = null })).Message.ShouldContain("ConnectionStrings:Postgres");
    }

    [Fact]
    public async Task Without_a_way_to_check_tokens_the_service_stops_at_start_and_says_which_setting()
    {
        (await StartWith(new() { ["Auth:Jwt:SigningKey"] = null })).Message.ShouldContain("Auth:Jwt:SigningKey");
        (await StartWith(new() { ["Auth:Jwt:SigningKey"] = "too-short" })).Message.ShouldContain("at least 32 bytes");
    }
}
