using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ValueStreams.Core.ServiceLevels;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Records;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.ServiceLevels;

/// <summary>
/// The SLA report: how clocks are counted (met, breached, on track, at risk, paused) by priority, group and service, by
/// hand on made-up readings, and through <c>/api/service-levels/report</c> on real incidents on both stores.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class ServiceLevelReportTests
{
    private static readonly DateTimeOffset Noon = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    private static RecordClock Clock(string name, ClockState state, double hoursUsed, double targetHours = 4) =>
        new(name, "p", "24x7", $"{targetHours} hours", new ClockReading(state, Noon, Noon.AddHours(targetHours), TimeSpan.FromHours(targetHours),
            TimeSpan.FromHours(hoursUsed), TimeSpan.FromHours(Math.Max(0, targetHours - hoursUsed)), TimeSpan.Zero, BusinessCalendar.AlwaysOpen, []));

    [Fact]
    public void Clocks_are_counted_by_how_they_stand_per_priority_group_and_service_with_the_share_met_of_those_decided()
    {
        ReportedRecord[] records =
        [
            new("P1", "service-desk", "SVC-1", [Clock("resolution", ClockState.Met, 2), Clock("response", ClockState.Met, 0.1)]),
            new("P1", "service-desk", "SVC-1", [Clock("resolution", ClockState.Breached, 5), Clock("response", ClockState.Breached, 1)]),
            new("P1", "network", "SVC-2", [Clock("resolution", ClockState.Running, 3.5)]),          // 87.5 % used: at risk
            new("P2", "network", null, [Clock("resolution", ClockState.Running, 2.9)]),              // 72.5 %: on track
            new("P2", null, "SVC-1", [Clock("resolution", ClockState.Running, 3)]),                  // exactly 75 %: at risk
            new(null, null, null, [Clock("resolution", ClockState.Paused, 1), Clock("resolution-not-started", ClockState.NotStarted, 0)]),
            new("P2", "service-desk", "SVC-1", [Clock("resolution", ClockState.Met, 3.9)]),
        ];

        var clocks = ServiceLevelReport.Tally(records, new Dictionary<string, string> { ["SVC-1"] = "Payroll" });

        // A clock that has not started is not counted at all; the others in the order they first appear.
        Assert.Equal(["resolution", "response"], clocks.Select(c => c.Name));
        var resolution = clocks[0];
        Assert.Equal(new ReportTally(2, 1, 1, 2, 1), resolution.Total);
        Assert.Equal(2.0 / 3, resolution.Total.ShareMet!.Value, 6);
        Assert.Equal(7, resolution.Total.Total);

        Assert.Equal(["P1", "P2", "No priority"], resolution.ByPriority.Select(l => l.Label));
        Assert.Equal(new ReportTally(1, 1, 0, 1, 0), resolution.ByPriority[0].Tally);
        Assert.Equal(new ReportTally(1, 0, 1, 1, 0), resolution.ByPriority[1].Tally);
        Assert.Equal(new ReportTally(0, 0, 0, 0, 1), resolution.ByPriority[2].Tally);
        Assert.Null(resolution.ByPriority[2].Key);
        Assert.Null(resolution.ByPriority[2].Tally.ShareMet);

        Assert.Equal(["network", "service-desk", "No group"], resolution.ByGroup.Select(l => l.Label));
        Assert.Equal([2, 3, 2], resolution.ByGroup.Select(l => l.Tally.Total));
        // Services are named by their titles where known, else by the value the record keeps.
        Assert.Equal(["Payroll", "SVC-2", "No service"], resolution.ByService.Select(l => l.Label));
        Assert.Equal(["SVC-1", "SVC-2", null], resolution.ByService.Select(l => l.Key));
        Assert.Equal(new ReportTally(2, 1, 0, 1, 0), resolution.ByService[0].Tally);

        Assert.Equal(new ReportTally(1, 1, 0, 0, 0), clocks[1].Total);
        Assert.Equal(0.5, clocks[1].Total.ShareMet);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_report_counts_each_incident_s_clock_as_it_stands_by_priority_group_and_service_and_refuses_what_it_cannot_read(
        StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var admin = await host.ClientForAsync("admin");
        var agent = await host.ClientForAsync("agent");

        // One resolution clock on round-the-clock time: a P1 must be resolved within a second, anything else within 4 hours.
        var stored = await admin.GetAsync("/api/service-levels/policies/incident");
        var policy = (await stored.Content.ReadFromJsonAsync<JsonObject>())!["definition"]!.AsObject();
        policy["clocks"] = JsonNode.Parse("""
            [ { "name": "resolution", "pauseIn": ["on-hold"], "stopIn": ["resolved", "closed"],
                "targets": { "P1": { "within": "PT1S", "calendar": "24x7" }, "P2": { "within": "4 hours", "calendar": "24x7" },
                             "P3": { "within": "4 hours", "calendar": "24x7" }, "P4": { "within": "4 hours", "calendar": "24x7" } } } ]
            """);
        using (var put = new HttpRequestMessage(HttpMethod.Put, "/api/service-levels/policies/incident") { Content = JsonContent.Create(policy) })
        {
            put.Headers.TryAddWithoutValidation("If-Match", stored.Headers.ETag!.Tag);
            Assert.Equal(HttpStatusCode.OK, (await admin.SendAsync(put)).StatusCode);
        }

        var payroll = await RecordApi.ServiceAsync(admin, "Payroll");
        await RecordApi.CreateAsync(admin, "incidents",
            new { title = "Payroll run stopped", impact = "high", urgency = "high", assignmentGroup = "service-desk", service = payroll });
        var met = await RecordApi.CreateAsync(admin, "incidents",
            new { title = "Payslip shows the wrong month", impact = "high", urgency = "medium", assignmentGroup = "service-desk", service = payroll });
        await RecordApi.CreateAsync(admin, "incidents", new { title = "Switch fan loud", impact = "high", urgency = "medium", assignmentGroup = "network" });
        var held = await RecordApi.CreateAsync(admin, "incidents", new { title = "Monitor flickers", impact = "medium", urgency = "medium" });
        await ChangeAsync(admin, met, new { state = "resolved", resolutionCode = "fixed" });
        await ChangeAsync(admin, held, new { state = "on-hold", onHoldReason = "Waiting for a new cable" });

        // The P1's second has run out by the time the report reads it: it stayed new.
        await Task.Delay(TimeSpan.FromSeconds(1.5));

        var report = await admin.GetFromJsonAsync<JsonElement>("/api/service-levels/report?kind=incident");
        Assert.Equal("incident", report.GetProperty("kind").GetString());
        Assert.Equal(4, report.GetProperty("records").GetInt32());
        Assert.False(report.GetProperty("capped").GetBoolean());
        var resolution = report.GetProperty("clocks").EnumerateArray().Single();
        Assert.Equal("resolution", resolution.GetProperty("name").GetString());
        Assert.Equal((1, 1, 1, 0, 1), Tally(resolution.GetProperty("total")));
        Assert.Equal(0.5, resolution.GetProperty("total").GetProperty("shareMet").GetDouble());

        Assert.Equal(
            [("P1", (0, 1, 0, 0, 0)), ("P2", (1, 0, 1, 0, 0)), ("P3", (0, 0, 0, 0, 1))],
            Lines(resolution.GetProperty("byPriority")));
        Assert.Equal(
            [("network", (0, 0, 1, 0, 0)), ("service-desk", (1, 1, 0, 0, 0)), ("No group", (0, 0, 0, 0, 1))],
            Lines(resolution.GetProperty("byGroup")));
        Assert.Equal([("Payroll", (1, 1, 0, 0, 0)), ("No service", (0, 0, 1, 0, 1))], Lines(resolution.GetProperty("byService")));
        Assert.Equal(["response", "resolution"], report.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("name").GetString()));

        // A window before any of them counts none; what cannot be read is refused by name, and only process owners read it.
        var before = await admin.GetFromJsonAsync<JsonElement>("/api/service-levels/report?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z");
        Assert.Equal(0, before.GetProperty("records").GetInt32());
        Assert.Empty(before.GetProperty("clocks").EnumerateArray());
        var wrong = await admin.GetAsync("/api/service-levels/report?kind=spaceship&from=yesterday");
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(["from", "kind"], RecordApi.Errors(await wrong.Content.ReadFromJsonAsync<JsonElement>()).Keys.Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/service-levels/report")).StatusCode);
    }

    private static async Task ChangeAsync(HttpClient client, string number, object change)
    {
        var current = await client.GetAsync($"/api/incidents/{number}");
        var response = await RecordApi.PatchAsync(client, "incidents", number, current.Headers.ETag!.ToString(), change);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
    }

    private static (int, int, int, int, int) Tally(JsonElement t) =>
        (t.GetProperty("met").GetInt32(), t.GetProperty("breached").GetInt32(), t.GetProperty("onTrack").GetInt32(), t.GetProperty("atRisk").GetInt32(),
            t.GetProperty("paused").GetInt32());

    private static List<(string?, (int, int, int, int, int))> Lines(JsonElement lines) =>
        lines.EnumerateArray().Select(l => (l.GetProperty("label").GetString(), Tally(l.GetProperty("tally")))).ToList();
}
