namespace ValueStreams.Engine.Runtime;

/// <summary>
/// Something the engine must act on at a moment: a timer to fire (timer steps, deadlines, retries) or a service-level
/// target to check. <see cref="Kind"/> and <see cref="Target"/> are the outbox job that acts on it.
/// </summary>
public sealed record DueItem(DateTimeOffset DueAt, string Kind, string Target);

/// <summary>The store's view of what falls due: every pending item, whichever node scheduled it.</summary>
public interface IDueItems
{
    /// <summary>Pending items due at or before <paramref name="until"/>, earliest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<DueItem>> DueBeforeAsync(DateTimeOffset until, int limit, CancellationToken cancellationToken);
}
