using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace ValueStreams.BrowserTests;

/// <summary>A process owner opens a stream's analytics from the value streams list and sees its flow as charts and tables.</summary>
public sealed class StreamAnalyticsTests(HostProcess host) : InboxBrowserTest(host)
{
    private const string StreamId = "browser-analytics-desk";

    /// <summary>A code with no break in it, as names sometimes carry: it wraps instead of widening the page.</summary>
    private const string WideCode = "DESK_REQUESTS_MEASURED_FROM_THE_SERVICE_DESK_QUEUE_OF_THE_WAREHOUSE_SITE";

    /// <summary>start → log (service desk, with targets) → check (pass, or redo: back to log) → value → end; tagged as the book's A.1.1.</summary>
    private const string Stream = $$"""
        {
          "id": "{{StreamId}}",
          "name": "Desk requests measured ({{WideCode}})",
          "source": "ITIL 4 Foundation, Appendix A.1.1",
          "roles": [
            { "id": "requester", "name": "Requester" },
            { "id": "desk", "name": "Service desk agent", "group": "service-desk" }
          ],
          "steps": [
            { "id": "start", "type": "start", "name": "Request reported", "roles": ["requester"], "trigger": "manual", "position": { "x": 0, "y": 0 } },
            { "id": "log", "type": "human-task", "name": "Log the request", "valueChainActivities": ["engage"],
              "practices": ["service-desk", "incident-management"], "roles": ["desk"], "title": "Log the request", "group": "service-desk",
              "outcomes": [ { "id": "done", "label": "Logged" } ],
              "sla": { "respondWithin": "PT1H", "resolveWithin": "PT8H" },
              "position": { "x": 200, "y": 0 } },
            { "id": "check", "type": "human-task", "name": "Check the fix", "valueChainActivities": ["deliver-and-support"],
              "practices": ["incident-management"], "roles": ["desk"], "title": "Check the fix", "group": "service-desk",
              "outcomes": [ { "id": "pass", "label": "Works" }, { "id": "redo", "label": "Log again" } ],
              "position": { "x": 400, "y": 0 } },
            { "id": "value", "type": "milestone", "name": "Working again", "roles": ["requester"], "value": "The requester works again.", "position": { "x": 600, "y": 0 } },
            { "id": "end", "type": "end", "name": "End", "position": { "x": 800, "y": 0 } }
          ],
          "connections": [
            { "from": "start", "port": "done", "to": "log" },
            { "from": "log", "port": "done", "to": "check" },
            { "from": "check", "port": "pass", "to": "value" },
            { "from": "check", "port": "redo", "to": "log" },
            { "from": "value", "port": "done", "to": "end" }
          ]
        }
        """;

    [Fact]
    public async Task A_process_owner_sees_throughput_lead_time_bottlenecks_heat_variants_and_service_levels()
    {
        await ImportAsOwnerAsync(Stream);
        using var agentApi = await ApiAsync("agent");
        // Three requests go through (one is sent back once); a fourth waits to be logged.
        foreach (var outcomes in new[] { new[] { "pass" }, new[] { "redo", "pass" }, new[] { "pass" } })
        {
            var instance = await StartAsync(agentApi);
            foreach (var outcome in outcomes)
            {
                await WorkAsync(agentApi, instance, "log", "done");
                await WorkAsync(agentApi, instance, "check", outcome);
            }
        }
        await StartAsync(agentApi);

        await Page.SetViewportSizeAsync(1400, 900);
        await SignInAsync("owner", path: "/value-streams");
        await Page.Locator($"[data-testid=analytics-{StreamId}]").ClickAsync();
        await WaitForInteractiveAsync("stream-analytics");
        await Expect(Page.Locator("#analytics-title")).ToContainTextAsync("Desk requests measured");

        await Expect(Page.Locator("[data-testid=kpi-started]")).ToContainTextAsync("4");
        await Expect(Page.Locator("[data-testid=kpi-completed]")).ToContainTextAsync("3");
        await Expect(Page.Locator("[data-testid=kpi-in-progress]")).ToContainTextAsync("1");
        await Expect(Page.Locator("[data-testid=kpi-conformance]")).ToContainTextAsync("100");
        await Expect(Page.Locator("[data-testid=chart-throughput] svg").First).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-testid=chart-lead-time] svg").First).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-testid=chart-bottlenecks] svg").First).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-testid=chart-sla] svg").First).ToBeVisibleAsync();
        // Two paths: straight through (twice) and round again once.
        await Expect(Page.Locator("[data-testid=analytics-variants] tbody tr")).ToHaveCountAsync(2);
        await Expect(Page.Locator("[data-testid=analytics-variants] tbody tr").First).ToContainTextAsync("Request reported → Log the request → Check the fix → Working again → End");
        // The book's heat stands beside the measured level: the stream says it is A.1.1.
        await Expect(Page.Locator("[data-testid=heat-activities-engage]")).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-testid=heat-practices-incident-management]")).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-testid=heat-activities] th", new() { HasText = "Book" })).ToBeVisibleAsync();
        // Log: 5 visits (one each, twice for the sent-back one, and the waiting one), 1 rework.
        await Expect(Page.Locator("[data-testid=analytics-steps] tr", new() { HasText = "Log the request" })).ToContainTextAsync("5");
        await Expect(Page.Locator("[data-testid=analytics-sla] tbody tr")).ToHaveCountAsync(1);
        await Expect(Page.Locator("[data-testid=analytics-sla] tbody tr").First).ToContainTextAsync("4 of 5");

        // The event log links download with the page's own sign-in.
        var xes = await Page.Context.APIRequest.GetAsync(await Page.Locator("[data-testid=analytics-xes]").GetAttributeAsync("href") ?? "");
        Assert.Equal(200, xes.Status);
        Assert.Contains("<trace>", await xes.TextAsync());
        var csv = await Page.Context.APIRequest.GetAsync(await Page.Locator("[data-testid=analytics-csv]").GetAttributeAsync("href") ?? "");
        Assert.StartsWith("case_id,version,activity", await csv.TextAsync());

        await AssertNoSidewaysScrollAsync("stream analytics page");
        await WholePageScreenshotAsync("analytics-fixture.png");
        await AssertNoBlockingViolationsAsync("the stream analytics page");

        // Agents may not open it.
        await AsAnotherUserAsync("agent", $"/value-streams/{StreamId}/analytics", async page =>
        {
            await Assertions.Expect(page.Locator("#access-denied-title")).ToBeVisibleAsync();
            await Assertions.Expect(page.Locator("[data-testid=stream-analytics]")).ToHaveCountAsync(0);
        });
    }

    private static async Task<string> StartAsync(HttpClient api)
    {
        using var started = await api.PostAsJsonAsync($"api/value-streams/{StreamId}/instances", new { });
        Assert.True(started.IsSuccessStatusCode, $"start answered {(int)started.StatusCode}: {await started.Content.ReadAsStringAsync()}");
        return JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }

    private static async Task WorkAsync(HttpClient api, string instance, string step, string outcome)
    {
        using var tasks = await GetJsonAsync(api, $"api/tasks?scope=group&instance={instance}");
        var task = tasks.RootElement.EnumerateArray().Single(t => t.GetProperty("stepId").GetString() == step).GetProperty("id").GetString();
        using var claimed = await api.PostAsync($"api/tasks/{task}/claim", null);
        Assert.True(claimed.IsSuccessStatusCode, $"claim answered {(int)claimed.StatusCode}");
        using var completed = await api.PostAsJsonAsync($"api/tasks/{task}/complete", new { outcome, data = new { } });
        Assert.True(completed.IsSuccessStatusCode, $"complete answered {(int)completed.StatusCode}: {await completed.Content.ReadAsStringAsync()}");
    }
}
