using ValueStreams.Host.Features.Analytics;

namespace ValueStreams.Tests.Analytics;

/// <summary>How the event log writes what people typed (step names, outcomes, user names) into CSV cells and XES times.</summary>
public sealed class EventLogWriterTests
{
    [Theory]
    [InlineData("Log the request", "Log the request")]
    [InlineData("Check, then close", "\"Check, then close\"")]
    [InlineData("Say \"done\"", "\"Say \"\"done\"\"\"")]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1 day", "'+1 day")]
    [InlineData("@agent", "'@agent")]
    [InlineData("", "")]
    [InlineData(null, "")]
    public void A_csv_cell_is_quoted_where_needed_and_a_leading_formula_sign_is_defused(string? value, string expected) =>
        Assert.Equal(expected, EventLogWriter.Cell(value));

    [Fact]
    public void Times_are_written_in_utc_with_milliseconds_as_xs_datetime()
    {
        var at = new DateTimeOffset(2026, 12, 7, 5, 30, 15, 250, TimeSpan.FromHours(2));
        Assert.Equal("2026-12-07T03:30:15.250+00:00", EventLogWriter.Timestamp(at));
    }

    [Theory]
    [InlineData("step-entered", "start")]
    [InlineData("step-completed", "complete")]
    [InlineData("step-faulted", "ate_abort")]
    public void Journal_events_map_to_xes_lifecycle_transitions(string journalEvent, string transition) =>
        Assert.Equal(transition, EventLogWriter.Transition(journalEvent));
}
