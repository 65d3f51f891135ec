using ValueStreams.Engine.Runtime;

namespace ValueStreams.Designer.Designer;

/// <summary>
/// A test run's journal line as a process owner reads it: the step's name, then what happened in plain words
/// ("Assess the incident: task created for Service desk"), never the step's id or the event's code.
/// </summary>
public static class TestRunWords
{
    /// <param name="line">The journal line.</param>
    /// <param name="stepName">The name of a step of the stream by its id (the id when the stream has no such step).</param>
    /// <param name="groupName">The name of a directory group by its id (the id when there is no such group).</param>
    public static string Sentence(TestRunJournalLine line, Func<string, string> stepName, Func<string, string> groupName)
    {
        var what = line.Event switch
        {
            JournalEntry.Started => "Test instance started",
            JournalEntry.Entered => "reached",
            JournalEntry.Completed when line.Outcome is { Length: > 0 } port && port != "done" => $"done, went on by \u201c{port}\u201d",
            JournalEntry.Completed => "done",
            JournalEntry.Faulted => Detailed("failed", line.Detail),
            JournalEntry.TaskCreated => TaskFor(line.Detail, groupName),
            JournalEntry.ValueRealised => "value realised",
            JournalEntry.TimerScheduled => "waiting for its timer",
            JournalEntry.TimerFired => "timer fired",
            JournalEntry.TimedOut => "deadline passed, left by timeout",
            JournalEntry.EventAwaited => "waiting for an event",
            JournalEntry.EventReceived => "event received",
            JournalEntry.Notified => "notification sent",
            JournalEntry.RecordWritten => "record written",
            JournalEntry.ChildStarted => "sub-stream started",
            JournalEntry.ItemCompleted => Detailed("one item done", line.Detail),
            JournalEntry.Retried or JournalEntry.RetryStarted => "tried again",
            JournalEntry.RetryScheduled => Detailed("will be tried again", line.Detail),
            JournalEntry.ServiceLevelMissed => "service-level target missed",
            JournalEntry.InstanceCompleted => "Test instance finished",
            JournalEntry.InstanceFaulted => Detailed("Test instance failed", line.Detail),
            JournalEntry.InstanceCancelled => "Test instance cancelled",
            JournalEntry.InstanceSuspended => "Test instance suspended",
            JournalEntry.InstanceResumed => "Test instance resumed",
            JournalEntry.InstanceMigrated => "Test instance moved to another version",
            _ => Shared.InstanceWords.EventLabel(line.Event).ToLowerInvariant(),
        };
        return line.StepId is { Length: > 0 } step && !line.Event.StartsWith("instance-", StringComparison.Ordinal)
            ? $"{stepName(step)}: {what}"
            : what;
    }

    /// <summary>The engine writes "(task id) for (group id)" when a task is offered to a group.</summary>
    private static string TaskFor(string? detail, Func<string, string> groupName)
    {
        const string For = " for ";
        var at = detail?.IndexOf(For, StringComparison.Ordinal) ?? -1;
        return at < 0 ? "task created" : $"task created for {groupName(detail![(at + For.Length)..])}";
    }

    private static string Detailed(string what, string? detail) => string.IsNullOrWhiteSpace(detail) ? what : $"{what}: {detail}";
}
