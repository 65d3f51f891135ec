using System.Net.Http.Json;
using System.Text.Json;

namespace ValueStreams.BrowserTests;

/// <summary>Raising work from the portal: the start form, long text, and following the request under "My requests".</summary>
public sealed class PortalTests(HostProcess host) : InboxBrowserTest(host)
{
    private const int MultilineMaximum = 100_000;

    [Fact]
    public async Task A_requester_starts_an_incident_from_the_portal_with_100000_characters_and_sees_it_under_my_requests()
    {
        var title = $"No WiFi in the loading bay {Guid.NewGuid().ToString("N")[..6]}";
        await SignInAsync("warehouse", path: "/portal");
        await WaitForInteractiveAsync("portal");
        await Page.Locator("[data-testid=choose-incident-resolution]").ClickAsync();
        await Expect(Page.Locator("[data-testid=start-form]")).ToBeVisibleAsync();
        await Page.Locator("#field-title").FillAsync(title);
        await ScreenshotAsync("portal.png");

        // One character more than a multi-line field takes arrives, and is refused at the field, keeping the text.
        var description = Page.Locator("#field-description");
        await PasteAsync(description, new string('y', MultilineMaximum + 1));
        await Page.Locator("[data-testid=start-submit]").ClickAsync();
        await Expect(Page.Locator("#field-description-error")).ToContainTextAsync("at most 100,000 characters; it has 100,001");
        Assert.Equal(MultilineMaximum + 1, await description.EvaluateAsync<int>("e => e.value.length"));

        // Exactly the maximum arrives whole.
        var text = string.Concat(Enumerable.Range(0, MultilineMaximum / 10).Select(i => $"line {i % 10000:D4}\n"));
        Assert.Equal(MultilineMaximum, text.Length);
        await PasteAsync(description, text);
        await Expect(Page.Locator("#field-description-error")).ToHaveCountAsync(0);
        await Page.Locator("[data-testid=start-submit]").ClickAsync();

        await Expect(Page.Locator("[data-testid=started-message]")).ToContainTextAsync("Incident resolution is raised");
        var row = Page.Locator("[data-testid=my-requests] tr", new() { HasText = title });
        await Expect(row).ToContainTextAsync("Log and prioritise the incident");
        await Expect(row).ToContainTextAsync("group service-desk");
        await Expect(row).ToContainTextAsync("in progress");
        await WholePageScreenshotAsync("portal-my-requests.png");

        using var api = await ApiAsync("warehouse");
        using var mine = await GetJsonAsync(api, "api/portal/my-requests");
        var request = mine.RootElement.EnumerateArray().Single(r => r.GetProperty("summary").GetString() == title);
        using var instance = await GetJsonAsync(api, $"api/instances/{request.GetProperty("instanceId").GetString()}");
        Assert.Equal(text, instance.RootElement.GetProperty("variables").GetProperty("description").GetString());
    }

    [Fact]
    public async Task The_agent_sees_the_request_in_the_inbox_with_reference_and_requester_and_its_context_at_the_top_of_the_task()
    {
        var title = $"Scanner offline at gate {Guid.NewGuid().ToString("N")[..6]}";
        var description = string.Join('\n', Enumerable.Range(1, 40).Select(i => $"Observation {i}: the handheld scanner drops the connection near the gate."));
        using var requesterApi = await ApiAsync("warehouse");
        using var started = await requesterApi.PostAsJsonAsync("api/value-streams/incident-resolution/instances",
            new { input = new { title, description, impact = "high", urgency = "medium" } });
        Assert.True(started.IsSuccessStatusCode, await started.Content.ReadAsStringAsync());
        var instanceId = JsonDocument.Parse(await started.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;

        await SignInAsync("agent", path: "/inbox");
        await WaitForInteractiveAsync("inbox");
        var row = Page.Locator("[data-testid=inbox-table] tr").Filter(new() { Has = Page.Locator($"code:text-is('{instanceId[^8..]}')") });
        await Expect(row.Locator("[data-testid=inbox-row-facts]")).ToContainTextAsync("raised by warehouse");
        await Expect(row.Locator("[data-testid=inbox-row-facts]")).ToContainTextAsync("old");
        await row.Locator("a.vs-task-link").ClickAsync();
        await WaitForInteractiveAsync("task-page");

        var context = Page.Locator("[data-testid=task-context]");
        await Expect(context.Locator("dt", new() { HasText = "What is wrong" })).ToBeVisibleAsync();
        await Expect(context).ToContainTextAsync(title);
        await Expect(context).ToContainTextAsync("Impact");
        await Expect(context).Not.ToContainTextAsync("_outcome");
        await Expect(context).Not.ToContainTextAsync("standard change"); // a later step's field, holding only its default
        var folded = context.Locator("details.vs-fold");
        await Expect(folded).ToHaveCountAsync(1);
        Assert.False(await folded.EvaluateAsync<bool>("d => d.open"));
        await Expect(Page.Locator("[data-testid=task-instance-link]")).ToHaveAttributeAsync("href", $"/instances/{instanceId}");
        await ScreenshotAsync("task-context.png");
        await folded.Locator("summary").ClickAsync();
        Assert.True(await folded.EvaluateAsync<bool>("d => d.open"));
    }
}
