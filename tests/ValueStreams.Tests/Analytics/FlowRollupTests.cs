using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using ValueStreams.Data.Analytics;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Analytics;

/// <summary>
/// The per-day roll-ups on both stores: the current day is never rolled up (it is read live), an ended day is recomputed
/// only once its first note has settled, and a read recomputes every ended day first, so its figures equal the live tables.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class FlowRollupTests
{
    private const string Stream = "rolled-up";

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Ended_days_are_recomputed_once_settled_or_when_read_and_today_is_read_live(StorageProvider provider)
    {
        // The test moves an instance to yesterday: it must not straddle midnight.
        var untilMidnight = DateTime.UtcNow.Date.AddDays(1) - DateTime.UtcNow;
        if (untilMidnight < TimeSpan.FromMinutes(2))
            await Task.Delay(untilMidnight + TimeSpan.FromSeconds(5));
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(new StreamFile(Stream, "Rolled up").Start().Task("log", outcomes: ["done"]).Milestone().End().Chain("start", "log", "value", "end"));
        var yesterdays = IdOf(await api.StartAsync(Stream));
        await api.StartAsync(Stream);
        var today = DateTime.UtcNow.Date;
        var yesterday = today.AddDays(-1).ToString("yyyy-MM-dd");

        var connections = api.Host.Services.GetRequiredService<ConnectionFactory>();
        var rollups = api.Host.Services.GetRequiredService<FlowRollups>();
        await using var connection = await connections.OpenAsync();
        var startedAt = await connection.ExecuteScalarAsync<DateTimeOffset>("SELECT created_at FROM instances WHERE id = @yesterdays", new { yesterdays });
        // The update is noted like any change to the instance.
        await connection.ExecuteAsync("UPDATE instances SET created_at = @at WHERE id = @yesterdays", new { at = startedAt.AddDays(-1), yesterdays });

        // The background refresh's way: the notes become marked days, and none has settled yet.
        await rollups.RefreshAsync(TimeSpan.FromHours(1));
        Assert.Equal(0, await RolledUpStepsAsync(connection));
        var marked = (await connection.QueryAsync<string>(
            "SELECT day FROM flow_dirty_days WHERE value_stream_id = @Stream AND part = 'started' ORDER BY day", new { Stream })).ToList();
        Assert.Equal(new[] { yesterday, today.ToString("yyyy-MM-dd") }, marked);

        // A read over yesterday recomputes it first and answers from the roll-up, which equals the journal.
        var owner = await api.As("owner");
        var measured = await owner.GetFromJsonAsync<JsonElement>(
            $"/api/analytics/value-streams/{Stream}?from={yesterday}&to={today:yyyy-MM-dd}");
        Assert.Equal(1, measured.GetProperty("instances").GetProperty("started").GetInt32());
        Assert.Equal(1, VisitsOf(measured, "log"));
        Assert.True(await RolledUpStepsAsync(connection) > 0);
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>(
            "SELECT visits FROM flow_step_days WHERE value_stream_id = @Stream AND day = @yesterday AND step_id = 'log'", new { Stream, yesterday }));

        // Today stays marked and is never rolled up: a window that reaches into it reads today live beside yesterday's roll-up.
        Assert.Equal(new[] { today.ToString("yyyy-MM-dd") }, (await connection.QueryAsync<string>(
            "SELECT day FROM flow_dirty_days WHERE value_stream_id = @Stream AND part = 'started'", new { Stream })).ToList());
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM flow_step_days WHERE value_stream_id = @Stream AND day >= @today", new { Stream, today = today.ToString("yyyy-MM-dd") }));
        var both = await owner.GetFromJsonAsync<JsonElement>(
            $"/api/analytics/value-streams/{Stream}?from={yesterday}&to={today.AddDays(1):yyyy-MM-dd}");
        Assert.Equal(2, both.GetProperty("instances").GetProperty("started").GetInt32());
        Assert.Equal(2, VisitsOf(both, "log"));

        // Work on yesterday's instance marks yesterday again; the settled refresh leaves it, a read recomputes it.
        await ClaimAndCompleteAsync(api, yesterdays, "log");
        await api.WaitForStatusAsync(yesterdays, "completed");
        await rollups.RefreshAsync(TimeSpan.FromHours(1));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>(
            "SELECT completed FROM flow_step_days WHERE value_stream_id = @Stream AND day = @yesterday AND step_id = 'log'", new { Stream, yesterday }));
        var after = await owner.GetFromJsonAsync<JsonElement>(
            $"/api/analytics/value-streams/{Stream}?from={yesterday}&to={today:yyyy-MM-dd}");
        var log = after.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("stepId").GetString() == "log");
        Assert.Equal(1, log.GetProperty("tasks").GetInt32());
        Assert.Equal(1, await connection.ExecuteScalarAsync<long>(
            "SELECT completed FROM flow_step_days WHERE value_stream_id = @Stream AND day = @yesterday AND step_id = 'log'", new { Stream, yesterday }));
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>(
            "SELECT COUNT(*) FROM flow_dirty_days WHERE value_stream_id = @Stream AND day = @yesterday", new { Stream, yesterday }));
    }

    private static Task<long> RolledUpStepsAsync(System.Data.Common.DbConnection connection) =>
        connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM flow_step_days WHERE value_stream_id = @Stream", new { Stream });

    private static int VisitsOf(JsonElement measured, string stepId) =>
        measured.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("stepId").GetString() == stepId).GetProperty("visits").GetInt32();

    private static async Task ClaimAndCompleteAsync(EngineApi api, string instance, string step)
    {
        var task = IdOf(await api.OpenTaskAsync(instance, step));
        Assert.True((await api.ClaimAsync("agent", task)).IsSuccessStatusCode);
        await api.CompleteAsync("agent", task, "done");
    }
}
