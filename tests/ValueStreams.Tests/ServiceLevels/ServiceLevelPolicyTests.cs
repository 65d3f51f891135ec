using System.Text.Json.Nodes;
using ValueStreams.Core.ServiceLevels;

namespace ValueStreams.Tests.ServiceLevels;

/// <summary>Service level policies as admins write them, and the ones the product ships.</summary>
public sealed class ServiceLevelPolicyTests
{
    [Theory]
    [InlineData("4 hours", 240, 0)]
    [InlineData("1 hour", 60, 0)]
    [InlineData("30 minutes", 30, 0)]
    [InlineData("3 working days", 0, 3)]
    [InlineData("1 Working Day", 0, 1)]
    [InlineData("PT1H30M", 90, 0)]
    public void Targets_are_read_as_people_write_them(string text, int minutes, int workingDays)
    {
        var within = Within.Parse(text)!;
        Assert.Equal((TimeSpan.FromMinutes(minutes), workingDays), (within.Time, within.WorkingDays));
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("3 days")]
    [InlineData("-4 hours")]
    [InlineData("999 working days")]
    [InlineData("PT0S")]
    public void Targets_that_say_nothing_clear_are_refused(string text) => Assert.Null(Within.Parse(text));

    [Fact]
    public void Working_days_are_days_of_the_clock_s_calendar()
    {
        var office = ServiceLevelCatalogue.Calendars["office-hours"];
        Assert.Equal(TimeSpan.FromHours(24), Within.Parse("3 working days")!.On(office));
        Assert.Equal(TimeSpan.FromHours(72), Within.Parse("3 working days")!.On(BusinessCalendar.AlwaysOpen));
    }

    [Fact]
    public void The_shipped_incident_policy_follows_incident_resolution_s_targets()
    {
        var incident = ServiceLevelCatalogue.Policy("incident")!;
        var resolution = incident.Clocks.Single(c => c.Name == "resolution");
        Assert.Equal(["4 hours on 24x7", "8 hours on 24x7", "3 working days on office-hours", "5 working days on office-hours"],
            new[] { "P1", "P2", "P3", "P4" }.Select(p => resolution.TargetFor(p)!).Select(t => $"{t.Within.Text} on {t.Calendar}"));
        Assert.Contains("on-hold", resolution.PauseIn);
        Assert.Null(resolution.TargetFor("P9"));
    }

    [Fact]
    public void A_policy_written_wrongly_is_refused_with_each_problem_at_its_path()
    {
        var (policy, errors) = ServiceLevelPolicy.Read(JsonNode.Parse("""
            { "id": "bad", "recordKind": "incident",
              "clocks": [ { "name": "resolution", "targets": { "P1": { "within": "soon", "calendar": "24x7" }, "P2": { "within": "4 hours", "calendar": "mars" } } },
                          { "name": "response", "targets": {} } ] }
            """)!.AsObject(), ["24x7"]);
        Assert.Null(policy);
        Assert.Equal(["clocks[0].targets.P1.within", "clocks[0].targets.P2.calendar", "clocks[1].targets", "name"],
            errors.Select(e => e.Path).Order(StringComparer.Ordinal));
    }
}
