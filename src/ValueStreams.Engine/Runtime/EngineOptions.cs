namespace ValueStreams.Engine.Runtime;

/// <summary>Settings of the engine, bound from <c>ValueStreams:Engine</c>.</summary>
public sealed class EngineOptions
{
    public const string Section = "ValueStreams:Engine";

    /// <summary>How deep value streams may call one another (a child of a child…); a call beyond it faults its step.</summary>
    public int MaxCallDepth { get; set; } = 8;

    /// <summary>
    /// How long an event that no instance waited for is kept for the first wait that matches it (and how far back a
    /// wait-for-event step looks unless it sets <c>acceptEarlierEvents</c>). Zero keeps none.
    /// </summary>
    public TimeSpan EventRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Expired retained events deleted at most per published event (the clean-up is bounded).</summary>
    public int ExpiredEventsDeletedPerPublish { get; set; } = 100;

    /// <summary>Most items a for-each step runs; a list longer than this faults its step.</summary>
    public int MaxForEachItems { get; set; } = 1000;

    /// <summary>
    /// Script steps run outside the store's write transaction: the run that reaches one commits with the token waiting
    /// at it, the script runs with no transaction open, and a short second transaction applies its result (see
    /// <see cref="WorkflowEngine.RunScriptsAsync"/>). Off, scripts run inside the run's transaction, holding its lock.
    /// </summary>
    public bool ScriptsOutsideTransaction { get; set; } = true;

    /// <summary>
    /// When the background job that runs a waiting script falls due: it only matters when the process stopped between
    /// the commit and the script (the caller's own request runs the script at once).
    /// </summary>
    public TimeSpan ScriptRecoveryDelay { get; set; } = TimeSpan.FromSeconds(30);
}
