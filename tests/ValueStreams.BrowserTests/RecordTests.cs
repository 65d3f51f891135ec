using System.Net.Http.Json;

namespace ValueStreams.BrowserTests;

/// <summary>Working incident records in the browser: the list with its filters in the address, creating one, the record page's state moves and history.</summary>
public sealed class RecordTests(HostProcess host) : InboxBrowserTest(host)
{
    [Fact]
    public async Task An_agent_creates_an_incident_puts_it_on_hold_with_a_reason_and_finds_it_in_the_list()
    {
        var title = $"Label printer offline {Guid.NewGuid().ToString("N")[..6]}";
        await Page.SetViewportSizeAsync(1400, 900);
        await SignInAsync("agent", path: "/records/incidents");
        await WaitForInteractiveAsync("record-list");

        await Page.Locator("[data-testid=new-record]").ClickAsync();
        await Expect(Page.Locator("[data-testid=new-record-form]")).ToBeVisibleAsync();
        await Page.Locator("[data-testid=field-title] input").FillAsync(title);
        await Page.Locator("[data-testid=field-description] textarea").First.FillAsync("The dispatch printer shows a red light since 7:00.");
        await ChooseAsync(Page.Locator("[data-testid=field-impact]"), "high");
        await ChooseAsync(Page.Locator("[data-testid=field-urgency]"), "high");
        await Page.Locator("[data-testid=create-record]").ClickAsync();

        // The new incident's page: its number, the priority from impact and urgency, and incident resolution working on it.
        await Expect(Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex(@"/records/incidents/INC-\d{6}$"));
        await WaitForInteractiveAsync("record-page");
        await Expect(Page.Locator("[data-testid=record-priority]")).ToHaveTextAsync("P1");
        await Expect(Page.Locator("[data-testid=record-state]")).ToHaveTextAsync("New");
        await Expect(Page.Locator("[data-testid=record-instances]")).ToContainTextAsync("Incident resolution");
        var number = (await Page.Locator("[data-testid=record-number]").InnerTextAsync()).Trim();

        // A title longer than its 200 characters stays in the field, refused with a message there.
        var longTitle = new string('t', 201);
        await Page.Locator("[data-testid=field-title] input").FillAsync(longTitle);
        await Page.Locator("[data-testid=field-title] input").PressAsync("Tab");
        await Page.Locator("[data-testid=save-record]").ClickAsync();
        await Expect(Page.Locator("[data-testid=field-title]")).ToContainTextAsync("it may be at most 200");
        Assert.Equal(longTitle, await Page.Locator("[data-testid=field-title] input").InputValueAsync());
        await Page.Locator("[data-testid=field-title] input").FillAsync(title);
        await Page.Locator("[data-testid=field-title] input").PressAsync("Tab");

        // On hold needs its reason, said at the field; with it, the move is made and the history shows it.
        await Page.Locator("[data-testid=move-on-hold]").ClickAsync();
        await Expect(Page.Locator("[data-testid=field-onHoldReason]")).ToContainTextAsync("required when the incident is on-hold");
        await Page.Locator("[data-testid=field-onHoldReason] input").FillAsync("Waiting for a spare toner");
        await Page.Locator("[data-testid=field-onHoldReason] input").PressAsync("Tab");
        await Page.Locator("[data-testid=move-on-hold]").ClickAsync();
        await Expect(Page.Locator("[data-testid=record-state]")).ToHaveTextAsync("On hold");
        await Expect(Page.Locator("[data-testid=record-history]")).ToContainTextAsync("new → on-hold");
        await Expect(Page.Locator("[data-testid=record-history]")).ToContainTextAsync("Waiting for a spare toner");

        // The P1 incident's resolution clock (4 hours around the clock) is paused, and says why; the response clock was met.
        var resolution = Page.Locator("[data-testid=record-clock][data-clock=resolution]");
        await Expect(resolution).ToHaveAttributeAsync("data-state", "paused");
        await Expect(resolution).ToContainTextAsync("4 hours on around the clock");
        await resolution.Locator("summary").ClickAsync();
        await Expect(resolution.Locator("[data-testid=clock-event]").Last).ToContainTextAsync("pause: new → on-hold: Waiting for a spare toner");
        await Expect(Page.Locator("[data-testid=record-clock][data-clock=response]")).ToHaveAttributeAsync("data-state", "met");

        // A second report of the same fault, linked as its duplicate: the page lists it, read from this side.
        using var api = await ApiAsync("agent");
        using var duplicate = await api.PostAsJsonAsync("api/incidents", new { title = "Dispatch printer shows a red light", impact = "low", urgency = "low" });
        var duplicateNumber = (await duplicate.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("number").GetString()!;
        using var linked = await api.PostAsJsonAsync($"api/incidents/{duplicateNumber}/links", new { type = "duplicate-of", target = number });
        Assert.Equal(System.Net.HttpStatusCode.Created, linked.StatusCode);
        await Page.ReloadAsync();
        await WaitForInteractiveAsync("record-page");
        await Expect(Page.Locator("[data-testid=record-links]")).ToContainTextAsync("Duplicated by");
        await Expect(Page.Locator("[data-testid=record-links]")).ToContainTextAsync(duplicateNumber);
        await WholePageScreenshotAsync("record-page.png");
        await AssertNoBlockingViolationsAsync("the record page");

        // The list finds it by search and state, and keeps both in the address.
        await Page.GotoAsync(new Uri(Host.BaseAddress, $"/records/incidents?state=on-hold&q={Uri.EscapeDataString(title)}").ToString());
        await WaitForInteractiveAsync("record-list");
        await Expect(Page.Locator($"[data-testid=record-row-{number}]")).ToContainTextAsync(title);
        await Expect(Page.Locator("[data-testid=record-total]")).ToHaveTextAsync("1 incident");
        await Page.GotoAsync(new Uri(Host.BaseAddress, $"/records/incidents?state=closed&q={Uri.EscapeDataString(title)}").ToString());
        await Expect(Page.Locator("[data-testid=record-empty]")).ToBeVisibleAsync();
        await Page.GotoAsync(new Uri(Host.BaseAddress, "/records/incidents").ToString());
        await WaitForInteractiveAsync("record-list");
        await Expect(Page.Locator($"[data-testid=record-row-{number}]")).ToBeVisibleAsync();
        await WholePageScreenshotAsync("record-list.png");
        await AssertNoBlockingViolationsAsync("the incident list");
    }
}
