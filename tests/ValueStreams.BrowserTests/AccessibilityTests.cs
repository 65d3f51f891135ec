using Microsoft.Playwright;

namespace ValueStreams.BrowserTests;

public sealed class AccessibilityTests(HostProcess host) : BrowserTest(host)
{
    [Fact]
    public async Task The_login_page_has_no_serious_or_critical_axe_violations()
    {
        await Page.GotoAsync("/login");
        await Expect(Page.Locator("form[data-testid=login-form]")).ToBeVisibleAsync();

        await AssertNoBlockingViolationsAsync("login page");
    }

    [Fact]
    public async Task The_overview_page_has_no_serious_or_critical_axe_violations()
    {
        await SignInAsync("agent");
        await Expect(Page.Locator("#overview-title")).ToBeVisibleAsync();
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        await AssertNoBlockingViolationsAsync("overview page");
    }
}
