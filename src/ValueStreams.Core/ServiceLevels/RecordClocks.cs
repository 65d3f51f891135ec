namespace ValueStreams.Core.ServiceLevels;

/// <summary>One line of a record's history: a field's value before and after a change.</summary>
public sealed record RecordFieldChange(DateTimeOffset At, string Field, string? Old, string? New);

/// <summary>A clock of a record, read at a moment, under its policy.</summary>
public sealed record RecordClock(string Name, string Policy, string Calendar, string Target, ClockReading Reading)
{
    /// <summary>The clock's events as read from the history, for planning its thresholds.</summary>
    public IReadOnlyList<ClockEvent> Events { get; init; } = [];

    /// <summary>The policy's definition of the clock (its warning ladder among it).</summary>
    public ClockDefinition? Definition { get; init; }

    /// <summary>Whether the clock stopped for good (met or breached by a stop), rather than running or paused.</summary>
    public bool Stopped => Reading.Timeline.Count > 0 && Reading.Timeline[^1].Event == ClockEventKind.Stop;

    /// <summary>
    /// When the clock reaches <paramref name="percent"/> of its target: when it did, or will if it keeps running; null while
    /// it is paused short of it (or stopped short of it).
    /// </summary>
    public DateTimeOffset? WhenReaching(int percent, DateTimeOffset now) =>
        Events.Count == 0 ? null : ServiceLevelClock.WhenReaching(Events, now, Events[0].Target!.Value, Events[0].Calendar!, percent / 100.0);
}

/// <summary>
/// A record's service level clocks, read from its history: nothing about a clock is stored apart from the record's own
/// changes, so clocks are always in step with what happened to the record, and a policy change applies to the past
/// as it is read. The first change of the history is the record being logged, which starts every clock; state changes
/// pause, resume and stop them as the policy says, and a priority change plans each clock again with that priority's
/// target and calendar (a paused clock stays paused and keeps its paused time).
/// </summary>
public static class RecordClocks
{
    public const string StateField = "state";
    public const string PriorityField = "priority";
    public const string OnHoldReasonField = "onHoldReason";

    /// <summary>One change of the record, as far as clocks care: the state, priority and on-hold reason it set, if any.</summary>
    private sealed record Change(DateTimeOffset At, string? State, string? Priority, string? Reason);

    /// <summary>A record's field as it stands after its whole history (null when never set or cleared).</summary>
    public static string? Current(IReadOnlyList<RecordFieldChange> history, string field) =>
        history.Where(h => h.Field == field).OrderBy(h => h.At).LastOrDefault()?.New;

    public static IReadOnlyList<RecordClock> Read(ServiceLevelPolicy policy, IReadOnlyDictionary<string, BusinessCalendar> calendars,
        IReadOnlyList<RecordFieldChange> history, DateTimeOffset now)
    {
        // What each change did to state and priority, read once for all the policy's clocks.
        var changes = history.GroupBy(h => h.At).OrderBy(g => g.Key)
            .Select(g => new Change(g.Key, g.FirstOrDefault(c => c.Field == StateField)?.New, g.FirstOrDefault(c => c.Field == PriorityField)?.New,
                g.FirstOrDefault(c => c.Field == OnHoldReasonField && c.New is not null)?.New))
            .ToList();
        if (changes.Count == 0)
            return [];
        var reported = ReportedAt(policy, history, changes[0].At);
        var clocks = new List<RecordClock>();
        foreach (var clock in policy.Clocks)
        {
            var events = new List<ClockEvent>();
            string? state = null;
            string? priority = null;
            ClockTarget? target = null;
            var logging = true;
            foreach (var (at, newState, newPriority, reason) in changes)
            {
                var wasState = state;
                if (newPriority is not null && newPriority != priority)
                {
                    if (events.Count > 0 && clock.TargetFor(newPriority) is { } replanned)
                    {
                        events.Add(new ClockEvent(at, ClockEventKind.Replan, Describe($"priority {priority ?? "none"} → {newPriority}", newPriority, replanned),
                            replanned.Within.On(calendars[replanned.Calendar]), calendars[replanned.Calendar]));
                        target = replanned;
                    }
                    priority = newPriority;
                }
                state = newState ?? state;
                var cause = logging ? $"logged as {state}" : $"{wasState} → {state}" + (reason is null ? "" : $": {reason}");
                if (events.Count == 0)
                {
                    // A clock starts when the record is logged, or when it first enters one of the clock's start states.
                    var starts = clock.StartIn.Count == 0 ? logging : state is not null && clock.StartIn.Contains(state);
                    target = starts ? clock.TargetFor(priority) : null;
                    if (target is null)
                    {
                        if (clock.StartIn.Count == 0)
                            break;
                        logging = false;
                        continue;
                    }
                    var startAt = logging && clock.StartIn.Count == 0 && reported < at ? reported.Value : at;
                    var what = logging ? (startAt < at ? $"logged, reported {startAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture)} UTC" : "logged") : cause;
                    events.Add(new ClockEvent(startAt, ClockEventKind.Start, Describe(what, priority, target),
                        target.Within.On(calendars[target.Calendar]), calendars[target.Calendar]));
                    if (state is not null && clock.StopIn.Contains(state))
                        events.Add(new ClockEvent(at, ClockEventKind.Stop, cause));
                    else if (state is not null && clock.PauseIn.Contains(state))
                        events.Add(new ClockEvent(at, ClockEventKind.Pause, cause));
                }
                else if (state != wasState && state is not null)
                {
                    if (clock.ResetIn.Contains(state))
                        events.Add(new ClockEvent(at, ClockEventKind.Reset, cause));
                    else if (clock.StopIn.Contains(state))
                        events.Add(new ClockEvent(at, ClockEventKind.Stop, cause));
                    else if (clock.PauseIn.Contains(state) && !clock.PauseIn.Contains(wasState ?? ""))
                        events.Add(new ClockEvent(at, ClockEventKind.Pause, cause));
                    else if (!clock.PauseIn.Contains(state) && clock.PauseIn.Contains(wasState ?? ""))
                        events.Add(new ClockEvent(at, ClockEventKind.Resume, cause));
                }
                logging = false;
            }
            if (events.Count == 0 || target is null)
                continue;
            var start = events[0];
            var reading = ServiceLevelClock.Read(events, now, start.Target!.Value, start.Calendar!);
            clocks.Add(new RecordClock(clock.Name, policy.Id, reading.Calendar.Id, target.Within.Text, reading) { Events = events, Definition = clock });
        }
        return clocks;
    }

    /// <summary>When the work was reported, where the policy starts its clocks back from a field of the record and it holds a time.</summary>
    private static DateTimeOffset? ReportedAt(ServiceLevelPolicy policy, IReadOnlyList<RecordFieldChange> history, DateTimeOffset loggedAt) =>
        policy.StartFrom is { } field
        && history.FirstOrDefault(h => h.Field == field && h.At == loggedAt)?.New is { } text
        && DateTimeOffset.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at)
            ? at
            : null;

    private static string Describe(string what, string? priority, ClockTarget target) =>
        $"{what}: {(priority is null ? "" : priority + ", ")}{target.Within.Text} on {target.Calendar}";
}
