namespace ValueStreams.Core.Audit;

/// <summary>One line of the audit log: who did what to which target, when, with details.</summary>
public sealed record AuditEntry(string Id, DateTimeOffset At, string Actor, string Action, string? Target, string? Details);

/// <summary>A filter over the audit log: by actor, action, a time range (from inclusive, to exclusive) and a page.</summary>
public sealed record AuditQuery(string? Actor = null, string? Action = null, DateTimeOffset? From = null, DateTimeOffset? To = null,
    int Offset = 0, int Limit = 50);

/// <summary>One page of audit lines, newest first, and how many match in all.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, int Total, int Offset, int Limit);

/// <summary>The actions the audit log records, in the words the log shows.</summary>
public static class AuditActions
{
    public const string SignedIn = "sign-in";
    public const string SignInFailed = "sign-in-failed";
    public const string Published = "value-stream.published";
    public const string Imported = "value-stream.imported";
    public const string TaskCompleted = "task.completed";
    public const string TaskClaimOverride = "task.claim-override";
    public const string TaskCompleteOverride = "task.complete-override";
    public const string TaskReassigned = "task.reassigned";
    public const string UserCreated = "user.created";
    public const string UserUpdated = "user.updated";
    public const string UserDeactivated = "user.deactivated";
    public const string UserReactivated = "user.reactivated";
    public const string PasswordReset = "user.password-reset";
    public const string PasswordChanged = "account.password-changed";
    public const string GroupCreated = "group.created";
    public const string GroupUpdated = "group.updated";

    /// <summary>An admin's control of an instance: cancel, retry, suspend, resume, migrate, fire timers.</summary>
    public static string Instance(string verb) => $"instance.{verb}";
}
