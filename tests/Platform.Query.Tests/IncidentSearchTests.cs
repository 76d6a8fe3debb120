using Platform.Query.Incidents;

namespace Platform.Query.Tests;

public sealed class IncidentSearchTests
{
    [Fact]
    public void A_box_becomes_the_grid_cells_it_touches_and_the_exact_bounds()
    {
        // 35.2-35.7 N, 40.1-40.6 E: latitude rows 70 and 71, longitude columns 80 and 81 (half-degree cells).
        var (sql, parameters) = new IncidentSearch().Within(35.2, 35.7, 40.1, 40.6).PageSql("t", after: null, limit: 51);

        sql.ShouldContain(IncidentSearch.CellKey + " = any($1)");
        ((int[])parameters[0]).ShouldBe([IncidentSearch.Cell(35.2, 40.1), IncidentSearch.Cell(35.2, 40.6), IncidentSearch.Cell(35.7, 40.1), IncidentSearch.Cell(35.7, 40.6)]);
        parameters.Skip(1).Take(4).ShouldBe([35.2, 35.7, 40.1, 40.6]);
        parameters[^1].ShouldBe(51);
    }

    [Fact]
    public void A_box_larger_than_the_cell_limit_is_checked_by_its_bounds_only()
    {
        var (sql, parameters) = new IncidentSearch().Within(-90, 90, -180, 180).PageSql("t", after: null, limit: 10);

        sql.ShouldNotContain("any(");
        parameters.Take(4).ShouldBe([-90.0, 90.0, -180.0, 180.0]);
    }

    [Fact]
    public void A_search_from_a_date_bounds_the_start_date_by_the_longest_incident()
    {
        var (sql, parameters) = new IncidentSearch().During(new DateOnly(2020, 3, 1), null)
            .PageSql("t", after: new Guid("00000000-0000-0000-0000-000000000001"), limit: 5);

        sql.ShouldBe("select id from t where not retracted and (date_end >= $1 and date_start >= $2) and id > $3 order by id limit $4");
        parameters[1].ShouldBe(new DateOnly(2020, 3, 1).AddDays(-IncidentLedger.MaxIncidentDays));
    }

    [Fact]
    public void A_condition_with_the_wrong_number_of_parameters_is_refused()
    {
        Should.Throw<ArgumentException>(() => new IncidentSearch().Where("event_type = @ or event_type = @", "Battles"));
    }
}
