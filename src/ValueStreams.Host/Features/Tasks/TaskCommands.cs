using System.Security.Claims;
using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions.Forms;
using ValueStreams.Core.Audit;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Audit;
using ValueStreams.Data.Identity;
using ValueStreams.Data.Runtime;
using ValueStreams.Engine.Runtime;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Host.Features.Errors;

namespace ValueStreams.Host.Features.Tasks;

/// <summary>How a task command ended.</summary>
public enum TaskVerdict { Done, NotFound, Forbidden, Conflict, Invalid }

/// <summary>The answer of a <see cref="TaskCommands"/> call: done (with what changed) or why not.</summary>
public sealed record TaskCommandResult(
    TaskVerdict Verdict, string? Message = null, IReadOnlyList<FieldError>? Errors = null,
    TaskView? Task = null, InstanceState? Instance = null, TaskComment? Comment = null)
{
    public bool Succeeded => Verdict == TaskVerdict.Done;

    public static TaskCommandResult NotFound(string id) => new(TaskVerdict.NotFound, $"Task '{id}' was not found.");

    public static TaskCommandResult Forbidden(TaskView task) =>
        new(TaskVerdict.Forbidden, $"Task '{task.Id}' is for group '{task.Group}'; you are not a candidate.");

    public static TaskCommandResult Forbidden(string message) => new(TaskVerdict.Forbidden, message);

    public static TaskCommandResult Conflict(string message) => new(TaskVerdict.Conflict, message);

    public static TaskCommandResult Invalid(string message, IEnumerable<FieldError> errors) => new(TaskVerdict.Invalid, message, errors.ToList());

    /// <summary>The problem-details response for a failed command (404, 403, 409 or 400 with the failing fields).</summary>
    public IResult ToProblem() => Verdict switch
    {
        TaskVerdict.NotFound => ApiProblem.Status(StatusCodes.Status404NotFound, Message!),
        TaskVerdict.Forbidden => ApiProblem.Status(StatusCodes.Status403Forbidden, Message!),
        TaskVerdict.Conflict => ApiProblem.Status(StatusCodes.Status409Conflict, Message!),
        _ => ApiProblem.Validation(Message!, Errors ?? []),
    };

    /// <summary>The success response built by <paramref name="ok"/>, or the problem.</summary>
    public IResult Answer(Func<TaskCommandResult, IResult> ok) => Succeeded ? ok(this) : ToProblem();
}

/// <summary>
/// Who may act on a human task, and the guarded changes to it (claim, release, complete, delegate, reassign,
/// escalate, comment): one place for the rules the task API and the inbox pages both follow. A task whose
/// instance the user may not see (<see cref="InstanceAccess"/>) is not found. Candidates are the members of
/// the task's group and its assignee; only the holder of a claim completes or delegates the task; escalation
/// goes only to the step's escalation group; only admins reassign; admins may act on any task as an audited
/// override. The <c>May…</c> checks tell the pages which actions to offer.
/// </summary>
public static class TaskCommands
{
    public const int MaxCommentLength = 8000;

    public static string Name(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";

    public static List<string> Groups(ClaimsPrincipal user) => user.FindAll(SignInService.GroupClaim).Select(c => c.Value).ToList();

    public static bool IsAdmin(ClaimsPrincipal user) => user.IsInRole(Roles.Admin);

    /// <summary>The task is assigned to the user or routed to one of the user's groups.</summary>
    public static bool IsMember(TaskView task, ClaimsPrincipal user) =>
        task.Assignee == Name(user) || (task.Group is not null && Groups(user).Contains(task.Group));

    /// <summary>The user may act on the task: a member, or an admin.</summary>
    public static bool IsCandidate(TaskView task, ClaimsPrincipal user) => IsMember(task, user) || IsAdmin(user);

    /// <summary>Only admins may list every task.</summary>
    public static bool MayList(TaskScope scope, ClaimsPrincipal user) => scope != TaskScope.All || IsAdmin(user);

    public static bool IsOpen(TaskView task) => task.Status is "open" or "claimed";

    /// <summary>A candidate may claim an open task, or re-claim one the user already holds.</summary>
    public static bool MayClaim(TaskView task, ClaimsPrincipal user) =>
        IsCandidate(task, user) && (task.Status == "open" || (task.Status == "claimed" && task.ClaimedBy == Name(user)));

    /// <summary>The holder of a claim may give it back; admins may release anyone's.</summary>
    public static bool MayRelease(TaskView task, ClaimsPrincipal user) =>
        IsCandidate(task, user) && task.Status == "claimed" && (task.ClaimedBy == Name(user) || IsAdmin(user));

    /// <summary>A candidate may complete an open task, or a claimed one the user holds (admins: anyone's).</summary>
    public static bool MayComplete(TaskView task, ClaimsPrincipal user) => IsCandidate(task, user) && IsOpenToUser(task, user);

    /// <summary>A candidate may hand an open task to one person, or a claimed one the user holds (admins: anyone's).</summary>
    public static bool MayDelegate(TaskView task, ClaimsPrincipal user) => IsCandidate(task, user) && IsOpenToUser(task, user);

    /// <summary>Only admins may route an open or claimed task to another group.</summary>
    public static bool MayReassign(TaskView task, ClaimsPrincipal user) => IsAdmin(user) && IsOpen(task);

    /// <summary>A candidate may escalate an open or claimed task, whoever holds it.</summary>
    public static bool MayEscalate(TaskView task, ClaimsPrincipal user) => IsCandidate(task, user) && IsOpen(task);

    /// <summary>The groups an escalation may route the task to: its step's <c>sla.escalateTo</c> and the configured escalation group.</summary>
    public static IReadOnlyList<string> EscalationGroups(TaskView task, TaskOptions options) =>
        new[] { task.EscalateTo, options.EscalationGroup }.OfType<string>().Where(g => g.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>The task, if the user may see its instance; else null, so callers answer "not found" and reveal nothing.</summary>
    public static Task<TaskView?> FindVisibleAsync(TaskRepository repository, string id, ClaimsPrincipal user, CancellationToken ct) =>
        repository.FindAsync(id, user.ToViewer(), ct);

    /// <summary>The task is open, or claimed by the user (admins: by anyone).</summary>
    private static bool IsOpenToUser(TaskView task, ClaimsPrincipal user) =>
        IsOpen(task) && (task.Status != "claimed" || task.ClaimedBy == Name(user) || IsAdmin(user));

    public static async Task<TaskCommandResult> ClaimAsync(TaskRepository repository, string id, ClaimsPrincipal user, AuditLog audit, CancellationToken ct)
    {
        var task = await FindVisibleAsync(repository, id, user, ct);
        if (task is null)
            return TaskCommandResult.NotFound(id);
        if (!IsCandidate(task, user))
            return TaskCommandResult.Forbidden(task);
        var claimed = await repository.ClaimAsync(id, Name(user), asOverride: !IsMember(task, user), ct);
        if (claimed == ClaimOutcome.Refused)
        {
            var now = await repository.FindAsync(id, ct) ?? task;
            return TaskCommandResult.Conflict(
                now.Status == "claimed" ? $"Task '{id}' is already claimed by {now.ClaimedBy}." : $"Task '{id}' is {now.Status}.");
        }
        if (claimed == ClaimOutcome.Claimed && !IsMember(task, user))
            await audit.RecordAsync(Name(user), AuditActions.TaskClaimOverride, id, $"group: {task.Group}", ct);
        return new(TaskVerdict.Done, Task: await repository.FindAsync(id, ct));
    }

    public static Task<TaskCommandResult> ReleaseAsync(TaskRepository repository, string id, ClaimsPrincipal user, CancellationToken ct) =>
        ActAsync(repository, id, user, _ => repository.ReleaseAsync(id, Name(user), anyClaimant: IsAdmin(user), ct),
            $"Task '{id}' is not claimed by you.", ct);

    /// <summary>
    /// Completes the task with an outcome and form data after checking who may, the outcome and the form
    /// (<see cref="FormRules"/>); the engine then runs the stream on.
    /// </summary>
    public static async Task<TaskCommandResult> CompleteAsync(TaskRepository repository, WorkflowEngine engine, string id, string? outcome,
        JsonObject? data, ClaimsPrincipal user, AuditLog audit, CancellationToken ct)
    {
        var task = await FindVisibleAsync(repository, id, user, ct);
        if (task is null)
            return TaskCommandResult.NotFound(id);
        if (!IsCandidate(task, user))
            return TaskCommandResult.Forbidden(task);
        if (task.Status is "completed" or "cancelled" or "timed-out")
            return TaskCommandResult.Conflict($"Task '{id}' is already {task.Status}.");
        if (task.Status == "claimed" && task.ClaimedBy != Name(user) && !IsAdmin(user))
            return TaskCommandResult.Conflict($"Task '{id}' is claimed by {task.ClaimedBy}.");
        if (string.IsNullOrWhiteSpace(outcome))
            return TaskCommandResult.Invalid("An outcome is required.", [new("outcome", "choose one of the task's outcomes")]);

        data ??= [];
        // The whole data is bounded before any field is read, so an oversized body is refused as such.
        try
        {
            engine.Limits.CheckTaskData(data);
        }
        catch (EngineException tooLarge)
        {
            return TaskCommandResult.Invalid(tooLarge.Message, tooLarge.Errors.Select(e => new FieldError(e.Path, e.Message)));
        }
        var problems = FormRules.Check(task.Form as JsonArray ?? [], data);
        if (problems.Count > 0)
            return TaskCommandResult.Invalid("The form has errors.", problems.Select(p => new FieldError(p.Path, p.Message)));

        try
        {
            // The engine checks the holder again in the statement that completes the task: a claim may land in between.
            var instance = await engine.CompleteTaskAsync(id, outcome, data, Name(user), overrideClaim: IsAdmin(user), ct);
            var overridden = !IsMember(task, user) || (task.Status == "claimed" && task.ClaimedBy != Name(user));
            await audit.RecordAsync(Name(user), overridden ? AuditActions.TaskCompleteOverride : AuditActions.TaskCompleted, id,
                $"outcome: {outcome}; group: {task.Group}; instance: {task.InstanceId}"
                + (task.Status == "claimed" && task.ClaimedBy != Name(user) ? $"; over the claim of {task.ClaimedBy}" : ""), ct);
            return new(TaskVerdict.Done, Instance: instance);
        }
        catch (EngineException refusal)
        {
            return refusal.Refusal switch
            {
                EngineRefusal.NotFound => new(TaskVerdict.NotFound, refusal.Message),
                EngineRefusal.Conflict => new(TaskVerdict.Conflict, refusal.Message),
                EngineRefusal.Forbidden => new(TaskVerdict.Forbidden, refusal.Message),
                _ => TaskCommandResult.Invalid(refusal.Message, refusal.Errors.Select(e => new FieldError(e.Path, e.Message))),
            };
        }
    }

    /// <summary>Hands the task to one existing user, who may then claim it; refused while someone else holds it.</summary>
    public static async Task<TaskCommandResult> DelegateAsync(TaskRepository repository, UserRepository users, string id, string? assignee,
        ClaimsPrincipal user, CancellationToken ct)
    {
        UserAccount? person = null;
        return await ActAsync(repository, id, user, async _ =>
            {
                person = string.IsNullOrWhiteSpace(assignee) ? null : await users.FindAsync(assignee, ct);
                return person is null ? TaskCommandResult.Invalid("Delegate to whom?", [new("assignee", $"'{assignee}' is not a user")]) : null;
            },
            task => MayDelegate(task, user) ? repository.DelegateAsync(id, Name(user), person!.Username, overrideClaim: IsAdmin(user), ct) : Task.FromResult(false),
            $"Task '{id}' is held by someone else or closed.", ct);
    }

    /// <summary>Routes the task to an existing group, optionally to one existing user (admins only).</summary>
    public static async Task<TaskCommandResult> ReassignAsync(TaskRepository repository, UserRepository users, string id, string? group,
        string? assignee, ClaimsPrincipal user, AuditLog audit, CancellationToken ct)
    {
        if (!IsAdmin(user))
            return TaskCommandResult.Forbidden("Only admins may reassign tasks.");
        if (string.IsNullOrWhiteSpace(group) || !await IsGroupAsync(users, group, ct))
            return TaskCommandResult.Invalid("Reassign to which group?", [new("group", $"'{group}' is not a group")]);
        var person = assignee is null ? null : await users.FindAsync(assignee, ct);
        if (assignee is not null && person is null)
            return TaskCommandResult.Invalid("Reassign to whom?", [new("assignee", $"'{assignee}' is not a user")]);
        var result = await ActAsync(repository, id, user,
            task => MayReassign(task, user) ? repository.ReassignAsync(id, Name(user), group, person?.Username, ct) : Task.FromResult(false),
            $"Task '{id}' is closed.", ct);
        if (result.Succeeded)
            await audit.RecordAsync(Name(user), AuditActions.TaskReassigned, id, $"group: {group}; assignee: {person?.Username ?? "-"}", ct);
        return result;
    }

    /// <summary>
    /// Raises the task's priority with a reason (required, at most <see cref="MaxCommentLength"/> characters), optionally
    /// routing it to one of its <see cref="EscalationGroups"/>; any other group is refused (routing elsewhere is a reassign).
    /// </summary>
    public static async Task<TaskCommandResult> EscalateAsync(TaskRepository repository, TaskOptions options, string id, string? group,
        string? reason, ClaimsPrincipal user, CancellationToken ct)
    {
        return await ActAsync(repository, id, user, task =>
            {
                if (string.IsNullOrWhiteSpace(reason) || reason.Length > MaxCommentLength)
                    return Task.FromResult<TaskCommandResult?>(
                        TaskCommandResult.Invalid("Say why the task is escalated.", [new("reason", $"required, at most {MaxCommentLength} characters")]));
                var allowed = EscalationGroups(task, options);
                if (group is not null && !allowed.Contains(group))
                    return Task.FromResult<TaskCommandResult?>(TaskCommandResult.Invalid("Escalate to which group?", [new("group", allowed.Count == 0
                        ? $"'{group}' is not this task's escalation group; it has none (an admin may reassign it)"
                        : $"'{group}' is not this task's escalation group; escalate to {string.Join(" or ", allowed)}")]));
                return Task.FromResult<TaskCommandResult?>(null);
            },
            task => MayEscalate(task, user) ? repository.EscalateAsync(id, Name(user), group, reason!, ct) : Task.FromResult(false),
            $"Task '{id}' is closed.", ct);
    }

    private static async Task<bool> IsGroupAsync(UserRepository users, string group, CancellationToken ct) =>
        (await users.ListGroupsAsync(ct)).Any(g => g.Id == group);

    /// <summary>Adds a comment or work-log entry (see <see cref="TaskComment.Kinds"/>) to the task's instance.</summary>
    public static async Task<TaskCommandResult> CommentAsync(TaskRepository repository, string id, string? kind, string? text,
        ClaimsPrincipal user, CancellationToken ct)
    {
        var task = await FindVisibleAsync(repository, id, user, ct);
        if (task is null)
            return TaskCommandResult.NotFound(id);
        if (!IsCandidate(task, user))
            return TaskCommandResult.Forbidden(task);
        kind ??= "comment";
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(text) || text.Length > MaxCommentLength)
            errors.Add(new("text", $"required, at most {MaxCommentLength} characters"));
        if (!TaskComment.Kinds.Contains(kind))
            errors.Add(new("kind", $"must be one of {string.Join(", ", TaskComment.Kinds)}"));
        if (errors.Count > 0)
            return TaskCommandResult.Invalid("The comment is invalid.", errors);
        return new(TaskVerdict.Done, Comment: await repository.AddCommentAsync(id, task.InstanceId, Name(user), kind, text!, ct));
    }

    /// <summary>Checks the user may see the task and is a candidate, then applies a guarded change; a conflict when the guard fails.</summary>
    public static Task<TaskCommandResult> ActAsync(TaskRepository repository, string id, ClaimsPrincipal user,
        Func<TaskView, Task<bool>> change, string conflict, CancellationToken ct) =>
        ActAsync(repository, id, user, _ => Task.FromResult<TaskCommandResult?>(null), change, conflict, ct);

    /// <summary>
    /// As above, after <paramref name="refuse"/> had its say on the task and the request (null: go ahead); the request is
    /// judged only after visibility and candidacy, so an outsider learns nothing from it.
    /// </summary>
    private static async Task<TaskCommandResult> ActAsync(TaskRepository repository, string id, ClaimsPrincipal user,
        Func<TaskView, Task<TaskCommandResult?>> refuse, Func<TaskView, Task<bool>> change, string conflict, CancellationToken ct)
    {
        var task = await FindVisibleAsync(repository, id, user, ct);
        if (task is null)
            return TaskCommandResult.NotFound(id);
        if (!IsCandidate(task, user))
            return TaskCommandResult.Forbidden(task);
        if (await refuse(task) is { } refusal)
            return refusal;
        return await change(task)
            ? new(TaskVerdict.Done, Task: await repository.FindAsync(id, ct))
            : TaskCommandResult.Conflict(conflict);
    }
}
