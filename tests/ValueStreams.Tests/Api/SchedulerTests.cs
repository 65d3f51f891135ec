using System.Collections.Concurrent;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Api;

/// <summary>The host's Hangfire server really runs jobs from its provider's storage, delayed ones included.</summary>
[Collection(nameof(HostCollection))]
public sealed class SchedulerTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_delayed_job_runs_soon_after_it_is_due(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var jobs = host.Services.GetRequiredService<IBackgroundJobClient>();
        var probe = JobProbe.Expect();

        var scheduledAt = DateTimeOffset.UtcNow;
        jobs.Schedule(() => JobProbe.Signal(probe.Id), TimeSpan.FromSeconds(1));
        var ranAt = await probe.Ran.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // Hangfire's stores keep due times in whole seconds (Hangfire.PostgreSql truncates them), so a raw job
        // may run up to a second before "now + 1 s" but never before its stored due time. The engine's own
        // timers guard against that early run themselves (EngineBehaviourTests.Timers_never_fire_before_they_are_due). The 1 s schedule poll adds a little.
        var dueAsStored = TruncateToSecond(scheduledAt + TimeSpan.FromSeconds(1));
        Assert.True(ranAt >= dueAsStored - ClockTolerance,
            $"ran at {ranAt:O}, before its stored due time {dueAsStored:O}");
        Assert.InRange(ranAt - scheduledAt, TimeSpan.Zero, TimeSpan.FromSeconds(8));
    }

    private static readonly TimeSpan ClockTolerance = TimeSpan.FromMilliseconds(100);

    private static DateTimeOffset TruncateToSecond(DateTimeOffset at) =>
        new(at.Ticks - at.Ticks % TimeSpan.TicksPerSecond, at.Offset);

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_enqueued_job_runs_once(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var jobs = host.Services.GetRequiredService<IBackgroundJobClient>();
        var probe = JobProbe.Expect();

        jobs.Enqueue(() => JobProbe.Signal(probe.Id));
        await probe.Ran.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(1500);

        Assert.Equal(1, probe.Runs);
    }
}

/// <summary>A job the tests schedule through Hangfire; it records when it ran.</summary>
public static class JobProbe
{
    private static readonly ConcurrentDictionary<string, Expectation> Expected = new();

    public sealed class Expectation(string id)
    {
        private int _runs;
        public string Id { get; } = id;
        public TaskCompletionSource<DateTimeOffset> Ran { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public int Runs => Volatile.Read(ref _runs);
        internal void Record() { Interlocked.Increment(ref _runs); Ran.TrySetResult(DateTimeOffset.UtcNow); }
    }

    public static Expectation Expect()
    {
        var expectation = new Expectation(Guid.NewGuid().ToString("N"));
        Expected[expectation.Id] = expectation;
        return expectation;
    }

    public static void Signal(string id)
    {
        if (Expected.TryGetValue(id, out var expectation))
            expectation.Record();
    }
}
