using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Dapper;
using Npgsql;
using ValueStreams.ResilienceTests.Support;
using Xunit.Abstractions;

namespace ValueStreams.ResilienceTests;

/// <summary>
/// Two nodes on one database share the thresholds of service level clocks: 1,000 incident clocks with a three-rung
/// ladder (50 %, 75 %, breach) whose targets run from 20 to 60 s. Whatever happens in the middle (one node killed hard,
/// or the database restarted), every threshold fires exactly once (one fired row, one notification), never before its
/// moment and no more than a few seconds after it.
/// </summary>
public sealed class WarningLadderClusterTests(ITestOutputHelper output)
{
    private const int Clocks = 1000;
    private const int Rungs = 3;
    private static readonly TimeSpan MostLate = TimeSpan.FromSeconds(5);

    /// <summary>Impact and urgency for P1 to P4, whose targets are 20, 30, 45 and 60 s.</summary>
    private static readonly (string Impact, string Urgency)[] Priorities = [("high", "high"), ("high", "medium"), ("medium", "medium"), ("low", "low")];

    private static object Policy() => new
    {
        id = "cluster-ladder", name = "Cluster ladder", recordKind = "incident", calendar = "24x7",
        conditions = new { category = new[] { "ladder-test" } },
        clocks = new[]
        {
            new
            {
                name = "resolution", stopIn = new[] { "closed" },
                targets = new Dictionary<string, object>
                {
                    ["P1"] = new { within = "PT20S" }, ["P2"] = new { within = "PT30S" }, ["P3"] = new { within = "PT45S" }, ["P4"] = new { within = "PT60S" },
                },
                thresholds = new[] { 50, 75, 100 }.Select(p => new { percent = p, actions = new[] { new { @do = "notify", who = "assignee" } } }).ToArray(),
            },
        },
    };

    [Fact]
    public async Task Every_threshold_fires_once_and_within_seconds_of_its_moment_when_one_of_two_nodes_is_killed_hard()
    {
        await using var cluster = await Cluster.CreateAsync();
        await RunAsync(cluster, async (a, _) =>
        {
            await a.KillHardAsync();
            return "node-a killed hard";
        });
    }

    [Fact]
    public async Task Every_threshold_fires_once_and_within_seconds_of_its_moment_across_a_database_restart()
    {
        await using var server = await OwnPostgres.StartAsync();
        await using var cluster = await Cluster.CreateAsync(server.ConnectionString);
        await RunAsync(cluster, async (_, _) =>
        {
            NpgsqlConnection.ClearAllPools();
            var away = await server.RestartAsync();
            NpgsqlConnection.ClearAllPools();
            return $"database restarted (away {away.TotalSeconds:F1} s)";
        });
    }

    private async Task RunAsync(Cluster cluster, Func<HostNode, HostNode, Task<string>> disrupt)
    {
        var progress = new Progress(output);
        var a = await cluster.StartNodeAsync("node-a");
        var b = await cluster.StartNodeAsync("node-b");
        var token = await Api.TokenAsync(a, "admin");
        using var apiA = Api.For(a, token);
        using var apiB = Api.For(b, token);
        using (var saved = await apiA.PostAsync("/api/service-levels/policies", Policy()))
            Assert.True(saved.StatusCode == HttpStatusCode.Created, await saved.Content.ReadAsStringAsync());

        // Half the incidents are logged on each node, spread over the four priorities.
        var failures = new ConcurrentQueue<string>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Clocks), new ParallelOptions { MaxDegreeOfParallelism = 12 }, async (i, _) =>
        {
            var (impact, urgency) = Priorities[i % Priorities.Length];
            try
            {
                using var created = await (i % 2 == 0 ? apiA : apiB).PostAsync("/api/incidents",
                    new { title = $"Ladder {i}", impact, urgency, category = "ladder-test", assignee = "agent" });
                if (created.StatusCode != HttpStatusCode.Created)
                    failures.Enqueue($"incident #{i}: {(int)created.StatusCode} {await created.Content.ReadAsStringAsync()}");
            }
            catch (Exception e) { failures.Enqueue($"incident #{i}: {e.Message}"); }
        });
        Assert.True(failures.IsEmpty, string.Join("\n", failures.Take(10)));
        Assert.Equal(Clocks * Rungs, await CountAsync(cluster, "SELECT COUNT(*) FROM sla_thresholds WHERE policy = 'cluster-ladder'"));
        progress.Log($"{Clocks} incidents logged, half on each node: {Clocks * Rungs} thresholds planned");

        Task<long> FiredAsync() => CountAsync(cluster, "SELECT COUNT(*) FROM sla_thresholds WHERE policy = 'cluster-ladder' AND fired_at IS NOT NULL");
        await Wait.UntilAsync(async () => await FiredAsync() >= Clocks * Rungs / 3, TimeSpan.FromSeconds(120),
            async () => $"{await FiredAsync()} of {Clocks * Rungs} thresholds fired\n{cluster.Outputs()}", TimeSpan.FromMilliseconds(50));
        var fault = await disrupt(a, b);
        progress.Log($"{fault} with {await FiredAsync()} of {Clocks * Rungs} thresholds fired");

        await Wait.UntilAsync(async () => await FiredAsync() == Clocks * Rungs, TimeSpan.FromSeconds(120),
            async () => $"{await FiredAsync()} of {Clocks * Rungs} thresholds fired\n{cluster.Outputs()}");

        // Exactly once: every threshold fired, and each told the assignee once.
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        var thresholds = (await connection.QueryAsync<(string Id, DateTime DueAt, DateTime FiredAt)>(
            "SELECT id, due_at, fired_at FROM sla_thresholds WHERE policy = 'cluster-ladder'")).ToList();
        Assert.Equal(Clocks * Rungs, thresholds.Count);
        var told = (await connection.QueryAsync<(string Threshold, long N)>(
            """
            SELECT t.id, COUNT(n.id) FROM sla_thresholds t LEFT JOIN notifications n ON n.id LIKE 'sla:' || t.id || ':%'
            WHERE t.policy = 'cluster-ladder' GROUP BY t.id
            """)).ToList();
        Assert.Equal(Clocks * Rungs, told.Count);
        Assert.All(told, t => Assert.Equal(1, t.N));
        Assert.Equal(Clocks * Rungs, await CountAsync(cluster, "SELECT COUNT(*) FROM notifications WHERE id LIKE 'sla:%' AND username = 'agent'"));

        // On time: never before the moment, and no more than a few seconds after it, whatever happened in the middle.
        var lateness = thresholds.Select(t => t.FiredAt - t.DueAt).Order().ToList();
        progress.Log($"lateness p50 {lateness[lateness.Count / 2].TotalMilliseconds:F0} ms, p99 {lateness[lateness.Count * 99 / 100].TotalMilliseconds:F0} ms, " +
                     $"max {lateness[^1].TotalMilliseconds:F0} ms");
        Assert.True(lateness[0] >= TimeSpan.Zero, $"a threshold fired {-lateness[0].TotalMilliseconds:F0} ms before its moment");
        Assert.True(lateness[^1] <= MostLate, $"a threshold fired {lateness[^1].TotalSeconds:F1} s after its moment; at most {MostLate.TotalSeconds} s expected");
    }

    private static async Task<long> CountAsync(Cluster cluster, string sql)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        return await connection.ExecuteScalarAsync<long>(sql);
    }
}
