namespace ValueStreams.Core.ServiceLevels;

/// <summary>What happened to a clock: it started (perhaps back-dated to when the work was reported), paused, resumed,
/// stopped, was reset, or was planned again with a new target or calendar (a priority change).</summary>
public enum ClockEventKind { Start, Pause, Resume, Stop, Reset, Replan }

/// <summary>One event in a clock's life, with its cause in people's words ("put on hold: waiting for the caller").</summary>
/// <param name="Target">For <see cref="ClockEventKind.Start"/> and <see cref="ClockEventKind.Replan"/>: the working time allowed, or null to keep it.</param>
/// <param name="Calendar">For start and replan: the calendar the clock runs on from then, or null to keep it.</param>
public sealed record ClockEvent(DateTimeOffset At, ClockEventKind Kind, string Cause, TimeSpan? Target = null, BusinessCalendar? Calendar = null);

public enum ClockState { NotStarted, Running, Paused, Met, Breached }

/// <summary>A line of a clock's timeline: the event, and the working time elapsed and remaining just after it.</summary>
public sealed record ClockTimelineEntry(DateTimeOffset At, ClockEventKind Event, string Cause, TimeSpan Elapsed, TimeSpan Remaining);

/// <summary>
/// A clock read at one moment. <see cref="Elapsed"/> and <see cref="Paused"/> are working time on the calendars in force
/// while they passed; <see cref="DueAt"/> is when a running clock reaches its target (null while paused or stopped).
/// A clock still running or paused past its target reads <see cref="ClockState.Breached"/>; a stopped one reads met or
/// breached for good.
/// </summary>
public sealed record ClockReading(
    ClockState State,
    DateTimeOffset? StartedAt,
    DateTimeOffset? DueAt,
    TimeSpan Target,
    TimeSpan Elapsed,
    TimeSpan Remaining,
    TimeSpan Paused,
    BusinessCalendar Calendar,
    IReadOnlyList<ClockTimelineEntry> Timeline)
{
    /// <summary>Elapsed working time as a share of the target (1 at the target, more after it).</summary>
    public double Fraction => Target <= TimeSpan.Zero ? 1 : Elapsed / Target;
}

/// <summary>
/// Service level clocks as a fold over their events, so a clock is never stored as a running total that could drift:
/// working time runs between start or resume and the next pause or stop, on the calendar in force at the time. A
/// replan while paused changes the target and calendar, keeps the clock paused, and loses none of the paused time; a
/// reset starts the count again from the reset. Events may arrive out of order; they are read in time order.
/// </summary>
public static class ServiceLevelClock
{
    /// <summary>A stretch in which the clock ran (<see cref="To"/> null while it still runs), on its calendar.</summary>
    private sealed record Run(DateTimeOffset From, DateTimeOffset? To, BusinessCalendar Calendar)
    {
        public TimeSpan WorkingTime(DateTimeOffset now) => Calendar.WorkingTimeBetween(From, To is { } to && to < now ? to : now);
    }

    private sealed record Fold(ClockState State, DateTimeOffset? StartedAt, TimeSpan Target, BusinessCalendar Calendar, List<Run> Runs,
        TimeSpan Paused, List<ClockTimelineEntry> Timeline);

    public static ClockReading Read(IEnumerable<ClockEvent> events, DateTimeOffset now, TimeSpan target, BusinessCalendar calendar)
    {
        var fold = Play(events, now, target, calendar);
        var elapsed = Elapsed(fold.Runs, now);
        var state = fold.State is ClockState.Running or ClockState.Paused && fold.Target > TimeSpan.Zero && elapsed >= fold.Target
            ? ClockState.Breached
            : fold.State;
        var due = fold.Runs.Count > 0 && fold.Runs[^1].To is null ? Crossing(fold.Runs, fold.Target) : null;
        return new ClockReading(state, fold.StartedAt, due, fold.Target, elapsed, Remaining(fold.Target, elapsed), fold.Paused, fold.Calendar,
            fold.Timeline);
    }

    /// <summary>
    /// When the clock reaches <paramref name="fraction"/> of its target (0.5 for a 50 % warning): the moment it did, if it
    /// has; the moment it will if it keeps running; null while it is paused short of it, stopped short of it or not started.
    /// </summary>
    public static DateTimeOffset? WhenReaching(IEnumerable<ClockEvent> events, DateTimeOffset now, TimeSpan target, BusinessCalendar calendar,
        double fraction)
    {
        var fold = Play(events, now, target, calendar);
        return Crossing(fold.Runs, fold.Target * fraction);
    }

    private static Fold Play(IEnumerable<ClockEvent> events, DateTimeOffset now, TimeSpan target, BusinessCalendar calendar)
    {
        var state = ClockState.NotStarted;
        DateTimeOffset? startedAt = null;
        DateTimeOffset? pausedSince = null;
        var runs = new List<Run>();
        var paused = TimeSpan.Zero;
        var timeline = new List<ClockTimelineEntry>();

        foreach (var e in events.Where(e => e.At <= now).OrderBy(e => e.At).ThenBy(e => e.Kind == ClockEventKind.Start ? 0 : 1))
        {
            switch (e.Kind)
            {
                case ClockEventKind.Start when state is ClockState.NotStarted:
                    (target, calendar) = (e.Target ?? target, e.Calendar ?? calendar);
                    (state, startedAt) = (ClockState.Running, e.At);
                    runs.Add(new Run(e.At, null, calendar));
                    break;
                case ClockEventKind.Pause when state is ClockState.Running:
                    runs[^1] = runs[^1] with { To = e.At };
                    (state, pausedSince) = (ClockState.Paused, e.At);
                    break;
                case ClockEventKind.Resume when state is ClockState.Paused:
                    paused += calendar.WorkingTimeBetween(pausedSince!.Value, e.At);
                    (state, pausedSince) = (ClockState.Running, null);
                    runs.Add(new Run(e.At, null, calendar));
                    break;
                case ClockEventKind.Stop when state is ClockState.Running or ClockState.Paused:
                    if (state is ClockState.Running)
                        runs[^1] = runs[^1] with { To = e.At };
                    else
                        paused += calendar.WorkingTimeBetween(pausedSince!.Value, e.At);
                    pausedSince = null;
                    state = Elapsed(runs, e.At) <= target ? ClockState.Met : ClockState.Breached;
                    break;
                case ClockEventKind.Reset when state is not ClockState.NotStarted:
                    runs.Clear();
                    runs.Add(new Run(e.At, null, calendar));
                    (state, startedAt, pausedSince, paused) = (ClockState.Running, e.At, null, TimeSpan.Zero);
                    break;
                case ClockEventKind.Replan:
                    // Paused time so far counts on the old calendar; a running stretch is split so each part keeps its own.
                    if (pausedSince is { } from)
                    {
                        paused += calendar.WorkingTimeBetween(from, e.At);
                        pausedSince = e.At;
                    }
                    (target, calendar) = (e.Target ?? target, e.Calendar ?? calendar);
                    if (state is ClockState.Running)
                    {
                        runs[^1] = runs[^1] with { To = e.At };
                        runs.Add(new Run(e.At, null, calendar));
                    }
                    break;
                default:
                    continue; // an event that does not apply in this state (a second pause, say) changes nothing
            }
            var elapsed = Elapsed(runs, e.At);
            timeline.Add(new ClockTimelineEntry(e.At, e.Kind, e.Cause, elapsed, Remaining(target, elapsed)));
        }
        if (pausedSince is { } stillPaused)
            paused += calendar.WorkingTimeBetween(stillPaused, now);
        return new Fold(state, startedAt, target, calendar, runs, paused, timeline);
    }

    private static TimeSpan Elapsed(List<Run> runs, DateTimeOffset now) =>
        runs.Aggregate(TimeSpan.Zero, (sum, run) => sum + run.WorkingTime(now));

    /// <summary>The moment the runs add up to <paramref name="goal"/> of working time, or null when the closed runs fall short of it.</summary>
    private static DateTimeOffset? Crossing(List<Run> runs, TimeSpan goal)
    {
        var counted = TimeSpan.Zero;
        foreach (var run in runs)
        {
            if (run.To is not { } to)
                return run.Calendar.AddWorkingTime(run.From, goal - counted);
            var length = run.Calendar.WorkingTimeBetween(run.From, to);
            if (counted + length >= goal)
                return run.Calendar.AddWorkingTime(run.From, goal - counted);
            counted += length;
        }
        return null;
    }

    private static TimeSpan Remaining(TimeSpan target, TimeSpan elapsed) => elapsed >= target ? TimeSpan.Zero : target - elapsed;
}
