using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ValueStreams.Engine.Runtime;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

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

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Completing_or_cancelling_a_task_marks_its_notifications_read_and_the_unread_count_drops(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var agent = await api.As("agent");
        var first = await api.StartAsync("incident-resolution");
        var logging = IdOf(await api.OpenTaskAsync(IdOf(first), "log-incident"));
        var second = await api.StartAsync("incident-resolution");
        var secondLogging = IdOf(await api.OpenTaskAsync(IdOf(second), "log-incident"));
        Assert.False(await IsReadAsync(agent, logging));
        Assert.False(await IsReadAsync(agent, secondLogging));
        var unread = await UnreadAsync(agent);
        Assert.True(unread >= 2);

        await api.CompleteStepAsync(IdOf(first), "log-incident", "logged", new
        {
            summary = "No WiFi in the loading bay", businessImpact = "Forklift drivers cannot get instructions", priority = "P2",
            category = "network", reporterName = "Walt", reporterEmail = "walt@example.com",
        });

        Assert.True(await IsReadAsync(agent, logging));
        Assert.False(await IsReadAsync(agent, secondLogging));
        // The bell counts what is unread: the completed task no longer, a task the completion opened for the agent's group yes.
        var opened = (await api.TasksOfAsync(IdOf(first))).Select(IdOf).ToHashSet();
        Assert.Equal(unread - 1 + (await NoticesAsync(agent)).Count(n => opened.Contains(n.GetProperty("taskId").GetString()!)), await UnreadAsync(agent));

        (await api.ControlAsync("admin", IdOf(second), "cancel")).EnsureSuccessStatusCode();

        Assert.True(await IsReadAsync(agent, secondLogging));
    }

    private static async Task<List<JsonElement>> NoticesAsync(HttpClient client) =>
        (await client.GetFromJsonAsync<JsonElement>("/api/notifications")).EnumerateArray().ToList();

    private static async Task<int> UnreadAsync(HttpClient client) =>
        (await NoticesAsync(client)).Count(n => n.GetProperty("readAt").ValueKind == JsonValueKind.Null);

    /// <summary>Whether every notification about the task is read (and there is one).</summary>
    private static async Task<bool> IsReadAsync(HttpClient client, string taskId)
    {
        var about = (await NoticesAsync(client)).Where(n => n.GetProperty("taskId").GetString() == taskId).ToList();
        Assert.NotEmpty(about);
        return about.All(n => n.GetProperty("readAt").ValueKind != JsonValueKind.Null);
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
