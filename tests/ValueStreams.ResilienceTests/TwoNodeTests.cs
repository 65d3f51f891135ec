using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using ValueStreams.ResilienceTests.Support;
using Xunit.Abstractions;

namespace ValueStreams.ResilienceTests;

/// <summary>Scale-out: several nodes share one PostgreSQL; every step of every instance runs exactly once.</summary>
public sealed class TwoNodeTests(ITestOutputHelper output)
{
    private const int Instances = 1000;

    [Fact]
    public async Task Two_nodes_on_one_database_complete_1000_instances_with_parallel_branches_each_step_exactly_once()
    {
        var progress = new Progress(output);
        await using var cluster = await Cluster.CreateAsync();
        var db = new Db(cluster.ConnectionString);

        // Node A first (it migrates and seeds), then node B on the same database, each with a data folder of its own.
        var a = await cluster.StartNodeAsync("node-a");
        var token = await Api.TokenAsync(a, "admin");
        var b = await cluster.StartNodeAsync("node-b");
        progress.Log($"nodes ready: {a.Name} pid {a.ProcessId} at {a.BaseAddress}, {b.Name} pid {b.ProcessId} at {b.BaseAddress}");

        using var apiA = Api.For(a, token);
        using var apiB = Api.For(b, token); // a token issued by node A: the key ring is in the database
        await apiA.ImportAsync(Streams.Parallel);

        // 1,000 starts spread over both nodes. Each start runs the automated branches synchronously and leaves
        // the timer branch waiting; the Hangfire servers of both nodes fire the timers and finish the instances.
        var started = new ConcurrentBag<string>();
        var failures = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Instances), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
        {
            var api = i % 2 == 0 ? apiA : apiB;
            try
            {
                started.Add(await api.StartAsync(Streams.ParallelId));
            }
            catch (Exception e)
            {
                failures.Enqueue($"start #{i} on {(i % 2 == 0 ? "node-a" : "node-b")}: {e.Message}");
            }
        });
        progress.Log($"{started.Count} instances started, {failures.Count} starts failed");
        Assert.True(failures.IsEmpty, $"{failures.Count} starts failed:\n{string.Join("\n", failures.Take(10))}\n{cluster.Outputs()}");

        await Wait.UntilAsync(
            async () =>
            {
                var statuses = await db.StatusesAsync(Streams.ParallelId);
                if (statuses.GetValueOrDefault("faulted") > 0)
                {
                    var faulted = (await db.InstanceIdsAsync(Streams.ParallelId, "faulted"))[0];
                    throw new Xunit.Sdk.XunitException(
                        $"{statuses["faulted"]} instance(s) faulted; journal of {faulted}:\n{await db.JournalTextAsync(faulted)}\n{cluster.Outputs()}");
                }
                return statuses.GetValueOrDefault("completed") == Instances;
            },
            TimeSpan.FromSeconds(180),
            async () => $"statuses {Describe(await db.StatusesAsync(Streams.ParallelId))}\n{cluster.Outputs()}");
        progress.Log("every instance completed");

        var violations = new Violations();
        var ids = started.ToHashSet();
        var statusesAtEnd = await db.StatusesAsync(Streams.ParallelId);
        violations.Check(statusesAtEnd.GetValueOrDefault("completed") == Instances && statusesAtEnd.Count == 1,
            () => $"statuses at the end: {Describe(statusesAtEnd)}");

        // Journal: each step completed exactly once; the join completed once and absorbed the other two branches.
        var journal = (await db.JournalCountsAsync(Streams.ParallelId)).ToLookup(c => c.InstanceId);
        violations.Check(journal.Count == Instances, () => $"journal covers {journal.Count} instances, not {Instances}");
        foreach (var id in ids)
        {
            var counts = journal[id].ToDictionary(c => (c.StepId, c.Event), c => c.N);
            long N(string? step, string @event) => counts.GetValueOrDefault((step, @event));
            foreach (var step in Streams.ParallelSteps)
                violations.Check(N(step, "step-completed") == 1, () => $"{id}: step '{step}' completed {N(step, "step-completed")} times");
            violations.Check(N("together", "branch-joined") == 2, () => $"{id}: join absorbed {N("together", "branch-joined")} branches, not 2");
            violations.Check(N("pause-right", "timer-fired") == 1, () => $"{id}: timer fired {N("pause-right", "timer-fired")} times");
            violations.Check(N(null, "instance-completed") == 1, () => $"{id}: instance-completed {N(null, "instance-completed")} times");
            violations.Check(N(null, "instance-faulted") == 0 && counts.Keys.All(k => k.Event != "step-faulted"), () => $"{id}: faulted on the way");
        }

        // Timers: one per instance, fired exactly once (pending -> fired, with its time).
        var timers = (await db.TimersAsync(Streams.ParallelId)).ToLookup(t => t.InstanceId);
        foreach (var id in ids)
        {
            var mine = timers[id].ToList();
            violations.Check(mine.Count == 1 && mine[0].Status == "fired" && mine[0].HasFiredAt,
                () => $"{id}: timers {string.Join(", ", mine.Select(t => $"{t.Id} {t.Status}"))}");
        }

        // Variables: each branch's step ran once, so each counter is 1.
        var variables = await db.VariablesAsync(Streams.ParallelId);
        foreach (var id in ids)
        {
            var vars = variables.GetValueOrDefault(id) ?? [];
            foreach (var name in new[] { "a", "b", "c" })
                violations.Check(Number(vars[name]) == 1, () => $"{id}: variable {name} = {vars[name]?.ToJsonString() ?? "missing"}");
        }

        // Both nodes' Hangfire servers took part (otherwise this would not test scale-out).
        var byA = await db.JobsProcessedByAsync(a.ProcessId);
        var byB = await db.JobsProcessedByAsync(b.ProcessId);
        progress.Log($"Hangfire jobs processed: node-a {byA}, node-b {byB}");
        violations.Check(byA > 0 && byB > 0, () => $"Hangfire jobs processed by node-a {byA}, by node-b {byB}: both should have worked");

        violations.AssertNone("each step of each instance exactly once, on two nodes");
        progress.Log("checked");
    }

    private static string Describe(Dictionary<string, long> statuses) => string.Join(", ", statuses.Select(s => $"{s.Key} {s.Value}"));

    private static double? Number(JsonNode? node) => node is JsonValue v && v.TryGetValue<double>(out var d) ? d : null;
}
