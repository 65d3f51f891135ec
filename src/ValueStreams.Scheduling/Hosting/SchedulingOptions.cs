namespace ValueStreams.Scheduling.Hosting;

/// <summary>Settings bound from <c>ValueStreams:Scheduling</c>.</summary>
public sealed class SchedulingOptions
{
    public const string Section = "ValueStreams:Scheduling";

    /// <summary>How often due timers are picked up. Hangfire's own default (15 s) makes timers late.</summary>
    public TimeSpan SchedulePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often workers look for enqueued jobs when the storage cannot notify them.</summary>
    public TimeSpan QueuePollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Background workers in this node; 0 picks Hangfire's default from the CPU count.</summary>
    public int WorkerCount { get; set; }

    /// <summary>How often each node reads the store for timers and service-level targets falling due (see WakeUpClock).</summary>
    public TimeSpan WakeUpLookAhead { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How far ahead each node keeps due items in memory.</summary>
    public TimeSpan WakeUpHorizon { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The most due items one read of the store takes (the earliest first).</summary>
    public int WakeUpBatch { get; set; } = 2000;

    /// <summary>How many due items a node acts on at once.</summary>
    public int WakeUpParallelism { get; set; } = 4;

    /// <summary>False runs no Hangfire server in this node (it can still enqueue work for others).</summary>
    public bool RunServer { get; set; } = true;
}
