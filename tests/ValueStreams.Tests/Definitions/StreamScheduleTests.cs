using ValueStreams.Core.Definitions.Schedules;

namespace ValueStreams.Tests.Definitions;

public sealed class StreamScheduleTests
{
    [Fact]
    public void A_monthly_schedule_is_read_in_its_time_zone_in_summer_and_winter_alike()
    {
        var (schedule, cronError, zoneError) = StreamSchedule.Read("0 9 1 * *", "Europe/Berlin");
        Assert.Null(cronError);
        Assert.Null(zoneError);
        // 09:00 in Berlin: 07:00 UTC under summer time, 08:00 UTC under winter time.
        Assert.Equal(DateTimeOffset.Parse("2026-07-01T07:00:00Z"), schedule!.Next(DateTimeOffset.Parse("2026-06-15T12:00:00Z")));
        Assert.Equal(DateTimeOffset.Parse("2026-12-01T08:00:00Z"), schedule.Next(DateTimeOffset.Parse("2026-11-15T12:00:00Z")));
        // The moment itself is not "after" it: the next is a month on.
        Assert.Equal(DateTimeOffset.Parse("2027-01-01T08:00:00Z"), schedule.Next(DateTimeOffset.Parse("2026-12-01T08:00:00Z")));
    }

    [Fact]
    public void Seconds_are_read_when_six_fields_are_given_and_utc_is_the_default()
    {
        var schedule = StreamSchedule.Read("*/2 * * * * *", null).Schedule!;
        Assert.Equal("UTC", schedule.TimeZone);
        Assert.Equal(DateTimeOffset.Parse("2026-12-07T10:00:02Z"), schedule.Next(DateTimeOffset.Parse("2026-12-07T10:00:00.5Z")));
    }

    [Theory]
    [InlineData("every monday", null, true, false)]
    [InlineData("0 9 * *", null, true, false)]
    [InlineData("0 9 1 * *", "Mars/Olympus", false, true)]
    [InlineData("", "Nowhere", true, true)]
    public void What_is_not_a_schedule_says_which_part_is_wrong(string cron, string? zone, bool cronWrong, bool zoneWrong)
    {
        var (schedule, cronError, zoneError) = StreamSchedule.Read(cron, zone);
        Assert.Null(schedule);
        Assert.Equal(cronWrong, cronError is not null);
        Assert.Equal(zoneWrong, zoneError is not null);
    }
}
