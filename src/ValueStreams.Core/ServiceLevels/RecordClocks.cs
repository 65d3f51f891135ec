namespace ValueStreams.Core.ServiceLevels;

/// <summary>One line of a record's history: a field's value before and after a change.</summary>
public sealed record RecordFieldChange(DateTimeOffset At, string Field, string? Old, string? New);

/// <summary>A clock of a record, read at a moment, under its policy.</summary>
public sealed record RecordClock(string Name, string Policy, string Calendar, string Target, ClockReading Reading);

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
        var clocks = new List<RecordClock>();
        foreach (var clock in policy.Clocks)
        {
            var events = new List<ClockEvent>();
            string? state = null;
            string? priority = null;
            ClockTarget? target = null;
            foreach (var change in changes)
            {
                var (at, newState, newPriority, reason) = change;
                if (events.Count == 0)
                {
                    (state, priority) = (newState, newPriority);
                    target = clock.TargetFor(priority);
                    if (target is null)
                        break;
                    events.Add(new ClockEvent(at, ClockEventKind.Start, Describe("logged", priority, target),
                        target.Within.On(calendars[target.Calendar]), calendars[target.Calendar]));
                    if (state is not null && clock.StopIn.Contains(state))
                        events.Add(new ClockEvent(at, ClockEventKind.Stop, $"logged as {state}"));
                    else if (state is not null && clock.PauseIn.Contains(state))
                        events.Add(new ClockEvent(at, ClockEventKind.Pause, $"logged as {state}"));
                    continue;
                }
                if (newPriority is not null && newPriority != priority && clock.TargetFor(newPriority) is { } replanned)
                {
                    events.Add(new ClockEvent(at, ClockEventKind.Replan, Describe($"priority {priority ?? "none"} → {newPriority}", newPriority, replanned),
                        replanned.Within.On(calendars[replanned.Calendar]), calendars[replanned.Calendar]));
                    (priority, target) = (newPriority, replanned);
                }
                if (newState is not null && newState != state)
                {
                    var cause = $"{state} → {newState}" + (reason is null ? "" : $": {reason}");
                    if (clock.StopIn.Contains(newState))
                        events.Add(new ClockEvent(at, ClockEventKind.Stop, cause));
                    else if (clock.PauseIn.Contains(newState) && !clock.PauseIn.Contains(state ?? ""))
                        events.Add(new ClockEvent(at, ClockEventKind.Pause, cause));
                    else if (!clock.PauseIn.Contains(newState) && clock.PauseIn.Contains(state ?? ""))
                        events.Add(new ClockEvent(at, ClockEventKind.Resume, cause));
                    state = newState;
                }
            }
            if (target is null)
                continue;
            var start = events[0];
            var reading = ServiceLevelClock.Read(events, now, start.Target!.Value, start.Calendar!);
            clocks.Add(new RecordClock(clock.Name, policy.Id, reading.Calendar.Id, target.Within.Text, reading));
        }
        return clocks;
    }

    private static string Describe(string what, string? priority, ClockTarget target) =>
        $"{what}: {(priority is null ? "" : priority + ", ")}{target.Within.Text} on {target.Calendar}";
}
