using Marten;
using Npgsql;

namespace Platform.Query.Incidents;

/// <summary>
/// The daily-counts read model: incidents per day, country, admin1 and event type, each incident counting on
/// every day of its date range. A table kept by a trigger on the incident read model's table, in the same
/// transaction as the incident's change: a new incident adds its days, a revision that moves it takes them from
/// the old key and adds them to the new one, a retraction takes them away, and deleting the read model (a rebuild)
/// empties it. Retracted incidents and incidents without a place are not counted.
/// </summary>
public static class DailyCounts
{
    public const string Table = "incident_daily_counts";

    /// <summary>Creates the table and its trigger if missing, counting the incidents already stored (idempotent).</summary>
    public static async Task EnsureAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        await store.Storage.Database.EnsureStorageExistsAsync(typeof(IncidentDetails), cancellationToken);
        var schema = store.Options.DatabaseSchemaName;
        var incidents = IncidentSearch.TableName(store);
        var counts = $"{schema}.{Table}";
        var sql = $$"""
            select pg_advisory_xact_lock(hashtext('platform-incident-daily-counts'));
            create table if not exists {{counts}} (
                day date not null,
                country_code text not null,
                admin1_code text not null,
                event_type text not null,
                admin1_name text not null,
                incidents integer not null,
                primary key (day, country_code, admin1_code, event_type));

            -- One incident's contribution: +1 or -1 on each day of its range, under its place's key.
            create or replace function {{schema}}.incident_daily_counts_add(incident jsonb, delta integer) returns void
            language sql as $fn$
                insert into {{counts}} as c (day, country_code, admin1_code, event_type, admin1_name, incidents)
                select d::date, incident #>> '{Place,CountryCode}', coalesce(incident #>> '{Place,Admin1Code}', ''),
                       incident ->> 'EventType', coalesce(incident #>> '{Place,Admin1Name}', ''), delta
                from generate_series((incident ->> 'DateStart')::date, (incident ->> 'DateEnd')::date, interval '1 day') d
                where incident -> 'Place' is not null and jsonb_typeof(incident -> 'Place') = 'object'
                  and not coalesce((incident ->> 'Retracted')::boolean, false)
                order by 1
                on conflict (day, country_code, admin1_code, event_type)
                do update set incidents = c.incidents + excluded.incidents,
                              admin1_name = case when excluded.incidents > 0 then excluded.admin1_name else c.admin1_name end;
            $fn$;

            create or replace function {{schema}}.incident_daily_counts_apply() returns trigger
            language plpgsql as $fn$
            begin
                if tg_op = 'TRUNCATE' then
                    truncate {{counts}};
                    return null;
                end if;
                -- A corroboration leaves the counted key and days as they were: nothing to do.
                if tg_op = 'UPDATE' and (old.data -> 'Place', old.data ->> 'EventType', old.data ->> 'DateStart', old.data ->> 'DateEnd', old.data ->> 'Retracted')
                    is not distinct from (new.data -> 'Place', new.data ->> 'EventType', new.data ->> 'DateStart', new.data ->> 'DateEnd', new.data ->> 'Retracted') then
                    return null;
                end if;
                if tg_op in ('UPDATE', 'DELETE') then
                    perform {{schema}}.incident_daily_counts_add(old.data, -1);
                end if;
                if tg_op in ('INSERT', 'UPDATE') then
                    perform {{schema}}.incident_daily_counts_add(new.data, 1);
                end if;
                return null;
            end;
            $fn$;

            do $do$
            begin
                if not exists (select from pg_trigger where tgname = 'incident_daily_counts_rows' and tgrelid = '{{incidents}}'::regclass) then
                    create trigger incident_daily_counts_rows after insert or update or delete on {{incidents}}
                        for each row execute function {{schema}}.incident_daily_counts_apply();
                    create trigger incident_daily_counts_truncate after truncate on {{incidents}}
                        for each statement execute function {{schema}}.incident_daily_counts_apply();
                    -- The incidents stored before the trigger existed.
                    truncate {{counts}};
                    perform {{schema}}.incident_daily_counts_add(data, 1) from {{incidents}};
                end if;
            end;
            $do$;
            """;
        await using var session = store.LightweightSession();
        await using var command = new NpgsqlCommand(sql);
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
    }

    public sealed record Row(DateOnly Day, string CountryCode, string Admin1Code, string Admin1Name, string EventType, int Incidents);

    /// <summary>The counts from <paramref name="from"/> to <paramref name="to"/>, by day, country, admin1 and event type.</summary>
    public static async Task<List<Row>> ReadAsync(IQuerySession session, DateOnly from, DateOnly to, string? countryCode, string? eventType,
        CancellationToken cancellationToken)
    {
        var sql = $"select day, country_code, admin1_code, admin1_name, event_type, incidents from {session.DocumentStore.Options.DatabaseSchemaName}.{Table} " +
            "where day between $1 and $2 and incidents > 0" +
            (countryCode is null ? "" : " and country_code = $3") +
            (eventType is null ? "" : countryCode is null ? " and event_type = $3" : " and event_type = $4") +
            " order by day, country_code collate \"C\", admin1_code collate \"C\", event_type collate \"C\"";
        await using var command = new NpgsqlCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = from });
        command.Parameters.Add(new NpgsqlParameter { Value = to });
        foreach (var value in new[] { countryCode, eventType }.OfType<string>())
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }
        var rows = new List<Row>();
        await using var reader = await session.ExecuteReaderAsync(command, cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            rows.Add(new Row(reader.GetFieldValue<DateOnly>(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt32(5)));
        }
        return rows;
    }
}
