
namespace ValueStreams.BrowserTests;

/// <summary>A process owner tries a published stream from the designer with an input of their choosing.</summary>
public sealed class TestRunTests(HostProcess host) : InboxBrowserTest(host)
{
    private const string StreamId = "browser-test-run-input";

    /// <summary>start → decision on vars.priority (P1: urgent, else routine) → a milestone each → end.</summary>
    private const string Stream = $$"""
        {
          "id": "{{StreamId}}",
          "name": "Route by priority",
          "variables": [ { "name": "priority", "type": "string", "default": "P3" } ],
          "roles": [ { "id": "requester", "name": "Requester" } ],
          "steps": [
            { "id": "start", "type": "start", "name": "Request in", "roles": ["requester"], "trigger": "manual", "position": { "x": 0, "y": 0 } },
            { "id": "route", "type": "decision", "name": "Urgent?", "conditions": [ { "port": "urgent", "expression": "vars.priority === 'P1'" } ],
              "defaultPort": "routine", "position": { "x": 200, "y": 0 } },
            { "id": "urgent", "type": "milestone", "name": "Handled as urgent", "roles": ["requester"], "value": "Urgent handling.", "position": { "x": 400, "y": -100 } },
            { "id": "routine", "type": "milestone", "name": "Handled as routine", "roles": ["requester"], "value": "Routine handling.", "position": { "x": 400, "y": 100 } },
            { "id": "end", "type": "end", "name": "End", "position": { "x": 600, "y": 0 } }
          ],
          "connections": [
            { "from": "start", "port": "done", "to": "route" },
            { "from": "route", "port": "urgent", "to": "urgent" },
            { "from": "route", "port": "routine", "to": "routine" },
            { "from": "urgent", "port": "done", "to": "end" },
            { "from": "routine", "port": "done", "to": "end" }
          ]
        }
        """;

    [Fact]
    public async Task A_test_run_starts_with_the_input_typed_and_refuses_input_that_is_not_an_object()
    {
        await ImportAsOwnerAsync(Stream);

        await SignInAsync("owner", path: $"/value-streams/{StreamId}/design");
        await Expect(Page.Locator("[data-testid=state-badge]")).ToHaveTextAsync("Published v1", new() { Timeout = 15_000 });
        await Page.Locator("[data-testid=test-run]").ClickAsync();
        await Expect(Page.Locator("[data-testid=test-run-status]")).ToHaveTextAsync("completed", new() { Timeout = 10_000 });
        // Started from the declared defaults (P3): the routine way.
        await Expect(Page.Locator("[data-testid=test-run-journal]")).ToContainTextAsync("Handled as routine: value realised");
        await Expect(Page.Locator("[data-testid=test-run-journal]")).Not.ToContainTextAsync("Handled as urgent");

        var input = Page.Locator("#test-run-input");
        await Expect(input).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("\"priority\": \"P3\""));
        await input.FillAsync("[1, 2]");
        await Page.Locator("[data-testid=test-run-start]").ClickAsync();
        await Expect(Page.Locator("[data-testid=test-run-panel]")).ToContainTextAsync("The input must be a JSON object");

        await input.FillAsync("""{ "priority": "P1" }""");
        await Page.Locator("[data-testid=test-run-start]").ClickAsync();
        await Expect(Page.Locator("[data-testid=test-run-panel]")).Not.ToContainTextAsync("The input must be a JSON object");
        await Expect(Page.Locator("[data-testid=test-run-journal]")).ToContainTextAsync("Handled as urgent: value realised", new() { Timeout = 10_000 });
        await Expect(Page.Locator("[data-testid=test-run-status]")).ToHaveTextAsync("completed");
        await AssertNoBlockingViolationsAsync("the designer's test run panel");
    }

    private const string TaskStreamId = "browser-test-run-diagram";

    /// <summary>start → a task for the service desk → a milestone → end.</summary>
    private const string TaskStream = $$"""
        {
          "id": "{{TaskStreamId}}",
          "name": "Assess an incident",
          "roles": [ { "id": "desk", "name": "Service desk agent", "group": "service-desk" } ],
          "steps": [
            { "id": "reported", "type": "start", "name": "Incident reported", "roles": ["desk"], "trigger": "manual", "position": { "x": 0, "y": 0 } },
            { "id": "assess", "type": "human-task", "name": "Assess the incident", "valueChainActivities": ["engage"], "practices": ["incident-management"], "roles": ["desk"],
              "title": "Assess the incident", "group": "service-desk", "outcomes": [ { "id": "done", "label": "Assessed" } ], "position": { "x": 290, "y": 0 } },
            { "id": "restored", "type": "milestone", "name": "Service restored", "roles": ["desk"], "value": "The user can work again.", "position": { "x": 580, "y": 0 } },
            { "id": "closed", "type": "end", "name": "Closed", "position": { "x": 870, "y": 0 } }
          ],
          "connections": [
            { "from": "reported", "port": "done", "to": "assess" },
            { "from": "assess", "port": "done", "to": "restored" },
            { "from": "restored", "port": "done", "to": "closed" }
          ]
        }
        """;

    [Fact]
    public async Task A_test_run_highlights_the_step_it_waits_at_ticks_the_steps_passed_and_tells_its_journal_in_words()
    {
        await ImportAsOwnerAsync(TaskStream);

        await Page.SetViewportSizeAsync(1600, 900);
        await SignInAsync("owner", path: $"/value-streams/{TaskStreamId}/design");
        await Expect(Page.Locator("[data-testid=state-badge]")).ToHaveTextAsync("Published v1", new() { Timeout = 15_000 });
        await Page.Locator("[data-testid=test-run]").ClickAsync();
        await Expect(Page.Locator("[data-testid=test-run-status]")).ToHaveTextAsync("waiting", new() { Timeout = 10_000 });

        var journal = Page.Locator("[data-testid=test-run-journal]");
        await Expect(journal).ToContainTextAsync("Assess the incident: task created for Service desk");
        await Expect(journal).ToContainTextAsync("Incident reported: done");
        await Expect(journal).Not.ToContainTextAsync("task-created");
        await Expect(journal).Not.ToContainTextAsync("step-entered");
        await Expect(Page.Locator("[data-testid=test-run-active]")).ToContainTextAsync("Assess the incident");

        var node = (string id) => Page.Locator($".diagram-node[data-node-id='{id}'] .vs-node");
        await Expect(node("assess")).ToHaveAttributeAsync("data-run", "active");
        await Expect(node("assess").Locator(".vs-run-badge")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("Active"));
        await Expect(node("reported")).ToHaveAttributeAsync("data-run", "completed");
        await Expect(node("restored")).Not.ToHaveAttributeAsync("data-run", new System.Text.RegularExpressions.Regex("."));
        await AssertNoBlockingViolationsAsync("the designer with a test run on its diagram");
        await ScreenshotAsync("designer-test-run.png");

        // The marks belong to the Test run tab: the Stream tab gives the diagram its plain look back.
        await Page.Locator("[data-testid=tab-stream]").ClickAsync();
        await Expect(node("assess")).Not.ToHaveAttributeAsync("data-run", new System.Text.RegularExpressions.Regex("."));
    }
}
