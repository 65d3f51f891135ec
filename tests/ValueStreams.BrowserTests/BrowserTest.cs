using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
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

    /// <summary>Runs axe on the page and fails on serious or critical violations, once snackbars are gone.</summary>
    protected async Task AssertNoBlockingViolationsAsync(string what)
    {
        // Snackbars fade in and out: checked mid-fade their colours read as low contrast. Check the page once they are gone.
        await Expect(Page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        var result = await Page.RunAxe();
        var blocking = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(blocking.Count == 0, $"axe found {blocking.Count} serious/critical violation(s) on the {what} ({Page.Url}):\n{Describe(blocking)}");
    }

    private static string Describe(IEnumerable<AxeResultItem> violations)
    {
        var text = new StringBuilder();
        foreach (var violation in violations)
        {
            text.AppendLine($"- [{violation.Impact}] {violation.Id}: {violation.Help} ({violation.HelpUrl})");
            foreach (var node in violation.Nodes)
            {
                text.AppendLine($"    at {node.Target}: {node.Html}");
                foreach (var check in (node.Any ?? []).Concat(node.All ?? []).Concat(node.None ?? []))
                    text.AppendLine($"      {check.Id}: {check.Message}");
            }
        }
        return text.ToString();
    }
}
