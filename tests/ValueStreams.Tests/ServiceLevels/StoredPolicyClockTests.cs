using System.Text.Json.Nodes;
using NodaTime;
using ValueStreams.Core.ServiceLevels;
using ValueStreams.Data.Runtime;
using ValueStreams.Designer.Inbox;

namespace ValueStreams.Tests.ServiceLevels;

/// <summary>
/// What policies as admins write them do to clocks, on fixed instants: a back-dated start from a record's field, start
/// and reset states, the policy a record falls under by its conditions, task due times across a clock change, and a
/// task's time left read in working time.
/// </summary>
public sealed class StoredPolicyClockTests
{
    private static readonly BusinessCalendar Office = ServiceLevelClockTests.Office;

    private static readonly Dictionary<string, BusinessCalendar> Calendars = new() { ["office"] = Office, ["24x7"] = BusinessCalendar.AlwaysOpen };

    private static DateTimeOffset Berlin(int month, int day, int hour, int minute = 0) =>
        new LocalDateTime(2026, month, day, hour, minute).InZoneStrictly(DateTimeZoneProviders.Tzdb["Europe/Berlin"]).ToDateTimeOffset();

    private static ServiceLevelPolicy Policy(string json)
    {
        var (policy, errors) = ServiceLevelPolicy.Read(JsonNode.Parse(json)!.AsObject(), Calendars.Keys, ["incident", "request", ServiceLevelPolicy.HumanTasks]);
        Assert.Empty(errors);
        return policy!;
    }

    private static RecordFieldChange Set(DateTimeOffset at, string field, string? value, string? old = null) => new(at, field, old, value);

    [Fact]
    public void A_policy_that_starts_from_when_the_work_was_reported_counts_the_working_time_before_logging()
    {
        var policy = Policy("""
            { "id": "reported", "name": "From the report", "recordKind": "incident", "calendar": "office", "startFrom": "reportedAt",
              "clocks": [ { "name": "resolution", "stopIn": ["closed"], "targets": { "*": { "within": "4 hours" } } } ] }
            """);
        var logged = Berlin(12, 7, 11);
        RecordFieldChange[] history = [Set(logged, "state", "new"), Set(logged, "priority", "P3"), Set(logged, "reportedAt", "2026-12-07T08:00:00Z")];

        var clock = Assert.Single(RecordClocks.Read(policy, Calendars, history, Berlin(12, 7, 11)));

        // Reported at 09:00 in Berlin: two working hours gone at logging, due at 14:00 after lunch.
        Assert.Equal(Berlin(12, 7, 9), clock.Reading.StartedAt);
        Assert.Equal(TimeSpan.FromHours(2), clock.Reading.Elapsed);
        Assert.Equal(Berlin(12, 7, 14), clock.Reading.DueAt);
        Assert.StartsWith("logged, reported 2026-12-07 08:00 UTC", clock.Reading.Timeline[0].Cause);
    }

    [Fact]
    public void A_clock_with_start_states_waits_for_them_and_a_reset_state_counts_again_from_zero()
    {
        var policy = Policy("""
            { "id": "fix", "name": "Fix", "recordKind": "incident", "calendar": "office",
              "clocks": [ { "name": "fix", "startIn": ["in-progress"], "stopIn": ["closed"], "resetIn": ["new"],
                            "targets": { "*": { "within": "8 hours" } } } ] }
            """);
        RecordFieldChange[] history =
        [
            Set(Berlin(12, 7, 8), "state", "new"),
            Set(Berlin(12, 7, 10), "state", "in-progress", "new"),
            Set(Berlin(12, 7, 15), "state", "new", "in-progress"),
            Set(Berlin(12, 8, 9), "state", "in-progress", "new"),
        ];

        var clock = Assert.Single(RecordClocks.Read(policy, Calendars, history, Berlin(12, 8, 9)));

        Assert.Equal(["Start", "Reset"], clock.Reading.Timeline.Select(t => t.Event.ToString()));
        Assert.Equal(Berlin(12, 7, 10), clock.Reading.Timeline[0].At);
        // Reset at 15:00 Monday: from then, 2 hours Monday and 1 hour Tuesday morning; 8 hours end Tuesday at 15:00.
        Assert.Equal(TimeSpan.FromHours(3), clock.Reading.Elapsed);
        Assert.Equal(Berlin(12, 8, 15), clock.Reading.DueAt);
    }

    [Fact]
    public void A_record_falls_under_the_narrowest_policy_of_its_kind_whose_conditions_it_meets()
    {
        var general = Policy("""{ "id": "incident", "name": "All", "recordKind": "incident", "calendar": "office", "clocks": [ { "name": "resolution", "targets": { "*": { "within": "8 hours" } } } ] }""");
        var payroll = Policy("""
            { "id": "payroll", "name": "Payroll P1", "recordKind": "incident", "calendar": "24x7",
              "conditions": { "service": ["payroll"], "priority": ["P1"] },
              "clocks": [ { "name": "resolution", "targets": { "*": { "within": "2 hours" } } } ] }
            """);
        var set = new ServiceLevelSet(Calendars.Values, [general, payroll]);

        Assert.Equal("payroll", set.PolicyFor("incident", f => f switch { "service" => "payroll", "priority" => "P1", _ => null })!.Id);
        Assert.Equal("incident", set.PolicyFor("incident", f => f switch { "service" => "payroll", "priority" => "P2", _ => null })!.Id);
        Assert.Null(set.PolicyFor("request", _ => null));
    }

    [Theory]
    // Friday before the spring change (last Sunday of March): 1 hour left that day, 1 hour on Monday in summer time.
    [InlineData(3, 27, 16, 3, 30, 9)]
    // Friday before the autumn change (last Sunday of October): the same, back in winter time.
    [InlineData(10, 23, 16, 10, 26, 9)]
    public void A_task_due_in_working_time_keeps_office_hours_across_both_clock_changes(int month, int day, int hour, int dueMonth, int dueDay, int dueHour)
    {
        var policy = Policy("""
            { "id": "desk", "name": "Desk tasks", "recordKind": "human-task", "calendar": "office",
              "clocks": [ { "name": "resolution", "targets": { "P2": { "within": "2 hours" } } } ] }
            """);
        var set = new ServiceLevelSet([Office], [policy]);

        Assert.Equal(Berlin(dueMonth, dueDay, dueHour), set.DueBy("desk", "resolution", "P2", Berlin(month, day, hour)));
        Assert.Null(set.DueBy("desk", "resolution", "P4", Berlin(month, day, hour)));
    }

    [Fact]
    public void A_task_s_time_left_over_a_weekend_is_working_time_and_keeps_it_on_track()
    {
        // Created Friday 13:00, due Monday 12:00 (8 working hours); read on Sunday evening: 4 working hours left of 8,
        // where the wall clock has 16 hours left of 71 and calls it at risk.
        var created = Berlin(12, 11, 13);
        var due = Office.AddWorkingTime(created, TimeSpan.FromHours(8));
        var sunday = Berlin(12, 13, 20);
        Assert.Equal(Berlin(12, 14, 12), due);

        Assert.Equal("on-track", TaskView.SlaState(created, due, sunday, Office));
        Assert.Equal("at-risk", TaskView.SlaState(created, due, sunday));

        var task = new InboxTask("t", "i", "s", "Stream", "step", "Call back", "service-desk", null, "open", 2, due, created, null, null, null, null,
            "on-track", Calendar: Office);
        Assert.Equal("4h 00m working time left", SlaDisplay.Text(task, sunday));
        Assert.Equal("16h 00m left", SlaDisplay.Text(task with { Calendar = null }, sunday));
    }
}
