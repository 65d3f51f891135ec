using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ValueStreams.BrowserTests;

/// <summary>
/// The instance list keeps its filters in the address; an instance's page marks where it stands on its stream's diagram,
/// and an admin retries a faulted instance from there and watches it move on.
/// </summary>
public sealed class InstanceViewerTests(HostProcess host) : InboxBrowserTest(host)
{
    private const string StreamId = "browser-supplier-sync";

    /// <summary>start → a script that fails until <c>notBefore</c> (a time in ms) has passed → a service-desk check → value → end.</summary>
    private const string Stream = $$"""
        {
          "id": "{{StreamId}}",
          "name": "Supplier catalogue sync",
          "variables": [ { "name": "notBefore", "type": "number" } ],
          "roles": [
            { "id": "requester", "name": "Requester" },
            { "id": "desk", "name": "Service desk agent", "group": "service-desk" }
          ],
          "steps": [
            { "id": "start", "type": "start", "name": "Sync requested", "roles": ["requester"], "trigger": "manual", "position": { "x": 0, "y": 0 } },
            { "id": "sync", "type": "script", "name": "Pull the supplier catalogue", "valueChainActivities": ["obtain-build"], "roles": ["desk"],
              "script": "if (Date.now() < vars.notBefore) { throw new Error('the supplier is not answering'); }", "position": { "x": 260, "y": 0 } },
            { "id": "check", "type": "human-task", "name": "Check the synced catalogue", "valueChainActivities": ["deliver-and-support"],
              "practices": ["service-desk"], "roles": ["desk"], "title": "Check the synced catalogue", "group": "service-desk",
              "outcomes": [ { "id": "done", "label": "Looks right" } ], "position": { "x": 520, "y": 0 } },
            { "id": "value", "type": "milestone", "name": "Catalogue current", "roles": ["desk"], "value": "The supplier catalogue is current.", "position": { "x": 780, "y": 0 } },
            { "id": "end", "type": "end", "name": "End", "position": { "x": 1040, "y": 0 } }
          ],
          "connections": [
            { "from": "start", "port": "done", "to": "sync" },
            { "from": "sync", "port": "done", "to": "check" },
            { "from": "check", "port": "done", "to": "value" },
            { "from": "value", "port": "done", "to": "end" }
          ]
        }
        """;

    [Fact]
    public async Task The_instance_list_keeps_its_filters_in_the_address()
    {
        await ImportAsOwnerAsync(Stream);
        using var adminApi = await ApiAsync("admin");
        var token = Guid.NewGuid().ToString("N")[..8];
        var first = await StartAsync(adminApi, new { }, $"sync-{token}-a");
        var second = await StartAsync(adminApi, new { }, $"sync-{token}-b");
        await StartAsync(adminApi, new { }, $"sync-{token}-c");

        await SignInAsync("admin", path: $"/instances?correlationId=sync-{token}-a");
        await WaitForInteractiveAsync("instance-list");
        var rows = Page.Locator("[data-testid=instance-row]");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToHaveAttributeAsync("data-instance", first);
        await Expect(Page.Locator("[data-testid=instance-total]")).ToHaveTextAsync("1 instance");

        // Changing a filter on the page changes the address, so the list can be bookmarked and shared.
        var correlation = Page.GetByLabel("Correlation id");
        await correlation.FillAsync($"sync-{token}-b");
        await correlation.PressAsync("Tab");
        await Expect(Page).ToHaveURLAsync(new Regex($"correlationId=sync-{token}-b"));
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToHaveAttributeAsync("data-instance", second);

        // A filter the list cannot use is named, not ignored.
        await Page.GotoAsync("/instances?stuck=forever");
        await WaitForInteractiveAsync("instance-list");
        await Expect(Page.Locator("[data-testid=instance-filter-error]")).ToContainTextAsync("'forever' is not a length of time");

        await Page.GotoAsync($"/instances?valueStream={StreamId}&status=waiting");
        await WaitForInteractiveAsync("instance-list");
        await Expect(Page.Locator($"[data-testid=instance-row][data-instance='{first}']")).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-testid=instance-row]", new() { HasText = "completed" })).ToHaveCountAsync(0);
        await AssertNoBlockingViolationsAsync("the instance list");
        await WholePageScreenshotAsync("instance-list.png");

        // Its rows open the instance page.
        await Page.Locator($"[data-testid=instance-row][data-instance='{first}'] a").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex($"/instances/{first}$"));
        await WaitForInteractiveAsync("instance-page");
        await Expect(Page.Locator("[data-testid=instance-correlation]")).ToHaveTextAsync($"sync-{token}-a");
    }

    [Fact]
    public async Task An_admin_retries_a_faulted_instance_from_its_page_and_its_diagram_marks_where_it_stands()
    {
        await ImportAsOwnerAsync(Stream);
        using var adminApi = await ApiAsync("admin");
        // The script fails until this time has passed; retried after it, the instance moves on to the check.
        var notBefore = DateTimeOffset.UtcNow.AddSeconds(20);
        // An opaque correlation id with no break in it, as callers send: it wraps instead of widening the page.
        var correlationId = string.Concat(Enumerable.Range(0, 4).Select(_ => Guid.NewGuid().ToString("N")));
        using var started = await adminApi.PostAsJsonAsync($"api/value-streams/{StreamId}/instances",
            new { input = new { notBefore = notBefore.ToUnixTimeMilliseconds() }, correlationId });
        var body = await started.Content.ReadAsStringAsync();
        Assert.True(started.IsSuccessStatusCode, $"start answered {(int)started.StatusCode}: {body}");
        using var instance = JsonDocument.Parse(body);
        Assert.Equal("faulted", instance.RootElement.GetProperty("status").GetString());
        var id = instance.RootElement.GetProperty("id").GetString()!;

        await Page.SetViewportSizeAsync(1400, 900);
        await SignInAsync("admin", path: $"/instances/{id}");
        await WaitForInteractiveAsync("instance-page");
        await Expect(Page.Locator("[data-testid=instance-status]")).ToHaveTextAsync("faulted");
        await Expect(Page.Locator("[data-testid=instance-correlation]")).ToHaveTextAsync(correlationId);
        await Expect(Page.Locator("[data-testid=instance-token]")).ToContainTextAsync("the supplier is not answering");
        var diagram = Page.Locator("[data-testid=instance-diagram]");
        await Expect(Step(diagram, "sync")).ToHaveAttributeAsync("data-run", "faulted", new() { Timeout = 15_000 });
        await Expect(Step(diagram, "sync")).ToContainTextAsync("Faulted");
        await Expect(Step(diagram, "start")).ToHaveAttributeAsync("data-run", "completed");
        await Expect(Page.Locator("[data-testid=action-retry]")).ToBeEnabledAsync();

        // Someone who may not see the instance finds nothing of it.
        await AsAnotherUserAsync("engineer", $"/instances/{id}", async page =>
        {
            await Expect(page.Locator("[data-testid=instance-not-found]")).ToBeVisibleAsync(new() { Timeout = 15_000 });
            await Expect(page.Locator("[data-testid=instance-diagram]")).ToHaveCountAsync(0);
        });

        var wait = notBefore - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(500);
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait);
        await Page.Locator("[data-testid=action-retry]").ClickAsync();

        // The page reads the instance again: it now waits at the check, which the diagram marks active.
        await Expect(Page.Locator("[data-testid=instance-status]")).ToHaveTextAsync("waiting", new() { Timeout = 15_000 });
        await Expect(Page.Locator("[data-testid=instance-message]")).ToContainTextAsync("The faulted steps run again.");
        await Expect(Step(diagram, "check")).ToHaveAttributeAsync("data-run", "active");
        await Expect(Step(diagram, "check")).ToContainTextAsync("Active");
        await Expect(Step(diagram, "sync")).ToHaveAttributeAsync("data-run", "completed");
        await Expect(Step(diagram, "value")).Not.ToHaveAttributeAsync("data-run", new Regex("."));
        await Expect(diagram.Locator("[data-testid=run-legend]")).ToContainTextAsync("Active");
        await Expect(diagram).ToContainTextAsync("1×");
        await Expect(Page.Locator("[data-testid=instance-task]")).ToContainTextAsync("Check the synced catalogue");
        await Expect(Page.Locator("[data-testid=instance-journal]")).ToContainTextAsync("Step retried");
        await Expect(Page.Locator("[data-testid=action-retry]")).ToBeDisabledAsync();

        using var after = await GetJsonAsync(adminApi, $"api/instances/{id}");
        Assert.Equal("waiting", after.RootElement.GetProperty("status").GetString());
        Assert.Equal("check", after.RootElement.GetProperty("activeSteps")[0].GetProperty("stepId").GetString());

        await AssertNoSidewaysScrollAsync("instance page");
        await AssertNoBlockingViolationsAsync("an instance page");
        await WholePageScreenshotAsync("instance-page.png");

        // A new version keeps the check: the preview says its token moves there, and the instance moves on confirmation.
        var token = Guid.NewGuid().ToString("N")[..8];
        using var ownerApi = await ApiAsync("owner");
        using var imported = await ownerApi.PostAsync("api/value-streams/import", new StringContent(
            Stream.Replace("The supplier catalogue is current.", $"The supplier catalogue is current ({token})."), System.Text.Encoding.UTF8, "application/json"));
        var importBody = await imported.Content.ReadAsStringAsync();
        Assert.True(imported.IsSuccessStatusCode, $"import answered {(int)imported.StatusCode}: {importBody}");
        var target = JsonDocument.Parse(importBody).RootElement.GetProperty("version").GetInt32();
        await Page.ReloadAsync();
        await WaitForInteractiveAsync("instance-page");
        await ChooseAsync(Page.Locator("div.mud-select:has(> div.mud-input-control [data-testid=migrate-version])"), $"Version {target}");
        var preview = Page.Locator("[data-testid=migration-preview]");
        await Expect(preview.Locator("[data-testid=migration-move]")).ToHaveAttributeAsync("data-moves", "yes");
        await Expect(preview).ToContainTextAsync("Check the synced catalogue");
        await preview.Locator("[data-testid=confirm-migrate]").ClickAsync();
        await Expect(Page.Locator("[data-testid=instance-message]")).ToContainTextAsync($"now runs version {target}");
        await Expect(Page.Locator("[data-testid=instance-details]")).ToContainTextAsync($"version {target}");

        // Cancelling asks first; once cancelled, the check it waited at is stopped and the steps after it were skipped.
        await Page.Locator("[data-testid=action-cancel]").ClickAsync();
        await Expect(Page.Locator("[data-testid=instance-status]")).ToHaveTextAsync("waiting");
        await Page.Locator("[data-testid=confirm-cancel-yes]").ClickAsync();
        await Expect(Page.Locator("[data-testid=instance-status]")).ToHaveTextAsync("cancelled");
        await Expect(Step(diagram, "check")).ToHaveAttributeAsync("data-run", "stopped");
        await Expect(Step(diagram, "value")).ToHaveAttributeAsync("data-run", "skipped");
        await Expect(Page.Locator("[data-testid=action-cancel]")).ToBeDisabledAsync();
        using var cancelled = await GetJsonAsync(adminApi, $"api/instances/{id}");
        Assert.Equal("cancelled", cancelled.RootElement.GetProperty("status").GetString());
        Assert.Equal(target, cancelled.RootElement.GetProperty("version").GetInt32());
    }

    private static ILocator Step(ILocator diagram, string stepId) => diagram.Locator($".vs-node[data-step-id='{stepId}']");

    private static async Task<string> StartAsync(HttpClient api, object input, string correlationId)
    {
        using var started = await api.PostAsJsonAsync($"api/value-streams/{StreamId}/instances", new { input, correlationId });
        var body = await started.Content.ReadAsStringAsync();
        Assert.True(started.IsSuccessStatusCode, $"start answered {(int)started.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }
}
