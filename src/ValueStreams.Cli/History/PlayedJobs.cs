using ValueStreams.Engine.Runtime;

namespace ValueStreams.Cli.History;

/// <summary>
/// Takes the engine's committed jobs in place of the scheduler, so the player runs each at its moment on the played clock:
/// continuations at once, timers and service-level checks when the clock reaches them.
/// </summary>
internal sealed class PlayedJobs : IJobDispatcher
{
    private readonly Queue<OutboxJob> _handedOver = new();

    public void Dispatch(IReadOnlyList<OutboxJob> jobs)
    {
        foreach (var job in jobs)
            _handedOver.Enqueue(job);
    }

    /// <summary>The jobs handed over since the last call, in the order they were committed.</summary>
    public List<OutboxJob> Take()
    {
        var taken = _handedOver.ToList();
        _handedOver.Clear();
        return taken;
    }
}
