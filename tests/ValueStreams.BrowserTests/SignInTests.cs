using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ValueStreams.BrowserTests;

public sealed class SignInTests(HostProcess host) : BrowserTest(host)
{
    [Fact]
    public async Task Visiting_the_overview_unauthenticated_lands_on_the_login_page()
    {
        await Page.GotoAsync("/");

        await Expect(Page).ToHaveURLAsync(new Regex(@"/login(\?|$)"));
        await Expect(Page.Locator("form[data-testid=login-form]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Signing_in_as_agent_shows_the_overview_with_the_agents_group()
    {
        await Page.GotoAsync("/");
        await Expect(Page).ToHaveURLAsync(new Regex(@"/login(\?|$)"));

        await Page.Locator("#username").FillAsync("agent");
        await Page.Locator("#password").FillAsync("demo");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(Page.Locator("#overview-title")).ToBeVisibleAsync();
        Assert.Equal("/", new Uri(Page.Url).AbsolutePath);
        await Expect(Page.Locator("[data-testid=signed-in-user]")).ToContainTextAsync("agent");
        await Expect(Page.Locator("main, .mud-main-content").First).ToContainTextAsync("service-desk");

        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await ScreenshotAsync("overview.png");
    }

    [Fact]
    public async Task A_wrong_password_shows_the_error_and_stays_on_the_login_page_keeping_the_user_name()
    {
        await Page.GotoAsync("/login");

        await Page.Locator("#username").FillAsync("agent");
        await Page.Locator("#password").FillAsync("not-the-password");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        var error = Page.Locator("[data-testid=login-error]");
        await Expect(error).ToBeVisibleAsync();
        await Expect(error).ToContainTextAsync("incorrect");
        Assert.Equal("/login", new Uri(Page.Url).AbsolutePath);
        await Expect(Page.Locator("#overview-title")).ToHaveCountAsync(0);
        await Expect(Page.Locator("#username")).ToHaveValueAsync("agent");
        await Expect(Page.Locator("#password")).ToHaveValueAsync("");
        await Expect(Page.Locator("#password")).ToBeFocusedAsync();

        await ScreenshotAsync("login-error.png");
    }

    [Fact]
    public async Task Signing_out_returns_to_the_login_page_and_the_overview_needs_a_new_sign_in()
    {
        await SignInAsync("agent");
        await Expect(Page.Locator("#overview-title")).ToBeVisibleAsync();

        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();

        await Expect(Page).ToHaveURLAsync(new Regex(@"/login(\?|$)"));
        await Expect(Page.Locator("form[data-testid=login-form]")).ToBeVisibleAsync();

        await Page.GotoAsync("/");
        await Expect(Page).ToHaveURLAsync(new Regex(@"/login(\?|$)"));
        await Expect(Page.Locator("#overview-title")).ToHaveCountAsync(0);
    }
}
