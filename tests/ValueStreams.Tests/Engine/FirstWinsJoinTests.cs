using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Engine;

/// <summary>
/// A join in mode <c>first</c>: the first branch of its fork to arrive goes on, and the other branches are withdrawn in
/// the same transaction with whatever they left waiting (tasks, timers, event subscriptions, children). Nothing of a
/// withdrawn branch can reach the join later.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class FirstWinsJoinTests
{
    /// <summary>start → fork (e: await-ack (event 'ack') → join | t: wait (timer PT1H) → join) → join (first) → value → end.</summary>
    private static StreamFile EventOrTimer() => new StreamFile("first-event-or-timer")
        .Start().Fork("fork", "e", "t").WaitEvent("await-ack", "ack").Timer("wait", "PT1H").Join("join", "first").Milestone().End()
        .Connect("start", "fork").Connect("fork", "await-ack", "e").Connect("fork", "wait", "t")
        .Connect("await-ack", "join").Connect("wait", "join").Chain("join", "value", "end");

    /// <summary>start → fork (h: review (task) → join | t: wait (timer PT1H) → join) → join (first) → value → end.</summary>
    private static StreamFile TaskOrTimer() => new StreamFile("first-task-or-timer")
        .Start().Fork("fork", "h", "t").Task("review").Timer("wait", "PT1H").Join("join", "first").Milestone().End()
        .Connect("start", "fork").Connect("fork", "review", "h").Connect("fork", "wait", "t")
        .Connect("review", "join").Connect("wait", "join").Chain("join", "value", "end");

    /// <summary>The child a branch waits for: start → answer (task) → value → end.</summary>
    private static StreamFile WaitingChild() => new StreamFile("first-child")
        .Start().Task("answer").Milestone().End().Chain("start", "answer", "value", "end");

    /// <summary>start → fork (c: call (first-child, wait) → join | h: review (task) → join) → join (first) → value → end.</summary>
    private static StreamFile ChildOrTask() => new StreamFile("first-child-or-task")
        .Start().Fork("fork", "c", "h")
        .Step("call", "call-value-stream", new JsonObject { ["valueStream"] = "first-child", ["mode"] = "wait" })
        .Task("review").Join("join", "first").Milestone().End()
        .Connect("start", "fork").Connect("fork", "call", "c").Connect("fork", "review", "h")
        .Connect("call", "join").Connect("review", "join").Chain("join", "value", "end");

    private static async Task<int> PublishEventAsync(EngineApi api, string name, string correlationId)
    {
        var response = await (await api.As("agent")).PostAsJsonAsync("/api/events", new { name, correlationId });
        Assert.True(response.IsSuccessStatusCode, $"event {name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await BodyAsync(response)).GetProperty("resumed").GetInt32();
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task When_the_timer_wins_the_instance_completes_the_event_wait_is_withdrawn_and_a_later_event_does_nothing(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(EventOrTimer());
        var id = IdOf(await api.StartAsync("first-event-or-timer", correlationId: "INC-FW-1"));
        Assert.Equal("waiting", await api.StatusAsync(id));

        Assert.Equal(1, await api.FireTimersAsync(id));

        Assert.Equal("completed", await api.StatusAsync(id));
        var withdrawn = Assert.Single(await api.JournalOfAsync(id, "branch-cancelled", "join"));
        Assert.Contains("await-ack", withdrawn.GetProperty("detail").GetString());
        Assert.Contains("event 'ack'", withdrawn.GetProperty("detail").GetString());
        Assert.Equal(0, await PublishEventAsync(api, "ack", "INC-FW-1"));
        Assert.Empty(await api.JournalOfAsync(id, "event-received"));
        Assert.Single(await api.JournalOfAsync(id, "value-realised", "value"));
        Assert.Single(await api.JournalOfAsync(id, "step-completed", "join"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task When_the_event_wins_the_timer_is_cancelled_and_the_instance_completes(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(EventOrTimer());
        var id = IdOf(await api.StartAsync("first-event-or-timer", correlationId: "INC-FW-2"));

        Assert.Equal(1, await PublishEventAsync(api, "ack", "INC-FW-2"));

        Assert.Equal("completed", await api.StatusAsync(id));
        var withdrawn = Assert.Single(await api.JournalOfAsync(id, "branch-cancelled", "join"));
        Assert.Contains("timer", withdrawn.GetProperty("detail").GetString());
        // The timer was cancelled: nothing is left to fire.
        Assert.Equal(0, await api.FireTimersAsync(id));
        Assert.Empty(await api.JournalOfAsync(id, "timer-fired"));
        Assert.Single(await api.JournalOfAsync(id, "step-completed", "join"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_losing_human_task_branch_has_its_task_cancelled_and_a_late_completion_is_refused(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(TaskOrTimer());
        var id = IdOf(await api.StartAsync("first-task-or-timer"));
        var task = await api.OpenTaskAsync(id, "review");

        Assert.Equal(1, await api.FireTimersAsync(id));

        Assert.Equal("completed", await api.StatusAsync(id));
        Assert.Empty(await api.TasksOfAsync(id));
        var cancelled = Assert.Single(await api.TasksOfAsync(id, "done"));
        Assert.Equal(IdOf(task), IdOf(cancelled));
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        var history = await (await api.As("admin")).GetStringAsync($"/api/tasks/{IdOf(task)}/history");
        Assert.Contains("first-wins join 'join'", history);
        var late = await api.TryCompleteAsync("agent", IdOf(task), "done");
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Single(await api.JournalOfAsync(id, "step-completed", "join"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_losing_branch_that_waits_for_a_child_has_the_child_cancelled(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(WaitingChild());
        await api.PublishAsync(ChildOrTask());
        var id = IdOf(await api.StartAsync("first-child-or-task"));
        var childId = (await api.JournalOfAsync(id, "child-started", "call")).Single().GetProperty("detail").GetString()!.Split(' ')[1];
        await api.WaitForAsync(childId, i => ActiveSteps(i).Contains("answer"), "the child waiting at its task");

        await api.CompleteStepAsync(id, "review");

        Assert.Equal("completed", await api.StatusAsync(id));
        Assert.Equal("cancelled", await api.StatusAsync(childId));
        Assert.Empty(await api.TasksOfAsync(childId));
        Assert.Contains(childId, Assert.Single(await api.JournalOfAsync(id, "branch-cancelled", "join")).GetProperty("detail").GetString());
        Assert.Single(await api.JournalOfAsync(childId, "instance-cancelled"));
    }
}
