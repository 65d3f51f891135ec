using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using ValueStreams.Cli;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Cli;

/// <summary>
/// The history verb on a store a host prepared (demo users, shipped streams published): a short history through the real
/// engine, then the stored work as the analytics API measures it.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class HistoryCommandTests
{
    private static readonly DateTimeOffset End = new(2026, 11, 30, 0, 0, 0, TimeSpan.Zero);

    // The host only prepares the store and answers the API: its scheduler would fire the played timers on the real clock.
    private static readonly Dictionary<string, string?> WithoutScheduler = new() { ["ValueStreams:Scheduling:RunServer"] = "false" };

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_played_month_of_work_is_stored_as_it_happened_and_measured_by_the_analytics(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider, WithoutScheduler);
        var storeArgs = provider == StorageProvider.PostgreSql
            ? new[] { "--provider", "PostgreSql", "--connection-string", api.Host.Settings["ConnectionStrings:ValueStreams"]! }
            : ["--provider", "Sqlite", "--data-directory", api.Host.DataDirectory];

        var run = await CliSandbox.RunAsync(["history", .. storeArgs, "--months", "1", "--instances", "40", "--seed", "7", "--end", "2026-11-30"]);

        Assert.True(run.Code == CliApp.Ok, run.Error + run.Output);
        Assert.Contains("40 instances raised", run.Output);
        Assert.Contains(" 0 faulted", run.Output);
        using var connections = new ConnectionFactory(provider, provider == StorageProvider.PostgreSql
            ? api.Host.Settings["ConnectionStrings:ValueStreams"]!
            : $"Data Source={Path.Combine(api.Host.DataDirectory, "valuestreams.db")}");
        await using var connection = await connections.OpenAsync();
        var (first, last) = await connection.QuerySingleAsync<(DateTimeOffset, DateTimeOffset)>(
            "SELECT MIN(created_at), MAX(created_at) FROM instances");
        // Started over the month played, not now.
        Assert.True(first >= End.AddMonths(-1) && last < End, $"{first:O} .. {last:O}");
        var completedTasks = await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM tasks WHERE status = 'completed' AND claimed_at > created_at");
        Assert.True(completedTasks > 40, $"{completedTasks} tasks completed after a wait");

        var owner = await api.As("owner");
        var measured = await owner.GetFromJsonAsync<JsonElement>(
            "/api/analytics/value-streams/incident-resolution?from=2026-10-30&to=2026-11-30");
        var instances = measured.GetProperty("instances");
        Assert.True(instances.GetProperty("started").GetInt32() > 5, measured.ToString());
        Assert.True(instances.GetProperty("completed").GetInt32() > 0, measured.ToString());
        Assert.True(measured.GetProperty("leadTime").GetProperty("p50").GetDouble() > 60, measured.ToString());
        var logged = measured.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("stepId").GetString() == "log-incident");
        Assert.True(logged.GetProperty("waitTime").GetDouble() > 0 && logged.GetProperty("touchTime").GetDouble() > 0, logged.ToString());

        // The window is whole days, so the per-step figures come from the roll-ups: they equal what the tables say, and stay
        // equal when more work is played into the days already rolled up.
        var before = await AssertStepsMatchTheTablesAsync(owner, connection, "incident-resolution");
        var more = await CliSandbox.RunAsync(["history", .. storeArgs, "--months", "1", "--instances", "10", "--seed", "8", "--end", "2026-11-30"]);
        Assert.True(more.Code == CliApp.Ok, more.Error + more.Output);
        var after = await AssertStepsMatchTheTablesAsync(owner, connection, "incident-resolution");
        Assert.NotEqual(before, after);
    }

    /// <summary>Compares the analytics' visits, tasks and total wait per step with the journal and tasks; returns the total wait.</summary>
    private static async Task<double> AssertStepsMatchTheTablesAsync(HttpClient owner, System.Data.Common.DbConnection connection, string stream)
    {
        var window = new { stream, from = End.AddMonths(-1), to = End };
        var visits = (await connection.QueryAsync<(string StepId, long Visits)>(
                """
                SELECT j.step_id, COUNT(*) FROM journal j JOIN instances i ON i.id = j.instance_id
                WHERE i.value_stream_id = @stream AND i.created_at >= @from AND i.created_at < @to AND j.event = 'step-entered'
                GROUP BY j.step_id
                """, window))
            .ToDictionary(v => v.StepId, v => v.Visits);
        var tasks = (await connection.QueryAsync<(string StepId, DateTimeOffset CreatedAt, DateTimeOffset? ClaimedAt, DateTimeOffset? CompletedAt, string Status)>(
            """
            SELECT t.step_id, t.created_at, t.claimed_at, t.completed_at, t.status FROM tasks t JOIN instances i ON i.id = t.instance_id
            WHERE i.value_stream_id = @stream AND i.created_at >= @from AND i.created_at < @to
            """, window)).ToList();
        var measured = await owner.GetFromJsonAsync<JsonElement>($"/api/analytics/value-streams/{stream}?from=2026-10-30&to=2026-11-30");
        var totalWait = 0.0;
        foreach (var step in measured.GetProperty("steps").EnumerateArray())
        {
            var id = step.GetProperty("stepId").GetString()!;
            var ofStep = tasks.Where(t => t.StepId == id).ToList();
            var wait = ofStep.Select(t => (t.ClaimedAt ?? (t.Status == "completed" ? t.CompletedAt : null)) is { } picked ? (picked - t.CreatedAt).TotalSeconds : 0).Sum();
            Assert.Equal(visits.GetValueOrDefault(id), step.GetProperty("visits").GetInt32());
            Assert.Equal(ofStep.Count, step.GetProperty("tasks").GetInt32());
            // SQLite's date arithmetic keeps milliseconds: a sum may differ from the exact one by a few of them per task.
            Assert.Equal(wait, step.GetProperty("totalWait").GetDouble(), 0.01 * Math.Max(1, ofStep.Count));
            totalWait += wait;
        }
        return totalWait;
    }

    [Fact]
    public async Task The_same_seed_plays_the_same_history()
    {
        var outputs = new List<string>();
        for (var round = 0; round < 2; round++)
        {
            await using var api = await EngineApi.StartAsync(StorageProvider.Sqlite, WithoutScheduler);
            var run = await CliSandbox.RunAsync("history", "--provider", "Sqlite", "--data-directory", api.Host.DataDirectory,
                "--months", "1", "--instances", "25", "--seed", "3", "--end", "2026-11-30");
            Assert.True(run.Code == CliApp.Ok, run.Error + run.Output);
            outputs.Add(run.Output);
        }
        Assert.Equal(outputs[0], outputs[1]);
    }

    [Fact]
    public async Task Out_of_range_options_are_refused_by_name()
    {
        var run = await CliSandbox.RunAsync("history", "--months", "0", "--instances", "0", "--end", "someday");

        Assert.Equal(CliApp.Usage, run.Code);
        Assert.Contains("--months", run.Error);
        Assert.Contains("--instances", run.Error);
        Assert.Contains("--end", run.Error);
    }
}
