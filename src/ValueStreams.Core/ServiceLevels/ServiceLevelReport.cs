namespace ValueStreams.Core.ServiceLevels;

/// <summary>Where a clock or a target stands in a report: decided (met, breached), still running (on track or at risk), or paused.</summary>
public enum ReportOutcome { Met, Breached, OnTrack, AtRisk, Paused }

/// <summary>
/// How many clocks (or targets) ended or stand each way. <see cref="ShareMet"/> is met ÷ (met + breached): the share of
/// the decided ones that were met, null while none is decided.
/// </summary>
public sealed record ReportTally(int Met, int Breached, int OnTrack, int AtRisk, int Paused)
{
    public static ReportTally Empty { get; } = new(0, 0, 0, 0, 0);

    public int Total => Met + Breached + OnTrack + AtRisk + Paused;

    public double? ShareMet => Met + Breached == 0 ? null : (double)Met / (Met + Breached);

    public ReportTally Add(ReportOutcome outcome, int count = 1) => outcome switch
    {
        ReportOutcome.Met => this with { Met = Met + count },
        ReportOutcome.Breached => this with { Breached = Breached + count },
        ReportOutcome.OnTrack => this with { OnTrack = OnTrack + count },
        ReportOutcome.AtRisk => this with { AtRisk = AtRisk + count },
        _ => this with { Paused = Paused + count },
    };
}

/// <summary>One row of a breakdown: the value (null for records without one), its name in plain words, and its tally.</summary>
public sealed record ReportLine(string? Key, string Label, ReportTally Tally);

/// <summary>One clock (response, resolution…) or task target across the records in a report, in total and broken down.</summary>
public sealed record ReportClock(string Name, ReportTally Total, IReadOnlyList<ReportLine> ByPriority, IReadOnlyList<ReportLine> ByGroup,
    IReadOnlyList<ReportLine> ByService);

/// <summary>A record in a report: what it is broken down by, and its clocks as read now.</summary>
public sealed record ReportedRecord(string? Priority, string? Group, string? Service, IReadOnlyList<RecordClock> Clocks);

/// <summary>
/// The SLA report of one record kind over a window of creation times, as one viewer may see it, and of the human tasks
/// created in the window.
/// </summary>
/// <param name="Records">How many records were counted.</param>
/// <param name="Capped">More records were created in the window than <see cref="ServiceLevelReport.MaxRecords"/>; the newest were counted.</param>
public sealed record SlaReport(string Kind, DateTimeOffset From, DateTimeOffset To, int Records, bool Capped, IReadOnlyList<ReportClock> Clocks,
    IReadOnlyList<ReportClock> Tasks);

/// <summary>
/// Counts records' clocks per clock name, by priority, assignment group and service. A running clock that has used
/// <see cref="AtRiskFrom"/> of its target or more is at risk; a clock past its target reads breached whether it still runs,
/// is paused or stopped (as the clock itself says).
/// </summary>
public static class ServiceLevelReport
{
    public const double AtRiskFrom = 0.75;

    /// <summary>The most records one report reads, the newest of its window.</summary>
    public const int MaxRecords = 5000;

    public static ReportOutcome? OutcomeOf(ClockReading reading) => reading.State switch
    {
        ClockState.Met => ReportOutcome.Met,
        ClockState.Breached => ReportOutcome.Breached,
        ClockState.Paused => ReportOutcome.Paused,
        ClockState.Running => reading.Fraction >= AtRiskFrom ? ReportOutcome.AtRisk : ReportOutcome.OnTrack,
        _ => null,
    };

    /// <summary>
    /// The clocks of the records, one per clock name in the order the clocks first appear. <paramref name="serviceNames"/>
    /// gives a service's name by its value (a service record's number); groups and priorities are named as they are.
    /// </summary>
    public static IReadOnlyList<ReportClock> Tally(IEnumerable<ReportedRecord> records, IReadOnlyDictionary<string, string> serviceNames)
    {
        var counted = records
            .SelectMany(r => r.Clocks.Select(c => (Record: r, c.Name, Outcome: OutcomeOf(c.Reading))))
            .Where(c => c.Outcome is not null)
            .ToList();
        return counted.Select(c => c.Name).Distinct(StringComparer.Ordinal)
            .Select(name =>
            {
                var of = counted.Where(c => c.Name == name).Select(c => (c.Record, Outcome: c.Outcome!.Value, Count: 1)).ToList();
                return new ReportClock(name, Sum(of.Select(c => (c.Outcome, c.Count))),
                    Lines(of, r => r.Priority, p => p, "No priority"),
                    Lines(of, r => r.Group, g => g, "No group"),
                    Lines(of, r => r.Service, s => serviceNames.GetValueOrDefault(s, s), "No service"));
            })
            .ToList();
    }

    /// <summary>Rows of a breakdown (items counted <c>Count</c> times each) in the order of their values, those without a value last.</summary>
    public static IReadOnlyList<ReportLine> Lines<T>(IEnumerable<(T Item, ReportOutcome Outcome, int Count)> items, Func<T, string?> key, Func<string, string> label,
        string none) =>
        items.GroupBy(i => key(i.Item))
            .OrderBy(g => g.Key is null).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => new ReportLine(g.Key, g.Key is { } k ? label(k) : none, Sum(g.Select(i => (i.Outcome, i.Count)))))
            .ToList();

    public static ReportTally Sum(IEnumerable<(ReportOutcome Outcome, int Count)> outcomes) =>
        outcomes.Aggregate(ReportTally.Empty, (tally, o) => tally.Add(o.Outcome, o.Count));
}
