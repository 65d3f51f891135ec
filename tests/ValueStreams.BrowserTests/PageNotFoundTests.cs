using Microsoft.Playwright;

namespace ValueStreams.BrowserTests;

/// <summary>An address nobody serves shows a page in the app's layout, not a raw answer.</summary>
public sealed class PageNotFoundTests(HostProcess host) : BrowserTest(host)
{
    [Fact]
    public async Task An_unknown_address_shows_page_not_found_in_the_apps_layout_with_a_link_home()
    {
        await SignInAsync("agent");
        await Expect(Page.Locator("#overview-title")).ToBeVisibleAsync();

        var answer = await Page.GotoAsync("/no-such-page/here");

        Assert.Equal(404, answer!.Status);
        await Expect(Page.Locator("h1")).ToHaveTextAsync("Page not found");
        await Expect(Page.Locator("[data-testid=signed-in-user]")).ToContainTextAsync("agent");
        await Expect(Page.Locator("main, .mud-main-content").First).ToContainTextAsync("/no-such-page/here");
        await ScreenshotAsync("page-not-found.png");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Go to the overview" }).ClickAsync();
        await Expect(Page.Locator("#overview-title")).ToBeVisibleAsync();
    }
}
