using Microsoft.Playwright;

namespace ValueStreams.BrowserTests;

/// <summary>The pages work under their content security policy: nothing they need is blocked, on a real Kestrel.</summary>
public sealed class ContentSecurityPolicyTests(HostProcess host) : BrowserTest(host)
{
    private const string CollectViolations =
        "window.__cspViolations = []; document.addEventListener('securitypolicyviolation', " +
        "e => window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' at ' + e.sourceFile + ':' + e.lineNumber));";

    [Fact]
    public async Task The_designer_and_the_inbox_render_with_no_policy_violation_and_answers_name_no_server()
    {
        var console = new List<string>();
        Page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                console.Add(message.Text);
        };
        await Page.Context.AddInitScriptAsync(CollectViolations);

        var login = await Page.GotoAsync("/login");
        Assert.NotNull(login);
        var headers = await login.AllHeadersAsync();
        Assert.False(headers.ContainsKey("server"), $"the answer names its server: {headers.GetValueOrDefault("server")}");
        Assert.Contains("script-src 'self' 'nonce-", headers["content-security-policy"]);
        Assert.Equal("nosniff", headers["x-content-type-options"]);

        await SignInAsync("admin", path: "/value-streams/incident-resolution/design");
        await Expect(Page.Locator(".diagram-node").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await AssertNoViolationsAsync("designer", console);

        await Page.GotoAsync("/inbox");
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Expect(Page.Locator("h1").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        // Blazor's circuit is up: the page took an interactive render, which needs its scripts and WebSocket.
        await Page.WaitForFunctionAsync("() => window.Blazor !== undefined", null, new() { Timeout = 30_000 });
        await AssertNoViolationsAsync("inbox", console);
    }

    [Fact]
    public async Task Every_page_links_an_svg_favicon_that_is_served_under_the_policy()
    {
        await Page.Context.AddInitScriptAsync(CollectViolations);
        await Page.GotoAsync("/login");

        var icon = Page.Locator("head link[rel=icon]");
        await Expect(icon).ToHaveAttributeAsync("type", "image/svg+xml");
        var href = await icon.GetAttributeAsync("href");
        var answer = await Page.APIRequest.GetAsync(new Uri(Host.BaseAddress, href).ToString());
        Assert.Equal(200, answer.Status);
        Assert.StartsWith("image/svg+xml", answer.Headers["content-type"]);
        Assert.Contains("<svg", await answer.TextAsync());

        // The browser loads it as the tab's icon: nothing is blocked.
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await AssertNoViolationsAsync("login page", []);
    }

    private async Task AssertNoViolationsAsync(string what, List<string> console)
    {
        var violations = await Page.EvaluateAsync<string[]>("() => window.__cspViolations || []");
        Assert.True(violations.Length == 0 && console.Count == 0,
            $"the {what} broke its content security policy:\n{string.Join('\n', violations.Concat(console))}");
    }
}
