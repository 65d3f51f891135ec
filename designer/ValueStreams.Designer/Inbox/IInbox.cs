using System.Text.Json.Nodes;
using ValueStreams.Designer.Shared;

namespace ValueStreams.Designer.Inbox;

/// <summary>
/// What the inbox pages need from the back end, for the signed-in user: tasks by scope, one task with
/// its form and the instance's story, the task actions and in-app notifications. The host implements
/// it over the store and the engine; the pages never see either.
/// </summary>
public interface IInbox
{
    /// <summary>Tasks in a scope, filtered, searched and sorted. Asking for <see cref="InboxScope.All"/> without being an admin gives none.</summary>
    Task<IReadOnlyList<InboxTask>> ListAsync(InboxQuery query, CancellationToken cancellationToken = default);

    /// <summary>The value streams tasks can come from (for the filter).</summary>
    Task<IReadOnlyList<InboxChoice>> ValueStreamsAsync(CancellationToken cancellationToken = default);

    /// <summary>One task as in the list (cheap: for refreshing a task page's header).</summary>
    Task<InboxTask?> FindAsync(string taskId, CancellationToken cancellationToken = default);

    /// <summary>One task with its form, outcomes, what the user may do, and its instance's journal, variables and work log.</summary>
    Task<InboxTaskDetails?> GetAsync(string taskId, CancellationToken cancellationToken = default);

    Task<InboxResult> ClaimAsync(string taskId, CancellationToken cancellationToken = default);

    Task<InboxResult> ReleaseAsync(string taskId, CancellationToken cancellationToken = default);

    /// <summary>Completes the task; a failure names each failing form field (by field name) with the server's message.</summary>
    Task<InboxResult> CompleteAsync(string taskId, string outcome, JsonObject data, CancellationToken cancellationToken = default);

    /// <summary>Hands the task to one user, who may then claim it (<see cref="InboxTaskDetails.CanDelegate"/>).</summary>
    Task<InboxResult> DelegateAsync(string taskId, string assignee, CancellationToken cancellationToken = default);

    /// <summary>Routes the task to another group, optionally to one user (<see cref="InboxTaskDetails.CanReassign"/>).</summary>
    Task<InboxResult> ReassignAsync(string taskId, string group, string? assignee, CancellationToken cancellationToken = default);

    /// <summary>
    /// Raises the task's priority with a reason of at most <see cref="MaxReasonLength"/> characters, optionally routing it to
    /// one of its escalation groups (<see cref="InboxTaskDetails.CanEscalate"/>, <see cref="InboxTaskDetails.EscalationGroups"/>).
    /// </summary>
    Task<InboxResult> EscalateAsync(string taskId, string reason, string? group, CancellationToken cancellationToken = default);

    /// <summary>The longest escalation reason the server takes.</summary>
    int MaxReasonLength { get; }

    /// <summary>The people (with their groups) and the groups a task can be delegated, reassigned or escalated to.</summary>
    Task<InboxDirectory> DirectoryAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a comment or work-log entry; <paramref name="kind"/> is one of <see cref="CommentKinds"/>.</summary>
    Task<InboxResult> AddCommentAsync(string taskId, string kind, string text, CancellationToken cancellationToken = default);

    /// <summary>The kinds of comment the work log takes (comment, work-log, symptoms, …).</summary>
    IReadOnlyList<string> CommentKinds { get; }

    /// <summary>People a user field can name.</summary>
    Task<IReadOnlyList<InboxChoice>> UsersAsync(CancellationToken cancellationToken = default);

    /// <summary>The user's newest notifications and how many are unread.</summary>
    Task<InboxNotifications> NotificationsAsync(int newest, CancellationToken cancellationToken = default);

    Task MarkNotificationsReadAsync(CancellationToken cancellationToken = default);
}

/// <summary>Whose tasks: assigned to or claimed by me, my groups' (and mine), or everyone's (admins).</summary>
public enum InboxScope { Mine, Group, All }

public enum InboxStatus { Open, Done }

public enum InboxSort { DueSoonest, DueLatest, Newest, Priority }

public sealed record InboxQuery(
    InboxScope Scope = InboxScope.Group, InboxStatus Status = InboxStatus.Open, string? ValueStreamId = null, string? Search = null,
    InboxSort Sort = InboxSort.DueSoonest);

/// <summary>
/// A task as a row of the inbox. <see cref="Sla"/> is none, on-track, at-risk or breached; <see cref="MissedTargets"/>
/// names the service-level targets (response, resolution) the task missed and was escalated for. <see cref="Requester"/> is
/// who started the instance. <see cref="Calendar"/> is the calendar its targets are measured on (null: around the clock).
/// </summary>
public sealed record InboxTask(
    string Id, string InstanceId, string ValueStreamId, string ValueStreamName, string StepId, string Title, string? Group, string? Assignee,
    string Status, int? Priority, DateTimeOffset? DueAt, DateTimeOffset CreatedAt, string? ClaimedBy, string? CompletedBy,
    DateTimeOffset? CompletedAt, string? Outcome, string Sla, IReadOnlyList<string>? MissedTargets = null, string? Requester = null,
    ValueStreams.Core.ServiceLevels.BusinessCalendar? Calendar = null)
{
    public bool IsOpen => Status is "open" or "claimed";

    /// <summary>A short reference to the task's instance, enough to tell rows apart and to quote on the phone.</summary>
    public string Reference => InstanceReference.Of(InstanceId);
}

/// <summary>What an earlier step captured, under its form label: the context an approver reads before acting.</summary>
public sealed record InboxContextItem(string Label, string Value, string StepName);

public sealed record InboxOutcome(string Id, string Label);

/// <summary>A line of the instance's journal, with the step's name where the step is known.</summary>
public sealed record InboxJournalLine(DateTimeOffset At, string? StepId, string? StepName, string Event, string? Actor, string? Outcome, string? Detail);

public sealed record InboxComment(DateTimeOffset At, string Author, string Kind, string Text);

/// <summary>A line of the task's own audit trail (claimed, released, delegated, …).</summary>
public sealed record InboxTaskEvent(DateTimeOffset At, string Actor, string Action, string? Detail);

/// <summary>
/// A task page's content. The <c>Can…</c> flags say which actions the server's rules allow the user now;
/// <see cref="EscalationGroups"/> are the only groups an escalation may route the task to. <see cref="Form"/> holds the task's form fields as the value stream defines them
/// (name, label, type, required, options, min, max, pattern, recordType, help, default); check data
/// against it with <c>FormRules</c>, as the server does.
/// </summary>
public sealed record InboxTaskDetails(
    InboxTask Task, string? StepDescription, JsonArray Form, IReadOnlyList<InboxOutcome> Outcomes, JsonObject? Data,
    string? InstanceStatus, JsonObject Variables, IReadOnlyList<InboxJournalLine> Journal, IReadOnlyList<InboxComment> Comments,
    IReadOnlyList<InboxTaskEvent> History, bool CanClaim, bool CanRelease, bool CanComplete, bool CanComment,
    bool CanDelegate, bool CanReassign, bool CanEscalate, IReadOnlyList<string> EscalationGroups,
    IReadOnlyList<InboxContextItem>? Context = null);

/// <summary>
/// How an action went. <see cref="FieldErrors"/> maps form field names to the server's messages; other
/// problems (outcome, comment text…) are in <see cref="OtherErrors"/>.
/// </summary>
public sealed record InboxResult(bool Succeeded, string? Message, IReadOnlyDictionary<string, string> FieldErrors, IReadOnlyList<string> OtherErrors)
{
    public static InboxResult Ok(string? message = null) => new(true, message, new Dictionary<string, string>(), []);

    public static InboxResult Failed(string message, IReadOnlyDictionary<string, string>? fieldErrors = null, IReadOnlyList<string>? otherErrors = null) =>
        new(false, message, fieldErrors ?? new Dictionary<string, string>(), otherErrors ?? []);
}

public sealed record InboxNotification(string Id, DateTimeOffset At, string Text, string? TaskId, bool Read);

public sealed record InboxNotifications(int Unread, IReadOnlyList<InboxNotification> Newest);

/// <summary>An id and the name to show for it (value streams, users).</summary>
public sealed record InboxChoice(string Id, string Name);

/// <summary>A user a task can be handed to, with the ids of the groups the user belongs to.</summary>
public sealed record InboxPerson(string Username, string Name, IReadOnlyList<string> Groups)
{
    /// <summary>How pickers show the person: "Name (username)".</summary>
    public string Label => $"{Name} ({Username})";
}

/// <summary>Everyone and every group, sorted by user name and group id.</summary>
public sealed record InboxDirectory(IReadOnlyList<InboxPerson> People, IReadOnlyList<InboxChoice> Groups);
