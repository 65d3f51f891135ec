using System.Net.Http.Json;
using System.Text.Json;

namespace ValueStreams.BrowserTests;

/// <summary>A record's service level card shows its warning ladder: warned at 50 %, at 75 %, breached, each with its times and cause.</summary>
public sealed class SlaTimelineTests(HostProcess host) : InboxBrowserTest(host)
{
    [Fact]
    public async Task An_incident_past_its_target_shows_each_warning_and_the_breach_with_business_and_wall_time_and_what_set_it()
    {
        // Incidents of this category get a 12-second resolution target around the clock, with the default ladder.
        using var admin = await ApiAsync("admin");
        using var policy = await admin.PostAsJsonAsync("api/service-levels/policies", new
        {
            id = "browser-sla-timeline", name = "Browser SLA timeline", recordKind = "incident", calendar = "24x7",
            conditions = new { category = new[] { "sla-timeline" } },
            clocks = new[] { new { name = "resolution", pauseIn = new[] { "on-hold" }, stopIn = new[] { "closed" }, targets = new Dictionary<string, object> { ["*"] = new { within = "PT12S" } } } },
        });
        Assert.True(policy.IsSuccessStatusCode, $"the policy was refused: {(int)policy.StatusCode} {await policy.Content.ReadAsStringAsync()}");

        using var agent = await ApiAsync("agent");
        using var created = await agent.PostAsJsonAsync("api/incidents", new
        {
            title = "Payroll export stuck", impact = "medium", urgency = "medium", category = "sla-timeline", assignmentGroup = "service-desk", assignee = "agent",
        });
        var number = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;
        // A short hold: the ladder moves on by the paused time, and the resume is what set its moments.
        using (var hold = new HttpRequestMessage(HttpMethod.Patch, $"api/incidents/{number}")
               { Content = JsonContent.Create(new { state = "on-hold", onHoldReason = "Waiting for the payroll provider" }) })
        {
            hold.Headers.IfMatch.Add(created.Headers.ETag!);
            using var held = await agent.SendAsync(hold);
            Assert.True(held.IsSuccessStatusCode, $"on hold answered {(int)held.StatusCode}");
            await Task.Delay(1500);
            using var resume = new HttpRequestMessage(HttpMethod.Patch, $"api/incidents/{number}") { Content = JsonContent.Create(new { state = "in-progress" }) };
            resume.Headers.IfMatch.Add(held.Headers.ETag!);
            using var resumed = await agent.SendAsync(resume);
            Assert.True(resumed.IsSuccessStatusCode, $"resume answered {(int)resumed.StatusCode}");
        }

        // The wake-up clock fires the three thresholds at their moments; wait for the breach through the API.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var clocks = await agent.GetFromJsonAsync<JsonElement>($"api/incidents/{number}/sla");
            var stages = clocks.EnumerateArray().Single(c => c.GetProperty("name").GetString() == "resolution").GetProperty("stages").EnumerateArray().ToList();
            if (stages.Count == 3 && stages.All(s => s.GetProperty("firedAt").ValueKind != JsonValueKind.Null))
            {
                Assert.Equal(["warned at 50 %", "warned at 75 %", "breached"], stages.Select(s => s.GetProperty("stage").GetString()));
                Assert.All(stages, s => Assert.Equal("on-hold → in-progress", s.GetProperty("cause").GetString()));
                break;
            }
            Assert.True(DateTime.UtcNow < deadline, $"the ladder did not fire within 60 s: {clocks}");
            await Task.Delay(250);
        }

        await Page.SetViewportSizeAsync(1400, 900);
        await SignInAsync("agent", path: $"/records/incidents/{number}");
        await WaitForInteractiveAsync("record-page");
        var resolution = Page.Locator("[data-testid=record-clock][data-clock=resolution]");
        await Expect(resolution).ToHaveAttributeAsync("data-state", "breached");
        var stagesShown = resolution.Locator("[data-testid=clock-stage]");
        await Expect(stagesShown).ToHaveCountAsync(3);
        await Expect(stagesShown.Nth(0)).ToContainTextAsync("Warned at 50 %");
        await Expect(stagesShown.Nth(0)).ToContainTextAsync("6 s working time");
        await Expect(stagesShown.Nth(1)).ToContainTextAsync("Warned at 75 %");
        await Expect(stagesShown.Nth(2)).ToContainTextAsync("Breached");
        await Expect(stagesShown.Nth(2)).ToContainTextAsync("set by on-hold → in-progress");
        await resolution.Locator("summary").ClickAsync();
        await Expect(resolution.Locator("[data-testid=clock-event]").Nth(1)).ToContainTextAsync("pause: new → on-hold: Waiting for the payroll provider");
        await Page.Locator("[data-testid=record-clocks]").ScreenshotAsync(new() { Path = Host.Screenshot("sla-timeline.png") });
        await AssertNoBlockingViolationsAsync("the record page with a breached clock");
    }
}
