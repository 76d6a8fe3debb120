namespace Platform.Query.Incidents;

/// <summary>
/// A follower's place in the ledger. Positions are handed out when an event is appended, before its transaction
/// commits, so a lower position can become visible after a higher one: a follower that moved past the gap would
/// never see it. The cursor stops at a gap until the missing positions appear, or until the gap has been seen for
/// <see cref="GapTimeout"/> (a rolled-back transaction leaves a gap for good). A one-off read of what is committed
/// now does not wait (<c>waitAtGaps: false</c>).
/// </summary>
internal sealed class LedgerCursor(long position, bool waitAtGaps = true, TimeProvider? clock = null)
{
    public static readonly TimeSpan GapTimeout = TimeSpan.FromSeconds(3);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private long _gapAt = -1;
    private DateTimeOffset _gapSince;

    /// <summary>The last position handed on.</summary>
    public long Position { get; private set; } = position;

    /// <summary>
    /// Of the positions read after <see cref="Position"/> (ascending), how many may be handed on now; the cursor moves
    /// past them. The rest wait for the gap before them to fill or to time out.
    /// </summary>
    public int Accept(IReadOnlyList<long> positions)
    {
        var accepted = 0;
        foreach (var next in positions)
        {
            if (waitAtGaps && next != Position + 1)
            {
                var now = _clock.GetUtcNow();
                if (_gapAt != Position + 1)
                {
                    (_gapAt, _gapSince) = (Position + 1, now);
                }
                if (now - _gapSince < GapTimeout)
                {
                    break;
                }
            }
            Position = next;
            accepted++;
        }
        return accepted;
    }
}
