using Microsoft.Playwright;

namespace ValueStreams.BrowserTests;

/// <summary>Gives each test its own browser context (no shared cookies) on the shared host and browser.</summary>
[Collection(BrowserCollection.Name)]
public abstract class BrowserTest(HostProcess host) : IAsyncLifetime
{
    protected HostProcess Host { get; } = host;

    protected IPage Page { get; private set; } = null!;

    /// <summary>The path and query of the page's current address, e.g. <c>/login?returnUrl=%2F</c>.</summary>
    protected string CurrentPath => new Uri(Page.Url).PathAndQuery;

    protected static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);

    protected static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    public async Task InitializeAsync() => Page = await Host.NewPageAsync();

    public async Task DisposeAsync() => await Page.Context.CloseAsync();

    protected Task SignInAsync(string username, string password = "demo", string path = "/") =>
        HostProcess.SignInAsync(Page, username, password, path);

    protected Task ScreenshotAsync(string fileName) =>
        Page.ScreenshotAsync(new PageScreenshotOptions { Path = Host.Screenshot(fileName), FullPage = true });
}
