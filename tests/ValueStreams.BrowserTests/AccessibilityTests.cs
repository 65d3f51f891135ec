using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace ValueStreams.BrowserTests;

public sealed class AccessibilityTests(HostProcess host) : BrowserTest(host)
{
    private static readonly string[] BlockingImpacts = ["serious", "critical"];

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

    private async Task AssertNoBlockingViolationsAsync(string what)
    {
        var result = await Page.RunAxe();
        var blocking = result.Violations.Where(v => BlockingImpacts.Contains(v.Impact)).ToList();
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
