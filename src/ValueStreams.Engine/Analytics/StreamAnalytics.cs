namespace ValueStreams.Engine.Analytics;

/// <summary>
/// A value stream measured over a window, as the analytics API and page show it. Durations are in seconds; shares are
/// fractions (0–1).
/// </summary>
public sealed record StreamAnalytics(
    string ValueStreamId,
    string Name,
    int? Version,
    DateTimeOffset From,
    DateTimeOffset To,
    string Bucket,
    InstanceCounts Instances,
    Percentiles LeadTime,
    double? FlowEfficiency,
    IReadOnlyList<FlowPeriod> Throughput,
    IReadOnlyList<StepMeasure> Steps,
    VariantSummary Variants,
    IReadOnlyList<ChainMeasure> ValueChainActivities,
    IReadOnlyList<ChainMeasure> Practices,
    string? BookStream,
    ServiceLevelSummary Sla);

/// <summary>Instances started and completed in the window, and those running at its end.</summary>
public sealed record InstanceCounts(int Started, int Completed, int InProgress);

/// <summary>Nearest-rank percentiles; null when nothing completed.</summary>
public sealed record Percentiles(double? P50, double? P90, double? P99, int Count);

/// <summary>One day or week: flow in and out, work in progress at its end, and the lead times of what completed in it.</summary>
public sealed record FlowPeriod(DateOnly Start, int Started, int Completed, int WorkInProgress, Percentiles LeadTime);

/// <summary>
/// One step: entered <paramref name="Visits"/> times, of which <paramref name="Rework"/> were an instance entering it again;
/// mean wait (ready → claimed) and touch (claimed → completed) of its tasks; <paramref name="BottleneckRank"/> 1 is the
/// step where work waited longest in total.
/// </summary>
public sealed record StepMeasure(
    string StepId, string Name, int Visits, int Rework, int Tasks, double? WaitTime, double? TouchTime, double TotalWait, double TotalTouch,
    int? BottleneckRank);

/// <summary>
/// The paths taken, over the latest completed instances up to <paramref name="SampleLimit"/> (<paramref name="Sampled"/>
/// of them): the most frequent <see cref="FlowCalculator.VariantLimit"/> paths, how many instances took others, and the share
/// whose path follows the stream's connections.
/// </summary>
public sealed record VariantSummary(int Sampled, int SampleLimit, IReadOnlyList<PathVariant> Top, int OtherInstances, int OtherVariants, double? Conformance);

/// <summary>A path through the stream, how many instances took it, and their lead times (of those that completed).</summary>
public sealed record PathVariant(IReadOnlyList<string> Steps, int Instances, double Share, bool Conforms, Percentiles LeadTime);

/// <summary>
/// A value chain activity or practice: the visits and time (wait + touch) of the steps tagged with it, its share of all step
/// time, the measured level (0–3, relative to the busiest), and the book's heat for this stream where the stream is one of
/// the book's examples. A step tagged with two counts toward both.
/// </summary>
public sealed record ChainMeasure(string Id, string Name, int Visits, double Time, double Share, int MeasuredLevel, int? BookHeat);

/// <summary>Service-level targets of the stream's tasks, met and breached, per priority.</summary>
public sealed record ServiceLevelSummary(IReadOnlyList<ServiceLevelRow> ByPriority, int ResponseMet, int ResponseBreached, int ResolutionMet,
    int ResolutionBreached);

/// <summary>One priority's targets; those neither met nor breached are still running.</summary>
public sealed record ServiceLevelRow(int? Priority, int ResponseTargets, int ResponseMet, int ResponseBreached, int ResolutionTargets,
    int ResolutionMet, int ResolutionBreached);
