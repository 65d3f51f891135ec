using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace ValueStreams.BrowserTests;

/// <summary>The change schedule as a calendar: a week of day columns and a month of weeks, with clashing changes marked.</summary>
public sealed class ChangeScheduleTests(HostProcess host) : InboxBrowserTest(host)
{
    [Fact]
    public async Task Two_normal_changes_on_one_CI_in_overlapping_windows_show_on_their_days_marked_as_clashing_in_the_week_and_the_month()
    {
        // Next week's Thursday and Friday: the first change on Thursday morning, the second from late morning to Friday.
        using var api = await ApiAsync("admin");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var nextMonday = today.AddDays(7 - ((int)today.DayOfWeek + 6) % 7);
        var (thursday, friday) = (nextMonday.AddDays(3), nextMonday.AddDays(4));
        var at = new DateTimeOffset(thursday.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var suffix = Guid.NewGuid().ToString("N")[..6];
        var ci = await CreateAsync(api, "configuration-items", new { title = $"Core switch {suffix}", ciType = "network" });
        var first = await CreateAsync(api, "changes", new
        {
            title = "Upgrade the core switch firmware", type = "normal", risk = "medium", configurationItem = ci,
            plannedStart = at.AddHours(9), plannedEnd = at.AddHours(12),
        });
        var second = await CreateAsync(api, "changes", new
        {
            title = "Re-cable the core switch uplinks", type = "normal", risk = "medium", configurationItem = ci,
            plannedStart = at.AddHours(11), plannedEnd = at.AddHours(34),
        });
        // An emergency change on Tuesday on another item clashes with nothing.
        var gateway = await CreateAsync(api, "configuration-items", new { title = $"Mail gateway {suffix}", ciType = "network" });
        var emergency = await CreateAsync(api, "changes", new
        {
            title = "Patch the mail gateway now", type = "emergency", risk = "high", configurationItem = gateway,
            plannedStart = at.AddDays(-2).AddHours(18), plannedEnd = at.AddDays(-2).AddHours(19),
        });

        await Page.SetViewportSizeAsync(1400, 900);
        await SignInAsync("admin", path: "/records/changes/schedule");
        await WaitForInteractiveAsync("change-schedule");
        await Expect(Page.Locator("[data-testid=schedule-week] th")).ToHaveCountAsync(7);
        await Expect(Page.Locator("[data-testid=schedule-week] th").First).ToContainTextAsync("Mon");

        // Later goes to next week, and the address names it.
        await Page.Locator("[data-testid=schedule-later]").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex($@"\?view=week&from={nextMonday:yyyy-MM-dd}$"));
        await Expect(Page.Locator("[data-testid=change-schedule]")).ToHaveAttributeAsync("data-from", nextMonday.ToString("yyyy-MM-dd"));
        var thursdayColumn = Day(thursday);
        var fridayColumn = Day(friday);
        await Expect(thursdayColumn.Locator($"[data-number='{first}']")).ToContainTextAsync("Upgrade the core switch firmware");
        await Expect(thursdayColumn.Locator($"[data-number='{first}']")).ToContainTextAsync("09:00–12:00");
        await Expect(thursdayColumn.Locator($"[data-number='{second}']")).ToContainTextAsync("11:00–…");
        // The second change runs into Friday and shows there too; the first does not.
        await Expect(fridayColumn.Locator($"[data-number='{second}']")).ToContainTextAsync("…–10:00");
        await Expect(fridayColumn.Locator($"[data-number='{first}']")).ToHaveCountAsync(0);
        await Expect(Page.Locator($"[data-number='{first}']")).ToHaveCountAsync(1);

        // Both are marked as clashing, each naming the other, and the summary counts the clash.
        foreach (var (change, other) in new[] { (first, second), (second, first) })
        {
            var card = thursdayColumn.Locator($"[data-number='{change}']");
            await Expect(card).ToHaveAttributeAsync("data-clashes", "1");
            await Expect(card).ToHaveAttributeAsync("title", new Regex($"Clashes with {other}$"));
            await Expect(card.Locator("[data-testid=clash-mark]")).ToBeVisibleAsync();
            await Expect(card.Locator("[data-testid=change-clashes]")).ToHaveTextAsync($"Clashes with {other}");
            await Expect(card.Locator($"[data-testid=change-clashes] a[href='/records/changes/{other}']")).ToBeVisibleAsync();
        }
        await Expect(Page.Locator("[data-testid=schedule-clash-summary]")).ToContainTextAsync($"{first} ↔ {second}");
        await Expect(Day(thursday.AddDays(-2)).Locator($"[data-number='{emergency}']")).ToHaveAttributeAsync("data-clashes", "0");
        await Expect(Page.Locator($"[data-number='{emergency}']")).ToHaveClassAsync(new Regex("vs-change-emergency"));
        await Expect(Page.Locator($"[data-number='{emergency}'] [data-testid=clash-mark]")).ToHaveCountAsync(0);
        await Expect(Page.Locator($"[data-number='{first}']")).ToHaveClassAsync(new Regex("vs-change-normal"));
        await Expect(Page.Locator($"[data-number='{first}'] a.vs-change-link")).ToHaveAttributeAsync("href", new Regex(@"^/records/changes/[^/]+$"));
        await WholePageScreenshotAsync("change-schedule.png");
        await AssertNoBlockingViolationsAsync("the change schedule's week");

        // The month (the one that holds the week's Thursday) holds both changes, still marked, on every day of it they cover.
        await Page.Locator("[data-testid=schedule-view-month]").ClickAsync();
        await Expect(Page.Locator("[data-testid=change-schedule]")).ToHaveAttributeAsync("data-view", "month");
        var month = thursday;
        await Expect(Page).ToHaveURLAsync(new Regex($@"\?view=month&from={month:yyyy-MM-dd}$"));
        await Expect(Page.Locator("[data-testid=schedule-month] tbody tr")).ToHaveCountAsync(WeeksOf(month));
        await Expect(Day(thursday).Locator($"[data-number='{first}'][data-clashes='1'] [data-testid=clash-mark]")).ToBeVisibleAsync();
        await Expect(Day(thursday).Locator($"[data-number='{second}'][data-clashes='1']")).ToBeVisibleAsync();
        await Expect(Page.Locator($"[data-number='{second}']")).ToHaveCountAsync(friday.Month == month.Month ? 2 : 1);
        await WholePageScreenshotAsync("change-schedule-month.png");
        await AssertNoBlockingViolationsAsync("the change schedule's month");

        // And back to the same week.
        await Page.Locator("[data-testid=schedule-view-week]").ClickAsync();
        await Expect(Page.Locator("[data-testid=change-schedule]")).ToHaveAttributeAsync("data-view", "week");
        await Expect(Page.Locator("[data-testid=change-schedule]")).ToHaveAttributeAsync("data-from", nextMonday.ToString("yyyy-MM-dd"));
        await Expect(Day(friday).Locator($"[data-number='{second}']")).ToBeVisibleAsync();

        // Today comes back to this week.
        await Page.Locator("[data-testid=schedule-today]").ClickAsync();
        await Expect(Page.Locator("[data-testid=change-schedule]")).ToHaveAttributeAsync("data-from", nextMonday.AddDays(-7).ToString("yyyy-MM-dd"));
        await Expect(Page.Locator($"[data-number='{first}']")).ToHaveCountAsync(0);
    }

    private Microsoft.Playwright.ILocator Day(DateOnly day) => Page.Locator($"[data-testid=schedule-day][data-day='{day:yyyy-MM-dd}']");

    /// <summary>How many Monday-to-Sunday weeks the month of <paramref name="day"/> touches.</summary>
    private static int WeeksOf(DateOnly day)
    {
        var first = new DateOnly(day.Year, day.Month, 1);
        var lead = ((int)first.DayOfWeek + 6) % 7;
        return (lead + DateTime.DaysInMonth(day.Year, day.Month) + 6) / 7;
    }

    private static async Task<string> CreateAsync(HttpClient api, string collection, object body)
    {
        using var created = await api.PostAsJsonAsync($"api/{collection}", body);
        Assert.True(created.IsSuccessStatusCode, $"creating in {collection} answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;
    }
}
