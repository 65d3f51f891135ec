using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ValueStreams.Engine.Runtime;
using ValueStreams.Scheduling.Hosting;

namespace ValueStreams.Scheduling.WakeUps;

/// <summary>
/// Acts on timers and service-level targets at their moment, in every node that runs a scheduler server. Each node
/// keeps the items due within <see cref="SchedulingOptions.WakeUpHorizon"/> in memory and sleeps until the earliest
/// one; it learns of them as this node schedules them and by reading the store every
/// <see cref="SchedulingOptions.WakeUpLookAhead"/>, so an item a dead node had scheduled is acted on in time by the
/// others. Every node may act on the same item: the engine's change is guarded in the store (a timer goes from pending
/// to fired once, a target from unchecked to missed once), so the second attempt changes nothing. Hangfire's schedule
/// and the reconciler stay behind it as the durable backstop.
/// </summary>
public sealed class WakeUpClock(
    IServiceScopeFactory scopes, IDueItems store, SchedulingOptions options, TimeProvider clock, ILogger<WakeUpClock> logger)
    : BackgroundService
{
    /// <summary>An item acted on (or failed) is not taken again from the store for this long: the store may still show it
    /// pending for a moment, and a failing one must not be retried in a tight loop (the backstop retries it).</summary>
    private static readonly TimeSpan Resting = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A failed item is tried again by this node after 0.25 s, then 0.5, 1, 2, 4 and 8 s; after that it rests for
    /// <see cref="Resting"/> and is left to the store's next reading and the backstop. A store that was away for a moment
    /// (a database restart) so delays it by about as long as it was away, while one that keeps failing is not retried in a
    /// tight loop. A count is forgotten <see cref="FailureMemory"/> after its last failure (the item was acted on elsewhere,
    /// or is left to the backstop), so items that failed once do not pile up here.
    /// </summary>
    private readonly Dictionary<DueItem, (int Count, DateTimeOffset Last)> _failures = [];

    private static readonly TimeSpan FailureMemory = TimeSpan.FromMinutes(10);

    private const int QuickRetries = 6;

    private readonly Lock _gate = new();
    private readonly PriorityQueue<DueItem, DateTimeOffset> _queue = new();
    private readonly HashSet<DueItem> _queued = [];
    private readonly Dictionary<DueItem, DateTimeOffset> _resting = [];
    private readonly SemaphoreSlim _earlier = new(0);
    private DateTimeOffset _started;
    private DateTimeOffset? _lastLookAhead;
    private Exception? _lastLookAheadError;
    private long _acted;

    /// <summary>When the store was last read successfully; null before the first read.</summary>
    public DateTimeOffset? LastLookAhead => _lastLookAhead;

    /// <summary>Why the last read of the store failed, while it keeps failing.</summary>
    public Exception? LastLookAheadError => _lastLookAheadError;

    /// <summary>When this clock started looking ahead.</summary>
    public DateTimeOffset Started => _started;

    /// <summary>Items acted on since start.</summary>
    public long Acted => Interlocked.Read(ref _acted);

    /// <summary>The due time of the earliest item still waiting in memory, if any.</summary>
    public DateTimeOffset? EarliestWaiting
    {
        get
        {
            lock (_gate)
                return _queue.TryPeek(out _, out var due) ? due : null;
        }
    }

    /// <summary>Takes an item this node just scheduled, if it falls within the horizon; later ones come from the store in time.</summary>
    public void Offer(DueItem item)
    {
        if (item.Kind is not (OutboxJob.FireTimer or OutboxJob.CheckServiceLevel or OutboxJob.StartScheduled or OutboxJob.FireThreshold) || item.DueAt > clock.GetUtcNow() + options.WakeUpHorizon)
            return;
        bool earliest;
        lock (_gate)
        {
            if (_resting.ContainsKey(item) || !_queued.Add(item))
                return;
            earliest = !_queue.TryPeek(out _, out var first) || item.DueAt < first;
            _queue.Enqueue(item, item.DueAt);
        }
        if (earliest)
            _earlier.Release();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _started = clock.GetUtcNow();
        return Task.WhenAll(LookAheadAsync(stoppingToken), ActAsync(stoppingToken));
    }

    private async Task LookAheadAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = clock.GetUtcNow();
                foreach (var item in await store.DueBeforeAsync(now + options.WakeUpHorizon, options.WakeUpBatch, stoppingToken))
                    Offer(item);
                _lastLookAhead = now;
                _lastLookAheadError = null;
                ForgetRested(now);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The store is away (a restart, a network cut): keep asking; readiness reports it while it lasts.
                _lastLookAheadError = ex;
                logger.LogWarning(ex, "Could not read due timers and service-level targets from the store; retrying");
            }
            try
            {
                await Task.Delay(options.WakeUpLookAhead, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void ForgetRested(DateTimeOffset now)
    {
        lock (_gate)
        {
            foreach (var (key, until) in _resting.ToList())
                if (until <= now)
                    _resting.Remove(key);
            foreach (var (key, failed) in _failures.ToList())
                if (failed.Last + FailureMemory <= now)
                    _failures.Remove(key);
        }
    }

    private async Task ActAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var due = new List<DueItem>();
            TimeSpan sleep;
            lock (_gate)
            {
                var now = clock.GetUtcNow();
                // Never early: an item is taken only once its moment has come by this node's clock.
                while (_queue.TryPeek(out var item, out var at) && at <= now)
                {
                    _queue.Dequeue();
                    _queued.Remove(item);
                    _resting[item] = now + Resting;
                    due.Add(item);
                }
                sleep = _queue.TryPeek(out _, out var next) ? next - now : options.WakeUpLookAhead;
            }

            if (due.Count > 0)
            {
                await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = options.WakeUpParallelism, CancellationToken = stoppingToken },
                    async (item, ct) => await ActOnAsync(item, ct));
                continue;
            }
            try
            {
                // Wakes at the earliest item's moment, or sooner when an earlier one arrives.
                await _earlier.WaitAsync(Clamp(sleep), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private TimeSpan Clamp(TimeSpan sleep) =>
        sleep < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : sleep > options.WakeUpLookAhead ? options.WakeUpLookAhead : sleep;

    private async Task ActOnAsync(DueItem item, CancellationToken stoppingToken)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<OutboxJobRunner>().RunAsync(item.Kind, item.Target, stoppingToken);
            Interlocked.Increment(ref _acted);
            lock (_gate)
                _failures.Remove(item);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            TimeSpan rest;
            var earliest = false;
            lock (_gate)
            {
                var now = clock.GetUtcNow();
                var failures = _failures.GetValueOrDefault(item).Count + 1;
                _failures[item] = (failures, now);
                rest = failures <= QuickRetries ? TimeSpan.FromSeconds(0.25 * Math.Pow(2, failures - 1)) : Resting;
                _resting[item] = now + rest + options.WakeUpLookAhead;
                if (failures <= QuickRetries && _queued.Add(item))
                {
                    earliest = !_queue.TryPeek(out _, out var first) || now + rest < first;
                    _queue.Enqueue(item, now + rest);
                }
            }
            if (earliest)
                _earlier.Release();
            logger.LogWarning(ex, "Acting on {Kind} {Target} due at {DueAt:O} failed; trying again in {Rest} s, and the scheduler's backstop retries it",
                item.Kind, item.Target, item.DueAt, rest.TotalSeconds);
        }
    }
}
