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

    public static IReadOnlyList<RecordClock> Read(ServiceLevelPolicy policy, IReadOnlyDictionary<string, BusinessCalendar> calendars,
        IReadOnlyList<RecordFieldChange> history, DateTimeOffset now)
    {
        var changes = history.GroupBy(h => h.At).OrderBy(g => g.Key).ToList();
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
                var newState = change.FirstOrDefault(c => c.Field == StateField)?.New;
                var newPriority = change.FirstOrDefault(c => c.Field == PriorityField)?.New;
                if (events.Count == 0)
                {
                    (state, priority) = (newState, newPriority);
                    target = clock.TargetFor(priority);
                    if (target is null)
                        break;
                    events.Add(new ClockEvent(change.Key, ClockEventKind.Start, Describe("logged", priority, target),
                        target.Within.On(calendars[target.Calendar]), calendars[target.Calendar]));
                    if (state is not null && clock.StopIn.Contains(state))
                        events.Add(new ClockEvent(change.Key, ClockEventKind.Stop, $"logged as {state}"));
                    else if (state is not null && clock.PauseIn.Contains(state))
                        events.Add(new ClockEvent(change.Key, ClockEventKind.Pause, $"logged as {state}"));
                    continue;
                }
                if (newPriority is not null && newPriority != priority && clock.TargetFor(newPriority) is { } replanned)
                {
                    events.Add(new ClockEvent(change.Key, ClockEventKind.Replan, Describe($"priority {priority ?? "none"} → {newPriority}", newPriority, replanned),
                        replanned.Within.On(calendars[replanned.Calendar]), calendars[replanned.Calendar]));
                    (priority, target) = (newPriority, replanned);
                }
                if (newState is not null && newState != state)
                {
                    var cause = $"{state} → {newState}" + (change.FirstOrDefault(c => c.Field == "onHoldReason" && c.New is not null) is { } reason
                        ? $": {reason.New}" : "");
                    if (clock.StopIn.Contains(newState))
                        events.Add(new ClockEvent(change.Key, ClockEventKind.Stop, cause));
                    else if (clock.PauseIn.Contains(newState) && !clock.PauseIn.Contains(state ?? ""))
                        events.Add(new ClockEvent(change.Key, ClockEventKind.Pause, cause));
                    else if (!clock.PauseIn.Contains(newState) && clock.PauseIn.Contains(state ?? ""))
                        events.Add(new ClockEvent(change.Key, ClockEventKind.Resume, cause));
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
