using System.Collections.Concurrent;
using ValueStreams.ResilienceTests.Support;
using Xunit.Abstractions;

namespace ValueStreams.ResilienceTests;

/// <summary>
/// Two nodes on one database share the timers: each node's wake-up clock acts on every timer at its moment, and the
/// store lets only one firing through. When one node is killed hard, the other fires the timers the dead one had
/// scheduled, on time, instead of waiting for Hangfire's locks and invisibility timeouts to run out.
/// </summary>
public sealed class WakeUpClusterTests(ITestOutputHelper output)
{
    private const int Instances = 600;
    private static readonly TimeSpan MostLate = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task Every_timer_fires_once_and_within_seconds_of_its_moment_when_one_of_two_nodes_is_killed_hard()
    {
        var progress = new Progress(output);
        await using var cluster = await Cluster.CreateAsync();
        var db = new Db(cluster.ConnectionString);
        var a = await cluster.StartNodeAsync("node-a");
        var b = await cluster.StartNodeAsync("node-b");
        var token = await Api.TokenAsync(a, "admin");
        using var apiA = Api.For(a, token);
        using var apiB = Api.For(b, token);
        await apiA.ImportAsync(Streams.Moment);

        // Each timer falls due 15–25 s after its instance starts, so starting them all on a slow machine still leaves
        // every moment ahead; half start on each node, so each node scheduled half of them in its own memory.
        var failures = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Instances), new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (i, _) =>
        {
            var dueAt = DateTimeOffset.UtcNow.AddSeconds(15).AddMilliseconds(i % 100 * 100);
            try { await (i % 2 == 0 ? apiA : apiB).StartAsync(Streams.MomentId, new { dueAt = dueAt.ToString("O") }); }
            catch (Exception e) { failures.Enqueue($"start #{i}: {e.Message}"); }
        });
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(10)));
        progress.Log($"{Instances} instances started, half on each node");

        async Task<int> FiredAsync() => (await db.TimerMomentsAsync(Streams.MomentId)).Count(t => t.FiredAt is not null);
        await Wait.UntilAsync(async () => await FiredAsync() >= Instances / 3, TimeSpan.FromSeconds(90),
            async () => $"{await FiredAsync()} of {Instances} timers fired\n{cluster.Outputs()}", TimeSpan.FromMilliseconds(50));
        await a.KillHardAsync();
        progress.Log($"node-a killed with {await FiredAsync()} of {Instances} timers fired");

        await Wait.UntilAsync(async () => await FiredAsync() == Instances, TimeSpan.FromSeconds(90),
            async () => $"{await FiredAsync()} of {Instances} timers fired\n{cluster.Outputs()}");

        // Exactly once: every timer fired, each instance journals one firing and finished.
        var timers = await db.TimerMomentsAsync(Streams.MomentId);
        Assert.Equal(Instances, timers.Count);
        Assert.All(timers, t => Assert.Equal("fired", t.Status));
        var firings = (await db.JournalCountsAsync(Streams.MomentId)).Where(c => c.Event == "timer-fired").ToList();
        Assert.Equal(Instances, firings.Count);
        Assert.All(firings, c => Assert.Equal(1, c.N));
        await Wait.UntilAsync(async () => (await db.StatusesAsync(Streams.MomentId)).GetValueOrDefault("completed") == Instances, TimeSpan.FromSeconds(30),
            async () => string.Join(", ", (await db.StatusesAsync(Streams.MomentId)).Select(s => $"{s.Key} {s.Value}")));

        // On time: never before the moment, and no more than a few seconds after it, also for the dead node's timers.
        var lateness = timers.Select(t => t.FiredAt!.Value - t.DueAt).Order().ToList();
        progress.Log($"lateness p50 {lateness[lateness.Count / 2].TotalMilliseconds:F0} ms, p99 {lateness[lateness.Count * 99 / 100].TotalMilliseconds:F0} ms, " +
                     $"max {lateness[^1].TotalMilliseconds:F0} ms");
        Assert.True(lateness[0] >= TimeSpan.Zero, $"a timer fired {-lateness[0].TotalMilliseconds:F0} ms before its moment");
        Assert.True(lateness[^1] <= MostLate, $"a timer fired {lateness[^1].TotalSeconds:F1} s after its moment; at most {MostLate.TotalSeconds} s expected");
    }
}
