using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Security;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Records;

/// <summary>The change schedule page, as the server renders it for a signed-in agent.</summary>
[Collection(nameof(HostCollection))]
public sealed class ChangeSchedulePageTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_schedule_page_lists_the_changes_by_day_and_marks_the_clashing_ones(StorageProvider provider)
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
        var page = await browser.GetStringAsync("/records/changes/schedule");

        Assert.Contains("Change schedule", page);
        Assert.All(numbers, number => Assert.Contains(number, page));
        Assert.Equal(2, System.Text.RegularExpressions.Regex.Count(page, "data-clashes=\"1\""));
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(page, "data-clashes=\"0\""));
    }
}
