using Microsoft.Extensions.Time.Testing;
using Platform.Query.Incidents;

namespace Platform.Query.Tests;

public sealed class LedgerCursorTests
{
    [Fact]
    public void Consecutive_positions_are_handed_on()
    {
        var cursor = new LedgerCursor(10);

        cursor.Accept([11, 12, 13]).ShouldBe(3);
        cursor.Position.ShouldBe(13);
    }

    [Fact]
    public void A_gap_holds_the_cursor_until_the_missing_position_commits()
    {
        var clock = new FakeTimeProvider();
        var cursor = new LedgerCursor(10, clock: clock);

        cursor.Accept([11, 13, 14]).ShouldBe(1);
        clock.Advance(TimeSpan.FromSeconds(1));
        cursor.Accept([13, 14]).ShouldBe(0);
        cursor.Accept([12, 13, 14]).ShouldBe(3);

        cursor.Position.ShouldBe(14);
    }

    [Fact]
    public void A_one_off_read_does_not_wait_at_gaps()
    {
        var cursor = new LedgerCursor(10, waitAtGaps: false);

        cursor.Accept([11, 13, 20]).ShouldBe(3);
        cursor.Position.ShouldBe(20);
    }

    [Fact]
    public void A_gap_that_outlives_the_timeout_is_a_rolled_back_append_and_is_passed()
    {
        var clock = new FakeTimeProvider();
        var cursor = new LedgerCursor(0, clock: clock);

        cursor.Accept([2, 3]).ShouldBe(0);
        clock.Advance(LedgerCursor.GapTimeout);
        cursor.Accept([2, 3]).ShouldBe(2);

        cursor.Position.ShouldBe(3);
    }
}
