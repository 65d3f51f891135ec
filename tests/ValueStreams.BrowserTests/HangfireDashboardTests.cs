using System.Text.RegularExpressions;

namespace ValueStreams.BrowserTests;

public sealed class HangfireDashboardTests(HostProcess host) : BrowserTest(host)
{
    [Fact]
    public async Task An_admin_reaching_hangfire_sees_the_ValueStreams_jobs_dashboard()
    {
        await SignInAsync("admin");
        await Expect(Page.Locator("#overview-title")).ToBeVisibleAsync();

        var response = await Page.GotoAsync("/hangfire");

        Assert.NotNull(response);
        Assert.Equal(200, response.Status);
        Assert.Equal("/hangfire", new Uri(Page.Url).AbsolutePath);
        Assert.Contains("ValueStreams jobs", await Page.ContentAsync());
    }

    [Fact]
    public async Task An_agent_reaching_hangfire_gets_the_access_denied_page()
    {
        await SignInAsync("agent");
        await Expect(Page.Locator("#overview-title")).ToBeVisibleAsync();

        await Page.GotoAsync("/hangfire");

        await Expect(Page).ToHaveURLAsync(new Regex(@"/access-denied(\?|$)"));
        await Expect(Page.Locator("#access-denied-title")).ToBeVisibleAsync();
        Assert.DoesNotContain("ValueStreams jobs", await Page.ContentAsync());
    }
}
