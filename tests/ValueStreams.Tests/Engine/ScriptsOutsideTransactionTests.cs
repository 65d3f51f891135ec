using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Engine;

/// <summary>
/// Script steps run outside the store's write transaction: a slow script holds up only its own instance, and its
/// result is applied once, with the journal it always had. Both stores; the point is SQLite's single write lock.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class ScriptsOutsideTransactionTests
{
    /// <summary>Scripts may run for seconds here (the defaults are one second, 100,000 statements and 16 MB allocated).</summary>
    private static readonly Dictionary<string, string?> SlowScriptsAllowed = new()
    {
        ["ValueStreams:Expressions:Timeout"] = "00:00:30",
        ["ValueStreams:Expressions:MaxStatements"] = "0",
        ["ValueStreams:Expressions:MemoryBytes"] = "0",
    };

    /// <summary>start → go (task) → slow (a script that busy-waits 8 s) → value → end.</summary>
    private static StreamFile Slow() => new StreamFile("so-slow")
        .Variable("slept", "boolean")
        .Start()
        .Task("go")
        .Script("slow", "const until = Date.now() + 8000; while (Date.now() < until) { } vars.slept = true;")
        .Milestone()
        .End()
        .Chain("start", "go", "slow", "value", "end");

    /// <summary>start → desk (task) → value → end: a stream with no script.</summary>
    private static StreamFile Unrelated() => new StreamFile("so-unrelated")
        .Start().Task("desk").Milestone().End()
        .Chain("start", "desk", "value", "end");

    /// <summary>start → double (script) → value → end.</summary>
    private static StreamFile Quick() => new StreamFile("so-quick")
        .Variable("count", "number", 21)
        .Start()
        .Script("double", "vars.count = vars.count * 2;")
        .Milestone()
        .End()
        .Chain("start", "double", "value", "end");

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_start_of_another_stream_commits_while_a_slow_script_is_still_running(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider, SlowScriptsAllowed);
        await api.PublishAsync(Slow());
        await api.PublishAsync(Unrelated());
        var slowId = IdOf(await api.StartAsync("so-slow"));
        var go = IdOf(await api.OpenTaskAsync(slowId, "go"));

        // Completing the task runs the slow script; the call answers only after it.
        var completing = api.CompleteAsync("agent", go, "done");
        // The run that reached the script has committed: the instance waits at it, visibly, while the script runs.
        await api.WaitForAsync(slowId, i => ActiveSteps(i).Contains("slow"), "the slow script's step being reached and committed", TimeSpan.FromSeconds(30));

        var other = await api.StartAsync("so-unrelated");

        // The other start committed (it answered 201 with its task) while the script was still running.
        Assert.Equal("waiting", other.GetProperty("status").GetString());
        Assert.False(completing.IsCompleted, "the slow script had finished before the other start answered");
        Assert.Equal(["slow"], ActiveSteps(await api.InstanceAsync(slowId)));
        Assert.Single(await api.TasksOfAsync(IdOf(other)));

        var done = await completing;
        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.True(done.GetProperty("variables").GetProperty("slept").GetBoolean());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_script_runs_once_and_the_start_answers_with_its_result_and_journal(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(Quick());

        var started = await api.StartAsync("so-quick");
        var id = IdOf(started);

        Assert.Equal("completed", started.GetProperty("status").GetString());
        Assert.Equal(42, started.GetProperty("variables").GetProperty("count").GetInt32());
        Assert.Single(await api.JournalOfAsync(id, "step-entered", "double"));
        var completed = Assert.Single(await api.JournalOfAsync(id, "step-completed", "double"));
        Assert.Equal("done", completed.GetProperty("outcome").GetString());
        Assert.Single(await api.JournalOfAsync(id, "instance-completed"));
        // The stored instance is the one the start answered with.
        var stored = await api.InstanceAsync(id);
        Assert.Equal("completed", stored.GetProperty("status").GetString());
        Assert.Equal(42, stored.GetProperty("variables").GetProperty("count").GetInt32());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Eight_slow_scripts_run_side_by_side_and_each_applies_once(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider, SlowScriptsAllowed);
        await api.PublishAsync(new StreamFile("so-short")
            .Variable("n", "number", 0)
            .Start()
            .Script("wait", "const until = Date.now() + 300; while (Date.now() < until) { } vars.n = vars.n + 1;")
            .Milestone().End()
            .Chain("start", "wait", "value", "end"));

        var starts = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => api.StartAsync("so-short")));

        foreach (var started in starts)
        {
            Assert.Equal("completed", started.GetProperty("status").GetString());
            Assert.Equal(1, started.GetProperty("variables").GetProperty("n").GetInt32());
            Assert.Single(await api.JournalOfAsync(IdOf(started), "step-completed", "wait"));
        }
    }
}
