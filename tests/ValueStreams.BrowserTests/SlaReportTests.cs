using System.Net.Http.Json;
using System.Text.Json;

namespace ValueStreams.BrowserTests;

/// <summary>The SLA report page: met and breached clocks by priority, group and service, with a chart, for process owners.</summary>
public sealed class SlaReportTests(HostProcess host) : InboxBrowserTest(host)
{
    [Fact]
    public async Task The_report_shows_each_clock_of_a_service_s_incidents_as_it_stands_with_a_chart_by_priority()
    {
        // A service of this test's own, so that other tests' incidents stay out of its row.
        using var admin = await ApiAsync("admin");
        using var service = await admin.PostAsJsonAsync("api/services", new { title = "Browser report payroll" });
        Assert.True(service.IsSuccessStatusCode, $"the service was refused: {(int)service.StatusCode} {await service.Content.ReadAsStringAsync()}");
        var serviceNumber = (await service.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;

        // Two P2 incidents under the shipped policy (response within 30 minutes): one taken up at once, one still new.
        using var agent = await ApiAsync("agent");
        var taken = await CreateAsync(agent, "Payslips not sent", serviceNumber);
        await CreateAsync(agent, "Payroll report slow", serviceNumber);
        using (var start = new HttpRequestMessage(HttpMethod.Patch, $"api/incidents/{taken.Number}") { Content = JsonContent.Create(new { state = "in-progress" }) })
        {
            start.Headers.IfMatch.Add(taken.ETag);
            using var started = await agent.SendAsync(start);
            Assert.True(started.IsSuccessStatusCode, $"starting work answered {(int)started.StatusCode} {await started.Content.ReadAsStringAsync()}");
        }

        await Page.SetViewportSizeAsync(1400, 1000);
        await SignInAsync("admin", path: "/service-levels/report");
        await WaitForInteractiveAsync("sla-report");
        await Expect(Page.Locator("[data-testid=report-summary]")).ToContainTextAsync("incidents created from");
        await Expect(Page.Locator("[data-testid=clock-response]")).ToContainTextAsync("met");
        await Expect(Page.Locator("[data-testid=chart-response] svg")).ToBeVisibleAsync();

        // Met, breached, on track, at risk, paused and the share met of the service's row.
        var row = Page.Locator("[data-testid=response-by-service] tbody tr").Filter(new() { HasText = "Browser report payroll" });
        await Expect(row.Locator("td")).ToHaveTextAsync(["Browser report payroll", "1", "0", "1", "0", "0", "100 %"]);
        var resolution = Page.Locator("[data-testid=resolution-by-service] tbody tr").Filter(new() { HasText = "Browser report payroll" });
        await Expect(resolution.Locator("td")).ToHaveTextAsync(["Browser report payroll", "0", "0", "2", "0", "0", "–"]);

        await WholePageScreenshotAsync("sla-report.png");
        await AssertNoBlockingViolationsAsync("the SLA report");

    }

    private static async Task<(string Number, System.Net.Http.Headers.EntityTagHeaderValue ETag)> CreateAsync(HttpClient agent, string title, string service)
    {
        using var created = await agent.PostAsJsonAsync("api/incidents", new
        {
            title, impact = "high", urgency = "medium", service, assignmentGroup = "service-desk",
        });
        Assert.True(created.IsSuccessStatusCode, $"the incident was refused: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
        return ((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!, created.Headers.ETag!);
    }
}
