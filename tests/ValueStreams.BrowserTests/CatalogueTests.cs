using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ValueStreams.BrowserTests;

public sealed class CatalogueTests(HostProcess host) : BrowserTest(host)
{
    [Fact]
    public async Task The_catalogue_lists_the_34_practices_and_searching_for_incident_narrows_them()
    {
        await SignInAsync("agent");
        await Expect(Page.Locator("#overview-title")).ToBeVisibleAsync();

        await Page.GetByRole(AriaRole.Link, new() { Name = "ITIL catalogue" }).ClickAsync();

        await Expect(Page).ToHaveURLAsync(new Regex(@"/catalogue$"));
        await Expect(Page.Locator("#catalogue-title")).ToBeVisibleAsync();
        var rows = Page.Locator("[data-testid=practice-table] tbody tr");
        await Expect(rows).ToHaveCountAsync(34);
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var expected = PracticesMentioning("incident");
        Assert.Contains("Incident management", expected);
        Assert.InRange(expected.Count, 1, 33);

        await SearchAsync("incident", rows, expected.Count);

        var names = (await rows.Locator("td[data-label=Practice]").AllInnerTextsAsync()).Select(n => n.Trim()).ToList();
        Assert.Equal(expected.Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));

        await ScreenshotAsync("catalogue.png");
    }

    /// <summary>
    /// Types into the search field until the table reacts. Typing before the Blazor circuit has attached
    /// changes only the prerendered input, so the text is typed again (briefly) until the circuit answers.
    /// </summary>
    private async Task SearchAsync(string text, ILocator rows, int expectedRows)
    {
        var search = Page.GetByLabel("Search practices");
        await Expect(search).ToBeEditableAsync();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            await search.FillAsync("");
            await search.PressSequentiallyAsync(text, new() { Delay = 20 });
            try
            {
                await Expect(rows).ToHaveCountAsync(expectedRows, new() { Timeout = 3_000 });
                return;
            }
            catch (PlaywrightException) when (clock.Elapsed < TimeSpan.FromSeconds(30))
            {
            }
        }
    }

    /// <summary>The practices whose name or purpose mention <paramref name="text"/>, read from the catalogue the host ships.</summary>
    private List<string> PracticesMentioning(string text)
    {
        var file = Path.Combine(Host.RepoRoot, "src", "ValueStreams.Core", "Catalogue", "itil4-catalogue.json");
        using var json = JsonDocument.Parse(File.ReadAllText(file));
        return json.RootElement.GetProperty("practices").EnumerateArray()
            .Where(p => p.GetProperty("name").GetString()!.Contains(text, StringComparison.OrdinalIgnoreCase)
                || p.GetProperty("purpose").GetString()!.Contains(text, StringComparison.OrdinalIgnoreCase))
            .Select(p => p.GetProperty("name").GetString()!)
            .ToList();
    }
}
