namespace ValueStreams.Engine.Analytics;

/// <summary>How throughput and lead time are grouped over time.</summary>
public enum FlowBucket { Day, Week }

/// <summary>
/// What the store hands the calculator about one value stream (and version) in a window: aggregates where there are many
/// rows (per day, per step, per priority) and the few lists that must be whole (lead times of completed instances) or are
/// sampled (the paths taken, for variants). All durations are in seconds.
/// </summary>
public sealed record FlowFacts(
    DateTimeOffset From,
    DateTimeOffset To,
    FlowBucket Bucket,
    int WorkInProgressAtStart,
    IReadOnlyList<DailyFlow> Days,
    IReadOnlyList<CompletedInstance> Completed,
    double TouchSecondsOfCompleted,
    IReadOnlyList<StepFacts> Steps,
    IReadOnlyList<InstancePath> Paths,
    int PathSampleLimit,
    IReadOnlyList<ServiceLevelFacts> ServiceLevels);

/// <summary>
/// Instances started, completed and ended (completed or cancelled) on one UTC day; ended ones leave the
/// work in progress.
/// </summary>
public sealed record DailyFlow(DateOnly Day, int Started, int Completed, int Ended);

/// <summary>An instance completed in the window: when, and how long it took from start.</summary>
public sealed record CompletedInstance(DateTimeOffset CompletedAt, double LeadSeconds);

/// <summary>
/// One step over the instances started in the window: how often it was entered (<paramref name="Visits"/>) and by how many
/// instances; its human tasks, the waits (ready → claimed) and touches (claimed → completed) summed over the tasks that
/// reached each point.
/// </summary>
public sealed record StepFacts(
    string StepId, int Visits, int InstancesVisiting, int Tasks, int Claimed, double WaitSeconds, int Completed, double TouchSeconds);

/// <summary>The steps a completed instance entered, in order, and its lead time.</summary>
public sealed record InstancePath(string InstanceId, IReadOnlyList<string> Steps, double? LeadSeconds);

/// <summary>Tasks of one priority (null: none given) with service-level targets, and how each target ended so far.</summary>
public sealed record ServiceLevelFacts(
    int? Priority, int ResponseTargets, int ResponseMet, int ResponseBreached, int ResolutionTargets, int ResolutionMet, int ResolutionBreached);
