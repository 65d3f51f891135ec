using System.Net.Http.Json;
using System.Text.Json;

namespace ValueStreams.BrowserTests;

/// <summary>A task that misses its response target is escalated by the scheduler, and the inbox and task page say so.</summary>
public sealed class ServiceLevelTests(HostProcess host) : InboxBrowserTest(host)
{
    private const string StreamId = "browser-sla-escalation";

    /// <summary>start → "Call the user back" (service desk; respond within a second, else the desk managers hear of it) → value → end.</summary>
    private const string Stream = $$"""
        {
          "id": "{{StreamId}}",
          "name": "Call-back with a one-second response target",
          "roles": [
            { "id": "requester", "name": "Requester" },
            { "id": "desk", "name": "Service desk agent", "group": "service-desk" }
          ],
          "steps": [
            { "id": "start", "type": "start", "name": "Call logged", "roles": ["requester"], "trigger": "manual", "position": { "x": 0, "y": 0 } },
            { "id": "call-back", "type": "human-task", "name": "Call the user back", "valueChainActivities": ["engage"],
              "practices": ["service-desk"], "roles": ["desk"], "title": "Call the user back", "group": "service-desk",
              "outcomes": [ { "id": "done", "label": "Called back" } ],
              "sla": { "respondWithin": "PT1S", "resolveWithin": "PT1H", "escalateTo": "service-desk-managers" },
              "position": { "x": 200, "y": 0 } },
            { "id": "value", "type": "milestone", "name": "User called back", "roles": ["requester"], "value": "The user was called back.", "position": { "x": 400, "y": 0 } },
            { "id": "end", "type": "end", "name": "End", "position": { "x": 600, "y": 0 } }
          ],
          "connections": [
            { "from": "start", "port": "done", "to": "call-back" },
            { "from": "call-back", "port": "done", "to": "value" },
            { "from": "value", "port": "done", "to": "end" }
          ]
        }
        """;

    [Fact]
    public async Task A_task_left_unclaimed_past_its_response_target_shows_as_escalated_in_the_inbox_and_on_its_page()
    {
        await ImportAsOwnerAsync(Stream);
        using var agentApi = await ApiAsync("agent");
        using var started = await agentApi.PostAsJsonAsync($"api/value-streams/{StreamId}/instances", new { });
        Assert.True(started.IsSuccessStatusCode, $"start answered {(int)started.StatusCode}");
        var instanceId = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        using var tasks = await GetJsonAsync(agentApi, $"api/tasks?scope=group&instance={instanceId}");
        var taskId = Assert.Single(tasks.RootElement.EnumerateArray()).GetProperty("id").GetString()!;

        // The scheduler's check runs when the target falls due; wait for it through the API.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            using var task = await GetJsonAsync(agentApi, $"api/tasks/{taskId}");
            if (task.RootElement.GetProperty("responseMissedAt").ValueKind != JsonValueKind.Null)
                break;
            Assert.True(DateTime.UtcNow < deadline, "the response target's check did not run within 30 s");
            await Task.Delay(250);
        }

        await SignInAsync("agent", path: "/inbox");
        await WaitForInteractiveAsync("inbox");
        var row = Page.Locator("tr", new() { Has = TaskLink(taskId) });
        await Expect(row.Locator("[data-testid=inbox-missed]")).ToHaveTextAsync("Escalated: response target missed");

        await TaskLink(taskId).ClickAsync();
        await WaitForInteractiveAsync("task-page");
        await Expect(Page.Locator("[data-testid=task-missed]")).ToHaveTextAsync("Escalated: response target missed");
        await Expect(Page.Locator("[data-testid=task-history]")).ToContainTextAsync("response target missed; priority now 3");
        await AssertNoBlockingViolationsAsync("the page of an escalated task");
        await WholePageScreenshotAsync("task-escalated.png");
    }
}
