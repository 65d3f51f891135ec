using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ValueStreams.BrowserTests;

/// <summary>The API reference shows the API and nothing of its vendor's services.</summary>
public sealed class ApiReferenceTests(HostProcess host) : BrowserTest(host)
{
    [Fact]
    public async Task The_api_reference_lists_the_api_without_the_vendors_deploy_and_ask_ai_buttons()
    {
        await Page.GotoAsync("/scalar/v1");

        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Exchange a user name and password for a bearer token" })).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Page.ScreenshotAsync(new() { Path = Host.Screenshot("api-reference.png") });

        await Expect(Page.GetByRole(AriaRole.Button, new() { NameRegex = new("deploy", RegexOptions.IgnoreCase) })).ToHaveCountAsync(0);
        await Expect(Page.GetByRole(AriaRole.Button, new() { NameRegex = new("ask ai", RegexOptions.IgnoreCase) })).ToHaveCountAsync(0);
        await Expect(Page.GetByRole(AriaRole.Region, new() { Name = "Developer Tools" })).ToHaveCountAsync(0);
    }
}
