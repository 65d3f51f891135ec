
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
        await Expect(Page.Locator("[data-testid=test-run-journal]")).ToContainTextAsync("routine");
        await Expect(Page.Locator("[data-testid=test-run-journal]")).Not.ToContainTextAsync("urgent");

        var input = Page.Locator("#test-run-input");
        await Expect(input).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("\"priority\": \"P3\""));
        await input.FillAsync("[1, 2]");
        await Page.Locator("[data-testid=test-run-start]").ClickAsync();
        await Expect(Page.Locator("[data-testid=test-run-panel]")).ToContainTextAsync("The input must be a JSON object");

        await input.FillAsync("""{ "priority": "P1" }""");
        await Page.Locator("[data-testid=test-run-start]").ClickAsync();
        await Expect(Page.Locator("[data-testid=test-run-panel]")).Not.ToContainTextAsync("The input must be a JSON object");
        await Expect(Page.Locator("[data-testid=test-run-journal]")).ToContainTextAsync("urgent", new() { Timeout = 10_000 });
        await Expect(Page.Locator("[data-testid=test-run-status]")).ToHaveTextAsync("completed");
        await AssertNoBlockingViolationsAsync("the designer's test run panel");
        await ScreenshotAsync("designer-test-run.png");
    }
}
