using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using ValueStreams.Engine.Runtime;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Engine;

/// <summary>
/// Service-level targets of human tasks, watched by Hangfire: a task still unclaimed at its response target, or still
/// open at its resolution target, is escalated once per target, and its people and the escalation group are told.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class ServiceLevelTests
{
    private static StreamFile WithTargets(string id, string respondWithin, string resolveWithin) => new StreamFile(id)
        .Start()
        .Step("triage", "human-task", new JsonObject
        {
            ["title"] = "Task triage",
            ["group"] = "service-desk",
            ["outcomes"] = new JsonArray(new JsonObject { ["id"] = "done", ["label"] = "Done" }),
            ["sla"] = new JsonObject { ["respondWithin"] = respondWithin, ["resolveWithin"] = resolveWithin, ["escalateTo"] = "service-desk-managers" },
        }, ["desk"])
        .Milestone()
        .End()
        .Chain("start", "triage", "value", "end");

    private static async Task<List<JsonElement>> EscalationsAsync(EngineApi api, string taskId) =>
        (await (await api.As("admin")).GetFromJsonAsync<JsonElement>($"/api/tasks/{taskId}/history")).EnumerateArray()
            .Where(e => e.GetProperty("action").GetString() == "escalated").ToList();

    private static async Task<List<string>> NoticesAsync(EngineApi api, string user) =>
        (await (await api.As(user)).GetFromJsonAsync<JsonElement>("/api/notifications")).EnumerateArray()
            .Select(n => n.GetProperty("text").GetString()!).ToList();

    private static async Task<List<JsonElement>> WaitForEscalationsAsync(EngineApi api, string taskId, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (true)
        {
            var escalations = await EscalationsAsync(api, taskId);
            if (escalations.Count >= count)
                return escalations;
            Assert.True(DateTime.UtcNow < deadline, $"task {taskId}: {escalations.Count} escalation(s) within 30 s, {count} expected");
            await Task.Delay(200);
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_task_that_misses_its_targets_is_escalated_once_for_each_and_its_people_are_told(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        // The response target leaves room to read the task before it passes, also on a busy machine: the wake-up clock
        // acts at the target's moment.
        await api.PublishAsync(WithTargets("sla-missed", "PT5S", "PT12S"));
        var instance = EngineApi.IdOf(await api.StartAsync("sla-missed"));
        var task = await api.OpenTaskAsync(instance, "triage");
        var taskId = EngineApi.IdOf(task);
        Assert.Equal(JsonValueKind.Null, task.GetProperty("priority").ValueKind);
        Assert.Equal(JsonValueKind.Null, task.GetProperty("responseMissedAt").ValueKind);
        Assert.Equal(task.GetProperty("resolveBy").GetDateTimeOffset(), task.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(TimeSpan.FromSeconds(7), task.GetProperty("resolveBy").GetDateTimeOffset() - task.GetProperty("respondBy").GetDateTimeOffset());

        // Nobody claims it: the scheduler's check escalates it for the response target.
        var first = Assert.Single(await WaitForEscalationsAsync(api, taskId, 1));
        Assert.Equal("system", first.GetProperty("actor").GetString());
        Assert.Equal("response target missed; priority now 3", first.GetProperty("detail").GetString());
        Assert.Contains("Response target missed: Task triage", await NoticesAsync(api, "agent"));
        Assert.Contains("Response target missed: Task triage", await NoticesAsync(api, "deskmanager"));

        // Claimed, but still open at the resolution target: escalated again, and the holder is told.
        Assert.True((await api.ClaimAsync("agent", taskId)).IsSuccessStatusCode);
        var both = await WaitForEscalationsAsync(api, taskId, 2);
        Assert.Equal("resolution target missed; priority now 2", both[1].GetProperty("detail").GetString());
        Assert.Contains("Resolution target missed: Task triage", await NoticesAsync(api, "agent"));
        Assert.Contains("Resolution target missed: Task triage", await NoticesAsync(api, "deskmanager"));
        var escalated = await api.OpenTaskAsync(instance, "triage");
        Assert.Equal(2, escalated.GetProperty("priority").GetInt32());
        Assert.True(escalated.GetProperty("responseMissedAt").GetDateTimeOffset() >= escalated.GetProperty("respondBy").GetDateTimeOffset());
        Assert.True(escalated.GetProperty("resolutionMissedAt").GetDateTimeOffset() >= escalated.GetProperty("resolveBy").GetDateTimeOffset());

        // A check that runs again (a retried or re-sent job) changes nothing.
        var watch = api.Host.Services.GetRequiredService<IServiceLevels>();
        Assert.Equal(0, await watch.CheckAsync(taskId, CancellationToken.None));
        Assert.Equal(2, (await EscalationsAsync(api, taskId)).Count);
        Assert.Equal(["resolution", "response"],
            (await api.JournalOfAsync(instance, "sla-missed", "triage")).Select(l => l.GetProperty("outcome").GetString()).Order());

        // The instance goes on as usual.
        await api.CompleteStepAsync(instance, "triage");
        Assert.Equal("completed", await api.StatusAsync(instance));
    }

    [Fact]
    public async Task A_task_claimed_and_completed_in_time_is_never_escalated()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(WithTargets("sla-kept", "PT6S", "PT7S"));
        var instance = EngineApi.IdOf(await api.StartAsync("sla-kept"));
        var task = await api.OpenTaskAsync(instance, "triage");
        var taskId = EngineApi.IdOf(task);

        Assert.True((await api.ClaimAsync("agent", taskId)).IsSuccessStatusCode);
        await api.CompleteAsync("agent", taskId, "done");
        // Both targets pass, and a second more for their checks to run.
        var passed = task.GetProperty("resolveBy").GetDateTimeOffset() + TimeSpan.FromSeconds(1) - DateTimeOffset.UtcNow;
        if (passed > TimeSpan.Zero)
            await Task.Delay(passed);

        var watch = api.Host.Services.GetRequiredService<IServiceLevels>();
        Assert.Equal(0, await watch.CheckAsync(taskId, CancellationToken.None));
        Assert.Empty(await EscalationsAsync(api, taskId));
        Assert.Empty(await api.JournalOfAsync(instance, "sla-missed"));
        Assert.DoesNotContain(await NoticesAsync(api, "deskmanager"), n => n.Contains("target missed", StringComparison.Ordinal));
        var due = await api.Host.Services.GetRequiredService<IDueItems>().DueBeforeAsync(DateTimeOffset.UtcNow, 100, CancellationToken.None);
        Assert.DoesNotContain(due, item => item.Target.EndsWith("/" + taskId, StringComparison.Ordinal));
    }
}
