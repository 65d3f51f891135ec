using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Security;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Records;

/// <summary>The change schedule page (a calendar), as the server renders it for a signed-in agent.</summary>
[Collection(nameof(HostCollection))]
public sealed class ChangeSchedulePageTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_schedule_page_shows_the_week_of_the_changes_and_marks_the_clashing_ones(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");
        var tomorrow = new DateTimeOffset(DateTimeOffset.UtcNow.UtcDateTime.Date.AddDays(1), TimeSpan.Zero);
        var cis = await RecordApi.ItemsAsync(agent, "RTR01", "PRN01");
        var numbers = new List<string>();
        foreach (var (title, ci, from) in new[] { ("Upgrade the router", cis["RTR01"], 9), ("Re-cable the router", cis["RTR01"], 10), ("Patch the printer", cis["PRN01"], 10) })
        {
            var created = await agent.PostAsJsonAsync("/api/changes", new
            {
                title, type = "normal", risk = "medium", configurationItem = ci, plannedStart = tomorrow.AddHours(from), plannedEnd = tomorrow.AddHours(from + 2),
            });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            numbers.Add((await created.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("number").GetString()!);
        }

        var browser = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await CookieSignIn.SignInAsync(browser, "agent")).StatusCode);
        var page = await browser.GetStringAsync($"/records/changes/schedule?view=week&from={tomorrow:yyyy-MM-dd}");

        Assert.Contains("Change schedule", page);
        Assert.Contains($"data-day=\"{tomorrow:yyyy-MM-dd}\"", page);
        Assert.Contains("data-clash-count=\"1\"", page);
        Assert.Contains("1 clash this week", page);
        Assert.All(numbers, number => Assert.Contains(number, page));
        Assert.Equal(2, Regex.Count(page, "data-clashes=\"1\""));
        Assert.Single(Regex.Matches(page, "data-clashes=\"0\""));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Unknown_views_and_dates_in_the_address_show_the_current_week_and_a_month_shows_its_whole_weeks(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var browser = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await CookieSignIn.SignInAsync(browser, "agent")).StatusCode);
        var today = DateTime.UtcNow.Date;
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));

        foreach (var query in new[] { "", "?view=year", "?view=week&from=next-tuesday", "?from=2026-13-45", "?view=month&from=0001-01-01",
                     "?view=week&from=99999-01-01", "?view=%3Cscript%3E&from=%27" })
        {
            var page = await browser.GetAsync($"/records/changes/schedule{query}");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            var html = await page.Content.ReadAsStringAsync();
            Assert.Contains($"data-view=\"week\" data-from=\"{monday:yyyy-MM-dd}\"", html);
            Assert.Equal(7, Regex.Count(html, "data-testid=\"schedule-day\""));
        }

        // A Wednesday in the address shows its week from Monday.
        var week = await browser.GetStringAsync("/records/changes/schedule?view=week&from=2027-03-03");
        Assert.Contains("data-view=\"week\" data-from=\"2027-03-01\"", week);
        // Its month is the one that holds its Thursday: the week of Monday 29 March 2027 goes to April.
        Assert.Contains("href=\"/records/changes/schedule?view=month&amp;from=2027-03-04\"", week);
        Assert.Contains("href=\"/records/changes/schedule?view=month&amp;from=2027-04-01\"",
            await browser.GetStringAsync("/records/changes/schedule?view=week&from=2027-03-29"));
        // February 2027 starts on a Monday and fills four weeks; Earlier, Later and Week keep the day it was opened at.
        var month = await browser.GetStringAsync("/records/changes/schedule?view=month&from=2027-02-17");
        Assert.Contains("data-view=\"month\" data-from=\"2027-02-01\"", month);
        Assert.Equal(28, Regex.Count(month, "data-testid=\"schedule-day\""));
        Assert.Contains("href=\"/records/changes/schedule?view=month&amp;from=2027-01-17\"", month);
        Assert.Contains("href=\"/records/changes/schedule?view=month&amp;from=2027-03-17\"", month);
        Assert.Contains("href=\"/records/changes/schedule?view=week&amp;from=2027-02-15\"", month);
        // March 2027 runs Monday 1 to Wednesday 31: five weeks, the last four days outside it.
        var march = await browser.GetStringAsync("/records/changes/schedule?view=month&from=2027-03-01");
        Assert.Equal(35, Regex.Count(march, "data-testid=\"schedule-day\""));
        Assert.Equal(4, Regex.Count(march, "class=\"vs-cal-outside"));
    }
}
