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
