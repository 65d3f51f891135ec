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
        await description.FillAsync(new string('y', MultilineMaximum + 1));
        await Page.Locator("[data-testid=start-submit]").ClickAsync();
        await Expect(Page.Locator("#field-description-error")).ToContainTextAsync("at most 100,000 characters; it has 100,001");
        Assert.Equal(MultilineMaximum + 1, await description.EvaluateAsync<int>("e => e.value.length"));

        // Exactly the maximum arrives whole.
        var text = string.Concat(Enumerable.Range(0, MultilineMaximum / 10).Select(i => $"line {i % 10000:D4}\n"));
        Assert.Equal(MultilineMaximum, text.Length);
        await description.FillAsync(text);
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
}
