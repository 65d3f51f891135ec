using System.Net.Http.Json;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Engine;

/// <summary>
/// Events and waits that do not meet in time: an event published while nothing waits for it is kept for the engine's
/// event retention, and the first wait for it that starts in that time takes it, exactly once. Published before,
/// during and after the wait, expired, duplicated, and refused by a step that accepts no earlier events.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class EventRetentionTests
{
    /// <summary>start → prep (task) → await-ack (event 'ack') → keep (received = payload) → value → end.</summary>
    private static StreamFile PrepThenWait(string id = "ev-prep", string? acceptEarlierEvents = null)
    {
        var file = new StreamFile(id).Variable("received", "object")
            .Start().Task("prep").WaitEvent("await-ack", "ack").SetVariables("keep", ("received", "outputs['await-ack'].payload")).Milestone().End()
            .Chain("start", "prep", "await-ack", "keep", "value", "end");
        return acceptEarlierEvents is null ? file : file.WithProperty("await-ack", "acceptEarlierEvents", acceptEarlierEvents);
    }

    /// <summary>start → await-ack (event 'ack') → value → end.</summary>
    private static StreamFile WaitAtOnce() => new StreamFile("ev-wait")
        .Start().WaitEvent("await-ack", "ack").Milestone().End().Chain("start", "await-ack", "value", "end");

    private static async Task<JsonElement> PublishAsync(EngineApi api, string correlationId, object? payload = null, string user = "agent")
    {
        var response = await (await api.As(user)).PostAsJsonAsync("/api/events", new { name = "ack", correlationId, payload });
        var body = await BodyAsync(response);
        Assert.True(response.IsSuccessStatusCode, $"event ack/{correlationId}: {(int)response.StatusCode} {body}");
        return body;
    }

    private static int Resumed(JsonElement body) => body.GetProperty("resumed").GetInt32();

    private static bool Retained(JsonElement body) => body.GetProperty("retained").GetBoolean();

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_event_published_before_the_wait_is_kept_and_taken_when_the_wait_starts(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(PrepThenWait());
        var id = IdOf(await api.StartAsync("ev-prep", correlationId: "EV-1"));

        var published = await PublishAsync(api, "EV-1", new { by = "supplier" });
        Assert.Equal(0, Resumed(published));
        Assert.True(Retained(published));
        Assert.Equal("waiting", await api.StatusAsync(id));

        await api.CompleteStepAsync(id, "prep");

        var after = await api.InstanceAsync(id);
        Assert.Equal("completed", after.GetProperty("status").GetString());
        Assert.Equal("supplier", after.GetProperty("variables").GetProperty("received").GetProperty("by").GetString());
        var received = Assert.Single(await api.JournalOfAsync(id, "event-received", "await-ack"));
        Assert.Contains("before the wait started", received.GetProperty("detail").GetString());
        Assert.Empty(await api.JournalOfAsync(id, "event-awaited"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_event_published_during_the_wait_resumes_it_at_once_and_is_not_kept(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(WaitAtOnce());
        var id = IdOf(await api.StartAsync("ev-wait", correlationId: "EV-2"));

        var published = await PublishAsync(api, "EV-2");

        Assert.Equal(1, Resumed(published));
        Assert.False(Retained(published));
        Assert.Equal("completed", await api.StatusAsync(id));
        Assert.Contains("published while waiting",
            Assert.Single(await api.JournalOfAsync(id, "event-received", "await-ack")).GetProperty("detail").GetString());
        // Nothing was kept: the next wait for the same correlation waits.
        var next = IdOf(await api.StartAsync("ev-wait", correlationId: "EV-2"));
        Assert.Equal("waiting", await api.StatusAsync(next));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_event_published_after_the_instance_went_past_is_kept_then_expires_unconsumed(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider, new Dictionary<string, string?> { ["ValueStreams:Engine:EventRetention"] = "00:00:01" });
        await api.PublishAsync(WaitAtOnce());
        var id = IdOf(await api.StartAsync("ev-wait", correlationId: "EV-3"));
        Assert.Equal(1, Resumed(await PublishAsync(api, "EV-3")));

        var late = await PublishAsync(api, "EV-3");

        Assert.Equal(0, Resumed(late));
        Assert.True(Retained(late));
        Assert.Single(await api.JournalOfAsync(id, "event-received"));
        Assert.Single(await api.JournalOfAsync(id, "instance-completed"));
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        var next = IdOf(await api.StartAsync("ev-wait", correlationId: "EV-3"));
        Assert.Equal("waiting", await api.StatusAsync(next));
        Assert.Empty(await api.JournalOfAsync(next, "event-received"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_duplicate_event_advances_the_instance_once_and_each_kept_event_is_taken_by_one_wait_only(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(PrepThenWait());
        var first = IdOf(await api.StartAsync("ev-prep", correlationId: "EV-4"));
        Assert.True(Retained(await PublishAsync(api, "EV-4", "one")));
        Assert.True(Retained(await PublishAsync(api, "EV-4", "two")));

        await api.CompleteStepAsync(first, "prep");

        Assert.Equal("completed", await api.StatusAsync(first));
        Assert.Single(await api.JournalOfAsync(first, "event-received"));
        Assert.Single(await api.JournalOfAsync(first, "step-completed", "keep"));
        Assert.Equal("one", (await api.InstanceAsync(first)).GetProperty("variables").GetProperty("received").GetString());

        // The duplicate is still kept: the next wait takes it, and the one after finds nothing.
        var second = IdOf(await api.StartAsync("ev-prep", correlationId: "EV-4"));
        await api.CompleteStepAsync(second, "prep");
        Assert.Equal("two", (await api.InstanceAsync(second)).GetProperty("variables").GetProperty("received").GetString());
        var third = IdOf(await api.StartAsync("ev-prep", correlationId: "EV-4"));
        await api.CompleteStepAsync(third, "prep");
        Assert.Equal("waiting", await api.StatusAsync(third));
        Assert.Contains("await-ack", ActiveSteps(await api.InstanceAsync(third)));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_step_that_accepts_no_earlier_events_waits_for_a_new_one(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(PrepThenWait("ev-strict", acceptEarlierEvents: "PT0S"));
        var id = IdOf(await api.StartAsync("ev-strict", correlationId: "EV-5"));
        Assert.True(Retained(await PublishAsync(api, "EV-5", "early")));

        await api.CompleteStepAsync(id, "prep");

        Assert.Equal("waiting", await api.StatusAsync(id));
        Assert.Equal(1, Resumed(await PublishAsync(api, "EV-5", "fresh")));
        Assert.Equal("fresh", (await api.InstanceAsync(id)).GetProperty("variables").GetProperty("received").GetString());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_kept_event_is_taken_only_by_an_instance_its_publisher_may_see(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(PrepThenWait());
        var id = IdOf(await api.StartAsync("ev-prep", correlationId: "EV-6", user: "agent"));
        // The engineer may not see the agent's instance (no task of theirs in it): the event is kept but not for it.
        Assert.True(Retained(await PublishAsync(api, "EV-6", "from-engineer", user: "engineer")));

        await api.CompleteStepAsync(id, "prep");

        Assert.Equal("waiting", await api.StatusAsync(id));
        Assert.Empty(await api.JournalOfAsync(id, "event-received"));
        Assert.Equal(1, Resumed(await PublishAsync(api, "EV-6", "from-agent")));
        Assert.Equal("from-agent", (await api.InstanceAsync(id)).GetProperty("variables").GetProperty("received").GetString());
    }
}
