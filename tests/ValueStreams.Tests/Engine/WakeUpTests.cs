using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Runtime;
using ValueStreams.Engine.Storage;
using ValueStreams.Scheduling.Engine;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Engine;

/// <summary>
/// The wake-up clock acts on timers at their moment. Hangfire's schedule, the backstop, is set to look for due jobs only
/// every ten minutes here, so a timer that fires within the tests' deadlines was fired by the wake-up clock.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class WakeUpTests
{
    private static readonly Dictionary<string, string?> BackstopOutOfReach = new()
    {
        ["ValueStreams:Scheduling:SchedulePollingInterval"] = "00:10:00",
    };

    private static StreamFile TimerStream(string duration) => new StreamFile("wu-timer")
        .Start().Timer("wait", duration).Milestone().End().Chain("start", "wait", "value", "end");

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Timers_fire_at_their_moment_and_never_before_it(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider, BackstopOutOfReach);
        await api.PublishAsync(TimerStream("PT2S"));
        // Started a tenth of a second apart, so their moments fall at different points within a second.
        var instances = new List<string>();
        for (var i = 0; i < 8; i++)
        {
            instances.Add(IdOf(await api.StartAsync("wu-timer")));
            await Task.Delay(100);
        }

        var early = new List<string>();
        foreach (var instance in instances)
        {
            await api.WaitForStatusAsync(instance, "completed", TimeSpan.FromSeconds(30));
            var (due, fired) = await DueAndFiredAsync(api, instance);
            if (fired < due)
                early.Add($"due {due:HH:mm:ss.fff}, fired {fired:HH:mm:ss.fff}");
        }
        Assert.True(early.Count == 0, $"{early.Count} of {instances.Count} timers fired early: {string.Join("; ", early)}");
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_timer_the_previous_node_scheduled_is_found_in_the_store_and_fired_by_the_next(StorageProvider provider)
    {
        await using var first = await EngineApi.StartAsync(provider, BackstopOutOfReach);
        await first.PublishAsync(TimerStream("PT6S"));
        var instance = IdOf(await first.StartAsync("wu-timer"));

        // The node that held the timer in memory stops before its moment; the next one knows of it only from the store.
        await using var next = new EngineApi(await first.Host.RestartAsync());
        await next.WaitForStatusAsync(instance, "completed", TimeSpan.FromSeconds(30));
        var (due, fired) = await DueAndFiredAsync(next, instance);
        Assert.True(fired >= due, $"due {due:O}, fired {fired:O}");
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_reconciler_hands_over_an_item_every_clock_missed_by_a_minute(StorageProvider provider)
    {
        // No scheduler server: no wake-up clock and no Hangfire worker, so only the reconciler can hand the timer over.
        await using var api = await EngineApi.StartAsync(provider, new Dictionary<string, string?> { ["ValueStreams:Scheduling:RunServer"] = "false" });
        await api.PublishAsync(TimerStream("PT1H"));
        var missed = IdOf(await api.StartAsync("wu-timer"));
        var pending = IdOf(await api.StartAsync("wu-timer"));
        await using (var connection = await api.Host.Services.GetRequiredService<ConnectionFactory>().OpenAsync())
            await connection.ExecuteAsync("UPDATE timers SET due_at = @then WHERE instance_id = @missed", new { then = DateTimeOffset.UtcNow.AddMinutes(-2), missed });

        await api.Host.Services.GetRequiredService<EngineJobs>().ReconcileAsync(CancellationToken.None);

        var enqueued = api.Host.Services.GetRequiredService<JobStorage>().GetMonitoringApi().EnqueuedJobs("default", 0, 100);
        var handedOver = enqueued.Select(job => job.Value.Job).Where(job => job.Method.Name == nameof(EngineJobs.RunAsync))
            .Select(job => $"{job.Args[0]} {job.Args[1]}").ToList();
        Assert.Contains(handedOver, job => job.StartsWith($"{OutboxJob.FireTimer} {missed}/", StringComparison.Ordinal));
        Assert.DoesNotContain(handedOver, job => job.Contains(pending, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Readiness_reports_the_wake_up_clock()
    {
        await using var api = await EngineApi.StartAsync(StorageProvider.Sqlite);
        var admin = await api.As("admin");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        JsonElement check;
        do
        {
            var report = await admin.GetFromJsonAsync<JsonElement>("/health/ready");
            check = report.GetProperty("checks").GetProperty("wake-up");
            if (check.GetProperty("status").GetString() == "Healthy" && check.GetProperty("description").GetString()!.Contains("store read at 20"))
                break;
            await Task.Delay(250);
        } while (DateTime.UtcNow < deadline);
        Assert.Equal("Healthy", check.GetProperty("status").GetString());
        Assert.Contains("store read at 20", check.GetProperty("description").GetString());
    }

    private static StreamFile Scheduled(string cron) => new StreamFile("wu-scheduled")
        .Start().Milestone().End().Chain("start", "value", "end")
        .WithProperty("start", "trigger", "schedule").WithProperty("start", "schedule", cron);

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_stream_on_a_schedule_starts_by_itself_once_at_each_moment_until_a_version_without_it(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider, BackstopOutOfReach);
        await api.PublishAsync(Scheduled("*/2 * * * * *")); // every two seconds

        var admin = await api.As("admin");
        async Task<List<JsonElement>> StartedAsync() =>
            (await admin.GetFromJsonAsync<JsonElement>("/api/instances?valueStream=wu-scheduled&limit=100")).EnumerateArray().ToList();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while ((await StartedAsync()).Count < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{(await StartedAsync()).Count} scheduled starts within 30 s, 3 expected");
            await Task.Delay(200);
        }

        // Each moment started one instance, by the system, named by its moment, at or after it.
        var started = await StartedAsync();
        var moments = started.Select(i => i.GetProperty("correlationId").GetString()!).ToList();
        Assert.All(moments, m => Assert.StartsWith("schedule:", m));
        Assert.Equal(moments.Count, moments.Distinct().Count());
        foreach (var instance in started)
        {
            var moment = DateTimeOffset.Parse(instance.GetProperty("correlationId").GetString()!["schedule:".Length..], CultureInfo.InvariantCulture);
            Assert.True(instance.GetProperty("createdAt").GetDateTimeOffset() >= moment, $"started before its moment: {instance}");
            Assert.Equal("system", instance.GetProperty("createdBy").GetString());
        }

        // A version that starts by hand ends the schedule.
        await api.PublishAsync(new StreamFile("wu-scheduled").Start().Milestone().End().Chain("start", "value", "end"));
        await Task.Delay(TimeSpan.FromSeconds(1));
        var before = (await StartedAsync()).Count;
        await Task.Delay(TimeSpan.FromSeconds(5));
        Assert.Equal(before, (await StartedAsync()).Count);
    }

    [Fact]
    public async Task A_schedule_that_is_not_a_cron_expression_or_a_time_zone_is_refused_at_its_field()
    {
        await using var api = await EngineApi.StartAsync();
        var owner = await api.As("owner");
        var file = Scheduled("every monday").WithProperty("start", "timeZone", "Mars/Olympus").ToJson();
        var response = await owner.PostAsync("/api/value-streams/import", new StringContent(file, System.Text.Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'every monday' is not a cron expression", body);
        Assert.Contains("'Mars/Olympus' is not a time zone", body);
    }

    private static async Task<(DateTimeOffset Due, DateTimeOffset Fired)> DueAndFiredAsync(EngineApi api, string instance)
    {
        var scheduled = Assert.Single(await api.JournalOfAsync(instance, "timer-scheduled", "wait"));
        var due = DateTimeOffset.Parse(scheduled.GetProperty("detail").GetString()!, CultureInfo.InvariantCulture);
        var fired = Assert.Single(await api.JournalOfAsync(instance, "timer-fired", "wait")).GetProperty("at").GetDateTimeOffset();
        return (due, fired);
    }
}
