using System.Net.Http.Json;
using System.Text.Json;

namespace ValueStreams.BrowserTests;

/// <summary>A configuration item's page shows its relationships and the items its failure impacts.</summary>
public sealed class ConfigurationItemPageTests(HostProcess host) : InboxBrowserTest(host)
{
    [Fact]
    public async Task A_configuration_items_page_shows_its_relationships_and_what_its_failure_impacts()
    {
        var api = await ApiAsync("agent");
        var suffix = Guid.NewGuid().ToString("N")[..6];
        async Task<string> CreateAsync(string title, string ciType)
        {
            var created = await api.PostAsJsonAsync("/api/configuration-items", new { title = $"{title} {suffix}", ciType, state = "active" });
            created.EnsureSuccessStatusCode();
            return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;
        }
        var app = await CreateAsync("Warehouse app", "application");
        var db = await CreateAsync("Warehouse database", "database");
        var server = await CreateAsync("Server wh-01", "hardware");
        foreach (var (source, type, target) in new[] { (app, "depends-on", db), (db, "runs-on", server) })
            (await api.PostAsJsonAsync($"/api/configuration-items/{source}/relationships", new { type, target })).EnsureSuccessStatusCode();

        await Page.SetViewportSizeAsync(1400, 900);
        await SignInAsync("agent", path: $"/records/configuration-items/{db}");
        await WaitForInteractiveAsync("record-page");
        await Expect(Page.Locator("[data-testid=ci-relationships]")).ToContainTextAsync($"Runs on {server}");
        await Expect(Page.Locator("[data-testid=ci-relationships]")).ToContainTextAsync($"Needed by {app}");
        await Expect(Page.Locator($"[data-testid=ci-impacted-{app}]")).ToContainTextAsync($"{db} → {app}");

        await Page.GotoAsync(new Uri(Host.BaseAddress, $"/records/configuration-items/{server}").ToString());
        await WaitForInteractiveAsync("record-page");
        await Expect(Page.Locator($"[data-testid=ci-impacted-{app}]")).ToContainTextAsync($"{server} → {db} → {app}");
        await Expect(Page.Locator($"[data-testid=ci-impacted-{db}] td").Nth(1)).ToHaveTextAsync("1");
        await Expect(Page.Locator($"[data-testid=ci-impacted-{app}] td").Nth(1)).ToHaveTextAsync("2");
        await WholePageScreenshotAsync("ci-impact.png");
        await AssertNoBlockingViolationsAsync("the configuration item page");
    }
}
