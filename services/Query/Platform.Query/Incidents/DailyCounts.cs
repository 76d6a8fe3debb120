using Marten;
using Npgsql;

namespace Platform.Query.Incidents;

/// <summary>
/// The daily-counts read model: incidents per day, country, admin1 and event type, each incident counting on
/// every day of its date range. A trigger on the incident read model's table writes, in the same transaction as the
/// incident's change, what the change does to the counts: a new incident +1 on each of its days, a revision that
/// moves it -1 under the old key and +1 under the new one, a retraction -1; deleting the read model (a rebuild)
/// empties it. The changes are only ever inserted (no row is updated, so concurrent writers never wait for or
/// deadlock on each other) and summed when read. Retracted incidents and incidents without a place are not counted.
/// </summary>
public static class DailyCounts
{
    public const string Table = "incident_daily_count_changes";

    /// <summary>Creates the table and its trigger if missing, counting the incidents already stored (idempotent).</summary>
    public static Task EnsureAsync(IDocumentStore store, CancellationToken cancellationToken)
    {
        var schema = store.Options.DatabaseSchemaName;
        var incidents = IncidentSearch.TableName(store);
        var changes = $"{schema}.{Table}";
        var sql = $$"""
            select pg_advisory_xact_lock(hashtext('platform-incident-daily-counts'));
            create table if not exists {{changes}} (
                day date not null,
                country_code text not null,
                admin1_code text not null,
                event_type text not null,
                admin1_name text not null,
                delta integer not null);
            create index if not exists {{Table}}_day on {{changes}} (day) include (country_code, admin1_code, event_type, admin1_name, delta);

            -- One incident's contribution: +1 or -1 on each day of its range, under its place's key.
            create or replace function {{schema}}.incident_daily_counts_add(incident jsonb, delta integer) returns void
            language sql as $fn$
                insert into {{changes}} (day, country_code, admin1_code, event_type, admin1_name, delta)
                select d::date, coalesce(incident #>> '{Place,CountryCode}', ''), coalesce(incident #>> '{Place,Admin1Code}', ''),
                       coalesce(incident ->> 'EventType', ''), coalesce(incident #>> '{Place,Admin1Name}', ''), delta
                from generate_series((incident ->> 'DateStart')::date, (incident ->> 'DateEnd')::date, interval '1 day') d
                where jsonb_typeof(incident -> 'Place') = 'object'
                  and not coalesce((incident ->> 'Retracted')::boolean, false);
            $fn$;

            create or replace function {{schema}}.incident_daily_counts_apply() returns trigger
            language plpgsql as $fn$
            begin
                if tg_op = 'TRUNCATE' then
                    truncate {{changes}};
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
                -- No incident changes while the trigger is checked and the counts backfilled (seconds, on first start).
                lock table {{incidents}} in share row exclusive mode;
                if not exists (select from pg_trigger where tgname = 'incident_daily_counts_rows' and tgrelid = '{{incidents}}'::regclass) then
                    create trigger incident_daily_counts_rows after insert or update or delete on {{incidents}}
                        for each row execute function {{schema}}.incident_daily_counts_apply();
                    create trigger incident_daily_counts_truncate after truncate on {{incidents}}
                        for each statement execute function {{schema}}.incident_daily_counts_apply();
                end if;
                -- Incidents stored before the counts existed (rows are never deleted, so an empty table is a new one).
                if not exists (select from {{changes}}) then
                    perform {{schema}}.incident_daily_counts_add(data, 1) from {{incidents}};
                end if;
            end;
            $do$;
            """;
        return ReadModelSchema.RunAsync(store, sql, cancellationToken);
    }

    public sealed record Row(DateOnly Day, string CountryCode, string Admin1Code, string Admin1Name, string EventType, int Incidents);

    /// <summary>The counts from <paramref name="from"/> to <paramref name="to"/>, by day, country, admin1 and event type.</summary>
    public static async Task<List<Row>> ReadAsync(IQuerySession session, DateOnly from, DateOnly to, string? countryCode, string? eventType,
        CancellationToken cancellationToken)
    {
        // The name an admin area had most recently is not tracked; the greatest of its names stands for it.
        var sql = "select day, country_code, admin1_code, max(admin1_name), event_type, sum(delta)::int " +
            $"from {session.DocumentStore.Options.DatabaseSchemaName}.{Table} where day between $1 and $2" +
            (countryCode is null ? "" : " and country_code = $3") +
            (eventType is null ? "" : countryCode is null ? " and event_type = $3" : " and event_type = $4") +
            " group by day, country_code, admin1_code, event_type having sum(delta) > 0" +
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
