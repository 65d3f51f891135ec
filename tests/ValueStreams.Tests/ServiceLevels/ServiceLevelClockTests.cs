using System.Text.Json.Nodes;
using NodaTime;
using ValueStreams.Core.ServiceLevels;
using static ValueStreams.Core.ServiceLevels.ClockEventKind;

namespace ValueStreams.Tests.ServiceLevels;

/// <summary>Service level clocks on office hours: pauses, back-dated starts, replanning mid-pause, stops, resets and warning thresholds.</summary>
public sealed class ServiceLevelClockTests
{
    /// <summary>Office hours in Hamburg, Monday to Friday 08:00–12:00 and 13:00–17:00.</summary>
    internal static readonly BusinessCalendar Office = BusinessCalendarReader.Read(JsonNode.Parse("""
        { "id": "office", "name": "Office hours", "timeZone": "Europe/Berlin",
          "week": { "monday": ["08:00-12:00", "13:00-17:00"], "tuesday": ["08:00-12:00", "13:00-17:00"],
                    "wednesday": ["08:00-12:00", "13:00-17:00"], "thursday": ["08:00-12:00", "13:00-17:00"],
                    "friday": ["08:00-12:00", "13:00-17:00"] } }
        """)!.AsObject()).Calendar!;

    /// <summary>A local time in Hamburg in the week of Monday 7 December 2026.</summary>
    private static DateTimeOffset At(DayOfWeek day, int hour, int minute = 0) =>
        new LocalDateTime(2026, 12, 7 + ((int)day + 6) % 7, hour, minute).InZoneStrictly(DateTimeZoneProviders.Tzdb["Europe/Berlin"]).ToDateTimeOffset();

    private static readonly TimeSpan FourHours = TimeSpan.FromHours(4);

    [Fact]
    public void A_pause_stops_the_count_and_moves_the_due_time_by_the_working_time_it_lasted()
    {
        ClockEvent[] events =
        [
            new(At(DayOfWeek.Monday, 9), Start, "incident logged"),
            new(At(DayOfWeek.Monday, 11), Pause, "put on hold: waiting for the caller"),
            new(At(DayOfWeek.Tuesday, 10), Resume, "the caller answered"),
        ];
        var clock = ServiceLevelClock.Read(events, At(DayOfWeek.Tuesday, 12), TimeSpan.FromHours(8), Office);

        Assert.Equal(ClockState.Running, clock.State);
        Assert.Equal(TimeSpan.FromHours(4), clock.Elapsed);          // 09–11 Monday, 10–12 Tuesday
        Assert.Equal(TimeSpan.FromHours(7), clock.Paused);           // 11–12 and 13–17 Monday, 08–10 Tuesday
        Assert.Equal(At(DayOfWeek.Tuesday, 17), clock.DueAt);        // 4 h left from 12:00, after lunch
        Assert.Equal(0.5, clock.Fraction);
        Assert.Equal([Start, Pause, Resume], clock.Timeline.Select(t => t.Event));
        Assert.Equal("put on hold: waiting for the caller", clock.Timeline[1].Cause);
        Assert.Equal(TimeSpan.FromHours(2), clock.Timeline[1].Elapsed);

        var whilePaused = ServiceLevelClock.Read(events[..2], At(DayOfWeek.Monday, 16), TimeSpan.FromHours(8), Office);
        Assert.Equal((ClockState.Paused, (DateTimeOffset?)null, TimeSpan.FromHours(2), TimeSpan.FromHours(4)),
            (whilePaused.State, whilePaused.DueAt, whilePaused.Elapsed, whilePaused.Paused));
    }

    [Fact]
    public void A_clock_started_back_from_when_the_work_was_reported_counts_from_then()
    {
        // Logged at 10:30 for a call taken at 08:00: the clock starts at 08:00.
        var clock = ServiceLevelClock.Read([new(At(DayOfWeek.Monday, 8), Start, "reported at 08:00")], At(DayOfWeek.Monday, 10, 30), FourHours, Office);
        Assert.Equal(TimeSpan.FromMinutes(150), clock.Elapsed);
        Assert.Equal(At(DayOfWeek.Monday, 8), clock.StartedAt);
        Assert.Equal(At(DayOfWeek.Monday, 12), clock.DueAt);
    }

    [Fact]
    public void A_priority_change_while_paused_keeps_the_clock_paused_and_loses_no_paused_time()
    {
        ClockEvent[] events =
        [
            new(At(DayOfWeek.Monday, 9), Start, "P3: 3 working days", TimeSpan.FromHours(24)),
            new(At(DayOfWeek.Monday, 10), Pause, "on hold"),
            new(At(DayOfWeek.Monday, 14), Replan, "priority raised to P1: 4 hours", FourHours),
            new(At(DayOfWeek.Monday, 16), Resume, "work resumed"),
        ];
        var atReplan = ServiceLevelClock.Read(events[..3], At(DayOfWeek.Monday, 15), TimeSpan.Zero, Office);
        Assert.Equal((ClockState.Paused, FourHours, TimeSpan.FromHours(1), TimeSpan.FromHours(4)),
            (atReplan.State, atReplan.Target, atReplan.Elapsed, atReplan.Paused));   // paused 10–12 and 13–15

        var clock = ServiceLevelClock.Read(events, At(DayOfWeek.Monday, 16, 30), TimeSpan.Zero, Office);
        Assert.Equal(ClockState.Running, clock.State);
        Assert.Equal(TimeSpan.FromMinutes(90), clock.Elapsed);
        Assert.Equal(TimeSpan.FromHours(5), clock.Paused);
        Assert.Equal(At(DayOfWeek.Tuesday, 10), clock.DueAt);                      // 2.5 h left: 16:30–17:00, then 08:00–10:00
        Assert.Equal([Start, Pause, Replan, Resume], clock.Timeline.Select(t => t.Event));
    }

    [Fact]
    public void A_calendar_change_counts_the_time_before_it_on_the_old_calendar()
    {
        ClockEvent[] events =
        [
            new(At(DayOfWeek.Friday, 15), Start, "logged"),
            new(At(DayOfWeek.Friday, 16), Replan, "major incident: around the clock", Calendar: BusinessCalendar.AlwaysOpen),
        ];
        var clock = ServiceLevelClock.Read(events, At(DayOfWeek.Saturday, 10), TimeSpan.FromHours(40), Office);
        // One office hour, then 18 hours around the clock.
        Assert.Equal(TimeSpan.FromHours(19), clock.Elapsed);
        Assert.Equal(At(DayOfWeek.Saturday, 10).AddHours(21), clock.DueAt);
        Assert.Equal("24x7", clock.Calendar.Id);
    }

    [Fact]
    public void A_stopped_clock_is_met_or_breached_for_good_and_a_running_one_past_its_target_reads_breached()
    {
        var met = ServiceLevelClock.Read([new(At(DayOfWeek.Monday, 9), Start, "logged"), new(At(DayOfWeek.Monday, 14), Stop, "resolved")],
            At(DayOfWeek.Friday, 9), FourHours, Office);
        Assert.Equal((ClockState.Met, TimeSpan.FromHours(4), (DateTimeOffset?)null), (met.State, met.Elapsed, met.DueAt));

        var late = ServiceLevelClock.Read([new(At(DayOfWeek.Monday, 9), Start, "logged"), new(At(DayOfWeek.Monday, 15), Stop, "resolved")],
            At(DayOfWeek.Friday, 9), FourHours, Office);
        Assert.Equal(ClockState.Breached, late.State);

        var running = ServiceLevelClock.Read([new(At(DayOfWeek.Monday, 9), Start, "logged")], At(DayOfWeek.Monday, 16), FourHours, Office);
        Assert.Equal((ClockState.Breached, TimeSpan.Zero, (DateTimeOffset?)At(DayOfWeek.Monday, 14)), (running.State, running.Remaining, running.DueAt));
    }

    [Fact]
    public void A_reset_starts_the_count_again_and_events_that_do_not_apply_change_nothing()
    {
        ClockEvent[] events =
        [
            new(At(DayOfWeek.Monday, 9), Start, "logged"),
            new(At(DayOfWeek.Monday, 9, 30), Resume, "not paused: ignored"),
            new(At(DayOfWeek.Monday, 10), Pause, "on hold"),
            new(At(DayOfWeek.Monday, 10, 30), Pause, "on hold again: ignored"),
            new(At(DayOfWeek.Monday, 11), Reset, "reopened by the caller"),
        ];
        var clock = ServiceLevelClock.Read(events, At(DayOfWeek.Monday, 14), FourHours, Office);
        Assert.Equal((ClockState.Running, TimeSpan.FromHours(2), TimeSpan.Zero, At(DayOfWeek.Monday, 11)),
            (clock.State, clock.Elapsed, clock.Paused, clock.StartedAt!.Value));
        Assert.Equal([Start, Pause, Reset], clock.Timeline.Select(t => t.Event));
        // Events after the moment read are not yet known.
        Assert.Equal(ClockState.NotStarted, ServiceLevelClock.Read(events, At(DayOfWeek.Monday, 8), FourHours, Office).State);
    }

    [Fact]
    public void Warning_thresholds_fall_at_their_share_of_the_working_time()
    {
        ClockEvent[] started = [new(At(DayOfWeek.Monday, 9), Start, "logged")];
        var now = At(DayOfWeek.Monday, 9, 5);
        Assert.Equal(At(DayOfWeek.Monday, 11), ServiceLevelClock.WhenReaching(started, now, FourHours, Office, 0.5));
        Assert.Equal(At(DayOfWeek.Monday, 12), ServiceLevelClock.WhenReaching(started, now, FourHours, Office, 0.75));
        Assert.Equal(At(DayOfWeek.Monday, 14), ServiceLevelClock.WhenReaching(started, now, FourHours, Office, 1.0));

        // Paused at 10:00: 50 % has not been reached and will not be while paused; 25 % was reached at 10:00.
        ClockEvent[] paused = [.. started, new(At(DayOfWeek.Monday, 10), Pause, "on hold")];
        Assert.Null(ServiceLevelClock.WhenReaching(paused, At(DayOfWeek.Monday, 16), FourHours, Office, 0.5));
        Assert.Equal(At(DayOfWeek.Monday, 10), ServiceLevelClock.WhenReaching(paused, At(DayOfWeek.Monday, 16), FourHours, Office, 0.25));
    }

    [Fact]
    public void A_notification_due_outside_working_time_is_held_until_the_next_working_moment()
    {
        // A 75 % warning falling due on Friday evening is sent on Monday morning when the policy notifies in working time only.
        var due = At(DayOfWeek.Friday, 19);
        Assert.Equal(At(DayOfWeek.Monday, 8).AddDays(7), Office.NextWorkingTime(due));
        Assert.Equal(At(DayOfWeek.Friday, 10), Office.NextWorkingTime(At(DayOfWeek.Friday, 10)));
    }
}
