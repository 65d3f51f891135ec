using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ValueStreams.Engine.Runtime;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Api;

/// <summary>People hear of the tasks that wait for them: in the app at once, by email in the next batch.</summary>
[Collection(nameof(HostCollection))]
public sealed class NotificationTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_new_task_notifies_its_group_in_the_app_and_by_email_once(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider, new Dictionary<string, string?> { ["ValueStreams:DemoUsers"] = "true" });
        var agent = await host.ClientForAsync("agent");
        var engineer = await host.ClientForAsync("engineer");

        var started = await agent.PostAsJsonAsync("/api/value-streams/incident-resolution/instances", new { input = new { } });
        started.EnsureSuccessStatusCode();

        var forAgent = await agent.GetFromJsonAsync<JsonElement>("/api/notifications");
        var notice = Assert.Single(forAgent.EnumerateArray());
        Assert.StartsWith("New task for service-desk: Log and prioritise", notice.GetProperty("text").GetString());
        Assert.Empty((await engineer.GetFromJsonAsync<JsonElement>("/api/notifications")).EnumerateArray());

        var people = host.Services.GetRequiredService<IPeopleNotifier>();
        await people.EmailNotificationsAsync(CancellationToken.None);
        await people.EmailNotificationsAsync(CancellationToken.None);

        var mails = Directory.GetFiles(Path.Combine(host.DataDirectory, "mail"), "*.eml").Select(File.ReadAllText).ToList();
        var toAgent = Assert.Single(mails, m => m.Contains("agent@demo.valuestreams.local", StringComparison.Ordinal) && m.Contains("New task for service-desk", StringComparison.Ordinal));
        Assert.Contains("/tasks/", toAgent);
    }

    [Fact]
    public async Task Delegating_a_task_notifies_the_person_it_is_handed_to()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var agent = await host.ClientForAsync("agent");
        var engineer = await host.ClientForAsync("engineer");
        (await agent.PostAsJsonAsync("/api/value-streams/incident-resolution/instances", new { input = new { } })).EnsureSuccessStatusCode();
        var task = (await agent.GetFromJsonAsync<JsonElement>("/api/tasks?scope=group")).EnumerateArray().Single();

        var delegated = await agent.PostAsJsonAsync($"/api/tasks/{task.GetProperty("id").GetString()}/delegate", new { assignee = "engineer" });
        delegated.EnsureSuccessStatusCode();

        var notice = Assert.Single((await engineer.GetFromJsonAsync<JsonElement>("/api/notifications")).EnumerateArray());
        Assert.StartsWith("New task for you:", notice.GetProperty("text").GetString());
        var history = (await agent.GetFromJsonAsync<JsonElement>($"/api/tasks/{task.GetProperty("id").GetString()}/history")).EnumerateArray()
            .Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["created", "delegated"], history);
    }
}
