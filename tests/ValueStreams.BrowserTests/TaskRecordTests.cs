using System.Net.Http.Json;
using System.Text.Json;

namespace ValueStreams.BrowserTests;

/// <summary>A task page lists the records its instance works on, and a record field of its form picks a record by number or title.</summary>
public sealed class TaskRecordTests(HostProcess host) : InboxBrowserTest(host)
{
    private const string StreamId = "browser-related-incident";

    /// <summary>start (input: incident) → look the incident up → "Name the related incident" (service desk; a record field) → value → end.</summary>
    private const string Stream = $$"""
        {
          "id": "{{StreamId}}",
          "name": "Related incident",
          "roles": [ { "id": "desk", "name": "Service desk agent", "group": "service-desk" } ],
          "steps": [
            { "id": "start", "type": "start", "name": "Started", "roles": ["desk"], "trigger": "manual", "position": { "x": 0, "y": 0 } },
            { "id": "look-up", "type": "lookup-record", "name": "Read the incident", "valueChainActivities": ["engage"], "roles": ["desk"], "recordType": "incident",
              "filters": [ { "field": "number", "expression": "vars.incident" } ], "resultVariable": "incidentRecord", "position": { "x": 200, "y": 0 } },
            { "id": "relate", "type": "human-task", "name": "Name the related incident", "valueChainActivities": ["engage"],
              "practices": ["service-desk"], "roles": ["desk"], "title": "Name the related incident", "group": "service-desk",
              "form": [ { "name": "related", "label": "Related incident", "type": "record", "recordType": "incident", "required": true } ],
              "outcomes": [ { "id": "done", "label": "Related" } ], "position": { "x": 400, "y": 0 } },
            { "id": "value", "type": "milestone", "name": "Incidents related", "roles": ["desk"], "value": "The incidents are related.", "position": { "x": 600, "y": 0 } },
            { "id": "end", "type": "end", "name": "End", "position": { "x": 800, "y": 0 } }
          ],
          "connections": [
            { "from": "start", "port": "done", "to": "look-up" },
            { "from": "look-up", "port": "found", "to": "relate" },
            { "from": "look-up", "port": "not-found", "to": "relate" },
            { "from": "relate", "port": "done", "to": "value" },
            { "from": "value", "port": "done", "to": "end" }
          ]
        }
        """;

    [Fact]
    public async Task The_task_page_lists_the_instance_records_and_a_record_field_finds_an_incident_by_its_title()
    {
        var token = Guid.NewGuid().ToString("N")[..8];
        var title = $"Scanner gun {token} will not pair";
        using var agentApi = await ApiAsync("agent");
        using var created = await agentApi.PostAsJsonAsync("api/incidents", new { title, impact = "medium", urgency = "medium" });
        Assert.True(created.IsSuccessStatusCode, $"creating the incident answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        using var incident = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var number = incident.RootElement.GetProperty("number").GetString()!;
        var resolution = Assert.Single(incident.RootElement.GetProperty("instances").EnumerateArray()).GetProperty("id").GetString();
        using (var tasks = await GetJsonAsync(agentApi, $"api/tasks?scope=group&instance={resolution}"))
        {
            // Incident resolution's first task: its Records panel shows the incident that started it, linked to its page.
            await OpenTaskAsync("agent", Assert.Single(tasks.RootElement.EnumerateArray()).GetProperty("id").GetString()!);
        }
        var row = Page.Locator($"[data-testid=task-record][data-number='{number}']");
        await Expect(row).ToContainTextAsync(title);
        await Expect(row).ToContainTextAsync("Started this value stream");
        await Expect(row.Locator("a")).ToHaveAttributeAsync("href", $"/records/incidents/{number}");

        // A stream whose task has a record field; its instance read the incident, so the task's Records panel shows it too.
        await ImportAsOwnerAsync(Stream);
        using var started = await agentApi.PostAsJsonAsync($"api/value-streams/{StreamId}/instances", new { input = new { incident = number } });
        Assert.True(started.IsSuccessStatusCode, $"start answered {(int)started.StatusCode}: {await started.Content.ReadAsStringAsync()}");
        var instanceId = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        using var relateTasks = await GetJsonAsync(agentApi, $"api/tasks?scope=group&instance={instanceId}");
        var taskId = Assert.Single(relateTasks.RootElement.EnumerateArray()).GetProperty("id").GetString()!;

        await Page.SetViewportSizeAsync(1400, 900);
        await Page.GotoAsync(new Uri(Host.BaseAddress, $"/tasks/{taskId}").ToString());
        await WaitForInteractiveAsync("task-page");
        await Expect(Page.Locator($"[data-testid=task-record][data-number='{number}']")).ToContainTextAsync("Read by this value stream");
        await ClaimAsync();

        // Typing part of the title offers the incident as "number · title"; choosing it fills the field with it.
        var input = Page.Locator("#field-related");
        await input.FillAsync(token);
        var offered = Page.Locator(".mud-popover-open .mud-list-item", new() { HasText = number });
        await Expect(offered).ToHaveCountAsync(1);
        await Expect(offered).ToContainTextAsync($"{number} · {title}");
        await offered.ClickAsync();
        await Expect(input).ToHaveValueAsync($"{number} · {title}");
        await AssertNoBlockingViolationsAsync("a task page with its records and a record picker");
        await WholePageScreenshotAsync("task-records.png");

        // Completing keeps the record's number as the field's value.
        await Page.Locator("[data-outcome=done]").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/inbox$"));
        using var completed = await GetJsonAsync(agentApi, $"api/tasks/{taskId}");
        Assert.Equal("completed", completed.RootElement.GetProperty("status").GetString());
        Assert.Equal(number, completed.RootElement.GetProperty("data").GetProperty("related").GetString());
    }

    [Fact]
    public async Task A_record_number_typed_into_a_record_field_is_kept_as_typed()
    {
        using var agentApi = await ApiAsync("agent");
        using var created = await agentApi.PostAsJsonAsync("api/incidents", new { title = "Badge reader at gate 3 beeps", impact = "low", urgency = "low" });
        Assert.True(created.IsSuccessStatusCode, $"creating the incident answered {(int)created.StatusCode}");
        var number = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("number").GetString()!;
        await ImportAsOwnerAsync(Stream);
        using var started = await agentApi.PostAsJsonAsync($"api/value-streams/{StreamId}/instances", new { input = new { incident = "none" } });
        Assert.True(started.IsSuccessStatusCode, $"start answered {(int)started.StatusCode}");
        var instanceId = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString();
        using var tasks = await GetJsonAsync(agentApi, $"api/tasks?scope=group&instance={instanceId}");
        var taskId = Assert.Single(tasks.RootElement.EnumerateArray()).GetProperty("id").GetString()!;

        await OpenTaskAsync("agent", taskId);
        // The instance found no record: no Records panel.
        await Expect(Page.Locator("[data-testid=task-records]")).ToHaveCountAsync(0);
        await ClaimAsync();
        var input = Page.Locator("#field-related");
        await input.FillAsync(number);
        await input.PressAsync("Tab");
        await Page.Locator("[data-outcome=done]").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/inbox$"));
        using var completed = await GetJsonAsync(agentApi, $"api/tasks/{taskId}");
        Assert.Equal(number, completed.RootElement.GetProperty("data").GetProperty("related").GetString());
    }
}
