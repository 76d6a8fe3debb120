using System.Diagnostics;
using System.Globalization;
using FsCheck.Xunit;

namespace Platform.Testing;

/// <summary>
/// How many generated inputs the property tests run: each test's CI count times PLATFORM_FUZZ_INPUTS (a multiplier,
/// 1 when unset; 10 for a long local run, 0.1 for a quick one). The CI counts add up to more than 100,000 inputs.
/// </summary>
public static class FuzzBudget
{
    public const string Variable = "PLATFORM_FUZZ_INPUTS";

    public static double Multiplier { get; } =
        double.TryParse(Environment.GetEnvironmentVariable(Variable), NumberStyles.Float, CultureInfo.InvariantCulture, out var multiplier) && multiplier > 0
            ? multiplier
            : 1;

    /// <summary><paramref name="ciInputs"/> scaled by the multiplier, at least one.</summary>
    public static int Inputs(int ciInputs) => Math.Max(1, (int)Math.Round(ciInputs * Multiplier));

    /// <summary>
    /// The longest one input may take: 2 s per 100,000 characters, and never less than 2 s; three times that in a Debug
    /// build, whose unoptimised code runs the engines up to ten times slower. Generous enough for a slow, shared machine;
    /// a quadratic step on a large input takes minutes and fails it.
    /// </summary>
    public static TimeSpan TimeLimit(int characters) =>
        TimeSpan.FromSeconds((RepositoryPaths.BuildConfiguration == "Debug" ? 6 : 2) * Math.Max(1.0, characters / 100_000.0));

    /// <summary>Runs <paramref name="work"/> on one input, timed; fails when it takes longer than <see cref="TimeLimit"/>.</summary>
    public static T Timed<T>(HostileSample input, Func<T> work, InputTimes? times = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(work);
        var clock = Stopwatch.StartNew();
        var result = work();
        clock.Stop();
        times?.Add(input, clock.Elapsed);
        var limit = TimeLimit(input.Text.Length);
        return clock.Elapsed <= limit
            ? result
            : throw new TimeoutException($"{clock.Elapsed.TotalMilliseconds:N0} ms for one input (limit {limit.TotalMilliseconds:N0} ms): {input}");
    }

    /// <summary>The most that ten times the input may multiply the time by: linear work gives 10, quadratic 100.</summary>
    public const double MaxGrowthForTenTimesTheInput = 30;

    /// <summary>How many times a growth above the bound is measured again before the test fails.</summary>
    public const int LinearityAttempts = 3;

    /// <summary>
    /// Times <paramref name="work"/> on the input <paramref name="make"/> builds at 100,000 and at 1,000,000 characters
    /// and fails when the larger takes more than <see cref="MaxGrowthForTenTimesTheInput"/> times as long (the smaller's
    /// time counted as at least 20 ms, below which collections and other processes on a shared machine rule). The two
    /// sizes run in turns (small, large, small, large, ...) and each keeps its best time, so a burst of load from other
    /// test processes weighs on both; a growth above the bound is measured again, up to <see cref="LinearityAttempts"/>
    /// times, because a quadratic step (x100) exceeds it every time while a disturbed measurement does not. Returns the
    /// line to print.
    /// </summary>
    public static string AssertLinear(Func<int, HostileSample> make, Action<HostileSample> work)
    {
        ArgumentNullException.ThrowIfNull(make);
        ArgumentNullException.ThrowIfNull(work);
        var small = make(100_000);
        var large = make(1_000_000);
        work(small);
        var lines = new List<string>();
        for (var attempt = 1; attempt <= LinearityAttempts; attempt++)
        {
            var (smallTime, largeTime) = BestOfThreeInTurns(() => work(small), () => work(large));
            var growth = largeTime / Math.Max(smallTime, 20);
            var line = $"{large.Family}: {small.Text.Length:N0} chars {smallTime:N1} ms, {large.Text.Length:N0} chars {largeTime:N1} ms (x{growth:N1})";
            if (growth <= MaxGrowthForTenTimesTheInput)
            {
                return attempt == 1 ? line : $"{line}; measured again after {string.Join("; ", lines)}";
            }
            lines.Add(line);
        }
        throw new TimeoutException(
            $"Super-linear: {string.Join("; ", lines)}: more than x{MaxGrowthForTenTimesTheInput} for ten times the input, {LinearityAttempts} times in a row.");
    }

    /// <summary>Three turns of <paramref name="first"/> then <paramref name="second"/>; the best time of each, in milliseconds.</summary>
    public static (double First, double Second) BestOfThreeInTurns(Action first, Action second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var (bestFirst, bestSecond) = (double.MaxValue, double.MaxValue);
        for (var turn = 0; turn < 3; turn++)
        {
            bestFirst = Math.Min(bestFirst, TimedMilliseconds(first));
            bestSecond = Math.Min(bestSecond, TimedMilliseconds(second));
        }
        return (bestFirst, bestSecond);
    }

    private static double TimedMilliseconds(Action work)
    {
        // A collection left over from building the input (or the previous run) would be charged to this one.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var clock = Stopwatch.StartNew();
        work();
        return clock.Elapsed.TotalMilliseconds;
    }
}

/// <summary>The slowest input of a property run and how many ran, for the test output (and the README's figures).</summary>
public sealed class InputTimes
{
    private readonly Lock _lock = new();
    private readonly Stopwatch _total = Stopwatch.StartNew();

    public int Count { get; private set; }
    public long Characters { get; private set; }
    public TimeSpan Slowest { get; private set; }
    public string SlowestInput { get; private set; } = "";

    public void Add(HostileSample input, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(input);
        lock (_lock)
        {
            Count++;
            Characters += input.Text.Length;
            if (elapsed > Slowest)
            {
                (Slowest, SlowestInput) = (elapsed, $"{input.Family}, {input.Text.Length:N0} chars");
            }
        }
    }

    public override string ToString() =>
        $"{Count:N0} inputs, {Characters:N0} chars in {_total.Elapsed.TotalSeconds:N1} s; slowest {Slowest.TotalMilliseconds:N1} ms ({SlowestInput})";
}

/// <summary>
/// An FsCheck property run over <see cref="FuzzBudget.Inputs"/> generated inputs (its CI count scaled by
/// PLATFORM_FUZZ_INPUTS). Sizes run up to FsCheck's usual 100, which the generators use as their own scale.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FuzzPropertyAttribute : PropertyAttribute
{
    public FuzzPropertyAttribute(int ciInputs)
    {
        CiInputs = ciInputs;
        MaxTest = FuzzBudget.Inputs(ciInputs);
        QuietOnSuccess = false;
    }

    /// <summary>The count at multiplier 1, as CI runs it.</summary>
    public int CiInputs { get; }
}
