namespace ValueStreams.Engine.Runtime;

/// <summary>
/// Takes tokens out of an instance with everything they left waiting, in the run's transaction: open tasks leave
/// the inbox as cancelled, pending timers are cancelled (their scheduler jobs then find nothing to fire), event
/// subscriptions end and waited-for children are cancelled with their own children.
/// </summary>
internal static class Withdrawal
{
    /// <summary>Removes the token and cancels what it waited for; returns what was cancelled, for the journal.</summary>
    public static async Task<string> WithdrawTokenAsync(InstanceState instance, Token token, IRunSession session, DateTimeOffset now, string actor, string because)
    {
        instance.Tokens.Remove(token);
        var cancelled = new List<string>();
        if (token.Deadline is { } deadline && await session.CancelTimerAsync(deadline))
            cancelled.Add($"deadline timer {deadline}");
        switch (token.WaitingFor)
        {
            case { Kind: Bookmark.Task or Bookmark.Tasks }:
                cancelled.Add($"{await session.CancelOpenTasksOfTokenAsync(instance.Id, token.Id, now, because)} task(s)");
                break;
            case { Kind: Bookmark.Timer or Bookmark.Retry, Id: var timerId }:
                if (await session.CancelTimerAsync(timerId))
                    cancelled.Add($"timer {timerId}");
                break;
            case { Kind: Bookmark.Event, Id: var subscriptionId }:
                if (await session.TakeSubscriptionAsync(subscriptionId) is { } subscription)
                    cancelled.Add($"the wait for event '{subscription.EventName}' / {subscription.CorrelationId}");
                break;
            case { Kind: Bookmark.Child, Id: var childId }:
                if (await session.LockInstanceAsync(childId) is { } child && !InstanceStatus.IsFinished(child.Status))
                {
                    await CancelWithChildrenAsync(session, child, actor, $"its parent {instance.Id} no longer waits for it: {because}", now);
                    cancelled.Add($"child instance {childId}");
                }
                break;
            case { Kind: Bookmark.Http }:
                cancelled.Add("the wait for its HTTP call");
                break;
            case null when token.Fault is null:
                cancelled.Add("nothing (it had not run yet)");
                break;
        }
        // A for-each call waits for one child per item.
        if (token.ForEach is { OpenKind: Bookmark.Child } forEach)
            foreach (var childId in forEach.Open.Keys.ToList())
                if (await session.LockInstanceAsync(childId) is { } child && !InstanceStatus.IsFinished(child.Status))
                {
                    await CancelWithChildrenAsync(session, child, actor, $"its parent {instance.Id} no longer waits for it: {because}", now);
                    cancelled.Add($"child instance {childId}");
                }
        var what = cancelled.Count == 0 ? "nothing was waiting" : string.Join(", ", cancelled);
        return $"{token.Id} at '{token.StepId}': {what}";
    }

    /// <summary>Cancels an instance and, in the same transaction, the children it waits for (and theirs).</summary>
    public static async Task CancelWithChildrenAsync(IRunSession session, InstanceState instance, string user, string? because, DateTimeOffset now)
    {
        var children = instance.Tokens.Where(t => t.WaitingFor?.Kind == Bookmark.Child).Select(t => t.WaitingFor!.Id)
            .Concat(instance.Tokens.Where(t => t.ForEach?.OpenKind == Bookmark.Child).SelectMany(t => t.ForEach!.Open.Keys))
            .ToList();
        instance.Status = InstanceStatus.Cancelled;
        instance.CompletedAt = now;
        instance.Tokens.Clear();
        await session.CancelOpenTasksAsync(instance.Id, now);
        await session.CancelTimersAsync(instance.Id);
        await session.CancelSubscriptionsAsync(instance.Id);
        await session.AppendJournalAsync(new JournalEntry(instance.Id, now, null, JournalEntry.InstanceCancelled, user, null, because));
        await session.SaveInstanceAsync(instance);
        foreach (var childId in children)
            if (await session.LockInstanceAsync(childId) is { } child && !InstanceStatus.IsFinished(child.Status))
                await CancelWithChildrenAsync(session, child, user, $"its parent {instance.Id} was cancelled", now);
    }
}
