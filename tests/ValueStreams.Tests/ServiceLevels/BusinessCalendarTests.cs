using System.Text.Json.Nodes;
using NodaTime;
using ValueStreams.Core.ServiceLevels;

namespace ValueStreams.Tests.ServiceLevels;

/// <summary>Working time on business calendars: several segments a day, weekends, holidays, night shifts and both clock changes.</summary>
public sealed class BusinessCalendarTests
{
    /// <summary>Hamburg office hours: 08:00–12:00 and 13:00–17:00 on weekdays, Christmas off.</summary>
    private static BusinessCalendar Office(string zone = "Europe/Berlin") => Read($$"""
        { "id": "office", "name": "Office hours", "timeZone": "{{zone}}",
          "week": { "monday": ["08:00-12:00", "13:00-17:00"], "tuesday": ["08:00-12:00", "13:00-17:00"],
                    "wednesday": ["08:00-12:00", "13:00-17:00"], "thursday": ["08:00-12:00", "13:00-17:00"],
                    "friday": ["08:00-12:00", "13:00-17:00"], "saturday": [], "sunday": [] },
          "holidays": ["2026-12-25", "2026-12-26"] }
        """);

    private static BusinessCalendar Read(string json)
    {
        var (calendar, errors) = BusinessCalendarReader.Read(JsonNode.Parse(json)!.AsObject());
        Assert.Empty(errors);
        return calendar!;
    }

    /// <summary>A local time in Hamburg as the moment it is.</summary>
    private static DateTimeOffset Berlin(int year, int month, int day, int hour, int minute = 0) =>
        new LocalDateTime(year, month, day, hour, minute).InZoneStrictly(DateTimeZoneProviders.Tzdb["Europe/Berlin"]).ToDateTimeOffset();

    [Fact]
    public void Working_time_skips_the_lunch_break_the_evening_and_the_weekend()
    {
        var office = Office();
        Assert.Equal(Berlin(2026, 12, 7, 14, 0), office.AddWorkingTime(Berlin(2026, 12, 7, 11, 0), TimeSpan.FromHours(2)));
        Assert.Equal(Berlin(2026, 12, 8, 9, 0), office.AddWorkingTime(Berlin(2026, 12, 7, 16, 0), TimeSpan.FromHours(2)));
        // Friday afternoon to Monday morning.
        Assert.Equal(Berlin(2026, 12, 14, 10, 0), office.AddWorkingTime(Berlin(2026, 12, 11, 15, 0), TimeSpan.FromHours(4)));
        // Started outside working time, the clock starts with the next segment.
        Assert.Equal(Berlin(2026, 12, 14, 9, 30), office.AddWorkingTime(Berlin(2026, 12, 12, 10, 0), TimeSpan.FromMinutes(90)));

        Assert.Equal(TimeSpan.FromHours(1), office.WorkingTimeBetween(Berlin(2026, 12, 7, 11, 30), Berlin(2026, 12, 7, 13, 30)));
        Assert.Equal(TimeSpan.FromHours(4), office.WorkingTimeBetween(Berlin(2026, 12, 11, 15, 0), Berlin(2026, 12, 14, 10, 0)));
        Assert.Equal(TimeSpan.FromHours(40), office.WorkingTimeBetween(Berlin(2026, 12, 6, 12, 0), Berlin(2026, 12, 13, 12, 0)));
        Assert.Equal(TimeSpan.Zero, office.WorkingTimeBetween(Berlin(2026, 12, 7, 13, 0), Berlin(2026, 12, 7, 12, 0)));
        Assert.Equal(TimeSpan.FromHours(8), office.WorkingDayLength);
    }

    [Fact]
    public void Holidays_have_no_working_time()
    {
        var office = Office();
        // Thursday 24 December, 16:00: Christmas Day (Friday) and the weekend are off.
        Assert.Equal(Berlin(2026, 12, 28, 9, 0), office.AddWorkingTime(Berlin(2026, 12, 24, 16, 0), TimeSpan.FromHours(2)));
        Assert.Equal(TimeSpan.FromHours(2), office.WorkingTimeBetween(Berlin(2026, 12, 24, 16, 0), Berlin(2026, 12, 28, 9, 0)));
        Assert.False(office.IsWorkingTime(Berlin(2026, 12, 25, 10, 0)));
        Assert.Equal(Berlin(2026, 12, 28, 8, 0), office.NextWorkingTime(Berlin(2026, 12, 25, 10, 0)));
    }

    [Fact]
    public void Working_time_is_half_open_at_segment_edges()
    {
        var office = Office();
        Assert.True(office.IsWorkingTime(Berlin(2026, 12, 7, 8, 0)));
        Assert.False(office.IsWorkingTime(Berlin(2026, 12, 7, 12, 0)));
        Assert.Equal(Berlin(2026, 12, 7, 13, 0), office.NextWorkingTime(Berlin(2026, 12, 7, 12, 0)));
        Assert.Equal(Berlin(2026, 12, 7, 12, 0), office.AddWorkingTime(Berlin(2026, 12, 7, 8, 0), TimeSpan.FromHours(4)));
        Assert.Equal(Berlin(2026, 12, 7, 8, 0), office.AddWorkingTime(Berlin(2026, 12, 7, 8, 0), TimeSpan.Zero));
    }

    [Fact]
    public void Office_hours_keep_their_local_times_across_both_clock_changes()
    {
        var office = Office();
        // Spring: Friday 27 March 2026 16:00 CET + 2 h is Monday 30 March 09:00 CEST, one hour less in UTC terms.
        var monday = office.AddWorkingTime(Berlin(2026, 3, 27, 16, 0), TimeSpan.FromHours(2));
        Assert.Equal(Berlin(2026, 3, 30, 9, 0), monday);
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 7, 0, 0, TimeSpan.Zero), monday.ToUniversalTime());
        Assert.Equal(TimeSpan.FromHours(2), office.WorkingTimeBetween(Berlin(2026, 3, 27, 16, 0), monday));
        // Autumn: Friday 23 October 16:00 CEST + 2 h is Monday 26 October 09:00 CET.
        var autumn = office.AddWorkingTime(Berlin(2026, 10, 23, 16, 0), TimeSpan.FromHours(2));
        Assert.Equal(new DateTimeOffset(2026, 10, 26, 8, 0, 0, TimeSpan.Zero), autumn.ToUniversalTime());
    }

    [Fact]
    public void A_calendar_open_around_the_clock_counts_the_real_hours_of_a_clock_change_day()
    {
        var allDay = Read("""
            { "id": "hamburg-24x7", "name": "Hamburg around the clock", "timeZone": "Europe/Berlin",
              "week": { "monday": ["00:00-24:00"], "tuesday": ["00:00-24:00"], "wednesday": ["00:00-24:00"], "thursday": ["00:00-24:00"],
                        "friday": ["00:00-24:00"], "saturday": ["00:00-24:00"], "sunday": ["00:00-24:00"] } }
            """);
        Assert.Equal(TimeSpan.FromHours(47), allDay.WorkingTimeBetween(Berlin(2026, 3, 28, 12, 0), Berlin(2026, 3, 30, 12, 0)));
        Assert.Equal(TimeSpan.FromHours(49), allDay.WorkingTimeBetween(Berlin(2026, 10, 24, 12, 0), Berlin(2026, 10, 26, 12, 0)));
        // Saturday 23:00 CET + 4 h of real time is Sunday 04:00 CEST.
        Assert.Equal(Berlin(2026, 3, 29, 4, 0), allDay.AddWorkingTime(Berlin(2026, 3, 28, 23, 0), TimeSpan.FromHours(4)));
        Assert.Equal(TimeSpan.FromHours(24), allDay.WorkingDayLength);

        var utc = BusinessCalendar.AlwaysOpen;
        var start = new DateTimeOffset(2026, 12, 31, 22, 0, 0, TimeSpan.Zero);
        Assert.Equal(start.AddDays(3).AddHours(5), utc.AddWorkingTime(start, TimeSpan.FromHours(77)));
        Assert.Equal(TimeSpan.FromHours(77), utc.WorkingTimeBetween(start, start.AddHours(77)));
    }

    [Fact]
    public void A_segment_inside_a_clock_change_keeps_its_local_span()
    {
        var sunday = Read("""
            { "id": "sunday-maintenance", "name": "Sunday night maintenance", "timeZone": "Europe/Berlin",
              "week": { "sunday": ["01:00-04:00"] } }
            """);
        // 01:00 CET to 04:00 CEST is two real hours in spring, 01:00 CEST to 04:00 CET four in autumn.
        Assert.Equal(TimeSpan.FromHours(2), sunday.WorkingTimeBetween(Berlin(2026, 3, 29, 0, 0), Berlin(2026, 3, 29, 5, 0)));
        Assert.Equal(TimeSpan.FromHours(4), sunday.WorkingTimeBetween(Berlin(2026, 10, 24, 22, 0), Berlin(2026, 10, 25, 5, 0)));

        // A start in the skipped hour moves forward by the gap: 02:30 does not exist, so the segment begins at 03:30 CEST.
        var gap = Read("""{ "id": "gap", "name": "Gap", "timeZone": "Europe/Berlin", "week": { "sunday": ["02:30-05:00"] } }""");
        Assert.Equal(TimeSpan.FromMinutes(90), gap.WorkingTimeBetween(Berlin(2026, 3, 29, 0, 0), Berlin(2026, 3, 29, 6, 0)));
    }

    [Fact]
    public void A_night_shift_runs_past_midnight_and_belongs_to_the_day_it_starts()
    {
        var nights = Read("""
            { "id": "nights", "name": "Night desk", "timeZone": "UTC",
              "week": { "monday": ["22:00-06:00"], "tuesday": ["22:00-06:00"], "wednesday": ["22:00-06:00"],
                        "thursday": ["22:00-06:00"], "friday": ["22:00-06:00"] },
              "holidays": ["2026-12-09"] }
            """);
        var monday = new DateTimeOffset(2026, 12, 7, 23, 0, 0, TimeSpan.Zero);
        Assert.Equal(monday.AddHours(3), nights.AddWorkingTime(monday, TimeSpan.FromHours(3)));
        // Tuesday 04:00 + 4 h: 2 h until 06:00, then 2 h from Tuesday 22:00.
        Assert.Equal(new DateTimeOffset(2026, 12, 9, 0, 0, 0, TimeSpan.Zero), nights.AddWorkingTime(monday.AddHours(5), TimeSpan.FromHours(4)));
        // Wednesday 9 December is a holiday: its night shift is dropped, Tuesday's still ends at 06:00 on Wednesday.
        Assert.Equal(TimeSpan.FromHours(8), nights.WorkingTimeBetween(new DateTimeOffset(2026, 12, 8, 20, 0, 0, TimeSpan.Zero),
            new DateTimeOffset(2026, 12, 10, 21, 0, 0, TimeSpan.Zero)));
        Assert.True(nights.IsWorkingTime(new DateTimeOffset(2026, 12, 8, 3, 0, 0, TimeSpan.Zero)));
        Assert.False(nights.IsWorkingTime(new DateTimeOffset(2026, 12, 9, 23, 0, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void A_calendar_written_wrongly_is_refused_with_each_problem_at_its_path()
    {
        var (calendar, errors) = BusinessCalendarReader.Read(JsonNode.Parse("""
            { "id": "Bad Id", "timeZone": "Mars/Olympus", "week": { "monday": ["08:00-12:00", "11:00-13:00", "9 to 5"], "funday": [] },
              "holidays": ["25.12.2026"] }
            """)!.AsObject());
        Assert.Null(calendar);
        Assert.Equal(["holidays[0]", "id", "name", "timeZone", "week.funday", "week.monday", "week.monday[2]"],
            errors.Select(e => e.Path).Order(StringComparer.Ordinal));
        Assert.Contains(errors, e => e.Path == "week.monday" && e.Message.Contains("overlap", StringComparison.Ordinal));

        var (_, empty) = BusinessCalendarReader.Read(JsonNode.Parse("""{ "id": "none", "name": "None", "timeZone": "UTC", "week": { "monday": [] } }""")!.AsObject());
        Assert.Equal("week", Assert.Single(empty).Path);
    }

    [Fact]
    public void A_calendar_reads_back_as_it_was_written()
    {
        var office = Office();
        var again = Read(BusinessCalendarReader.Write(office).ToJsonString());
        Assert.Equal(BusinessCalendarReader.Write(office).ToJsonString(), BusinessCalendarReader.Write(again).ToJsonString());
        Assert.Equal(["08:00-12:00", "13:00-17:00"], again.SegmentsOn(IsoDayOfWeek.Friday).Select(s => s.ToString()));
    }
}
