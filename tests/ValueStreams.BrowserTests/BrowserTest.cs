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

    /// <summary>Waits until the page's Blazor circuit is attached (buttons do nothing in the prerendered page).</summary>
    protected Task WaitForInteractiveAsync(string testId) => WaitForInteractiveAsync(Page, testId);

    protected static Task WaitForInteractiveAsync(IPage page, string testId) =>
        Assertions.Expect(page.Locator($"[data-testid={testId}][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 15_000 });

    /// <summary>Picks an option of a MudSelect: open it, then click the option.</summary>
    protected async Task ChooseAsync(ILocator select, string option)
    {
        await select.Locator("div.mud-select").First.ClickAsync();
        await Page.Locator(".mud-popover-open .mud-list-item", new() { HasText = option }).First.ClickAsync();
    }

    /// <summary>Puts the text into the field at once, as a paste does (one input event).</summary>
    protected static Task PasteAsync(ILocator field, string text) =>
        field.EvaluateAsync("(e, text) => { e.focus(); e.value = text; e.dispatchEvent(new Event('input', { bubbles: true })); }", text);

    protected Task SignInAsync(string username, string password = "demo", string path = "/") =>
        HostProcess.SignInAsync(Page, username, password, path);

    protected Task ScreenshotAsync(string fileName) =>
        Page.ScreenshotAsync(new PageScreenshotOptions { Path = Host.Screenshot(fileName), FullPage = true });

    /// <summary>
    /// A screenshot of the whole page as one tall window shows it (a full-page shot of a scrolled page draws the
    /// fixed app bar and drawer mid-page), taken once snackbars are gone.
    /// </summary>
    protected async Task WholePageScreenshotAsync(string fileName)
    {
        await Expect(Page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        var viewport = Page.ViewportSize!;
        var height = await Page.EvaluateAsync<int>("() => document.documentElement.scrollHeight");
        await Page.SetViewportSizeAsync(viewport.Width, Math.Max(viewport.Height, height));
        await Page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Host.Screenshot(fileName) });
        await Page.SetViewportSizeAsync(viewport.Width, viewport.Height);
    }

    /// <summary>Fails when the page scrolls sideways at its window's width, naming the elements that reach past the window's right edge.</summary>
    protected async Task AssertNoSidewaysScrollAsync(string what)
    {
        var widths = await Page.EvaluateAsync<int[]>("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]");
        var (scrollWidth, clientWidth) = (widths[0], widths[1]);
        if (scrollWidth <= clientWidth)
            return;
        var past = await Page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
                .slice(0, 12)
                .map(e => `${e.tagName.toLowerCase()}${e.dataset.testid ? `[data-testid=${e.dataset.testid}]` : ''}.${[...e.classList].join('.')} ends at ${Math.round(e.getBoundingClientRect().right)}px`)
            """);
        Assert.Fail($"The {what} scrolls sideways: {scrollWidth}px wide in a {clientWidth}px window ({Page.Url}):\n{string.Join("\n", past)}");
    }

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
