namespace ValueStreams.Data.Runtime;

/// <summary>SQL that several writers of tasks share, so the audit trail and escalation read the same everywhere.</summary>
internal static class TaskStatements
{
    /// <summary>One line of a task's audit trail; parameters taskId, at, actor, action, detail.</summary>
    public const string AppendEvent =
        "INSERT INTO task_events (task_id, at, actor, action, detail) VALUES (@taskId, @at, @actor, @action, @detail)";

    /// <summary>The SET clause that raises a task's priority by one level (1 is the highest; no priority counts as 4).</summary>
    public const string RaisePriority =
        "priority = CASE WHEN priority IS NULL OR priority > 1 THEN COALESCE(priority, 4) - 1 ELSE 1 END";
}
