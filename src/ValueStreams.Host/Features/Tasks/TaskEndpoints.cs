using System.Security.Claims;
using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions.Forms;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Identity;
using ValueStreams.Data.Notifications;
using ValueStreams.Data.Runtime;
using ValueStreams.Engine.Runtime;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Host.Features.Errors;
using ValueStreams.Host.Features.Instances;

namespace ValueStreams.Host.Features.Tasks;

public static class TaskEndpoints
{
    public sealed record CompleteRequest(string? Outcome, JsonObject? Data);
    public sealed record DelegateRequest(string? Assignee);
    public sealed record ReassignRequest(string? Group, string? Assignee);
    public sealed record EscalateRequest(string? Group, string? Reason);
    public sealed record CommentRequest(string? Text, string? Kind);

    private const int MaxCommentLength = 8000;

    public static void MapTaskEndpoints(this RouteGroupBuilder api)
    {
        var tasks = api.MapGroup("/tasks").WithTags("Tasks");

        tasks.MapGet("/", async (string? scope, string? status, string? instance, TaskRepository repository, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var parsedScope = (scope ?? "group").ToLowerInvariant() switch
                {
                    "mine" => TaskScope.Mine,
                    "group" => TaskScope.Group,
                    "all" => TaskScope.All,
                    _ => (TaskScope?)null,
                };
                if (parsedScope is null)
                    return ApiProblem.Validation("Unknown scope.", [new("scope", "must be mine, group or all")]);
                if (status is not (null or "open" or "done"))
                    return ApiProblem.Validation("Unknown status.", [new("status", "must be open or done")]);
                if (parsedScope == TaskScope.All && !user.IsInRole(Roles.Admin))
                    return ApiProblem.Status(StatusCodes.Status403Forbidden, "Only admins may list all tasks.");
                return TypedResults.Ok(await repository.ListAsync(parsedScope.Value, status != "done", Name(user), Groups(user), instance, cancellationToken: ct));
            })
            .WithSummary("Tasks: ?scope=mine|group|all (all: admins) &status=open|done &instance=");

        tasks.MapGet("/{id}", async (string id, TaskRepository repository, CancellationToken ct) =>
                await repository.FindAsync(id, ct) is { } task
                    ? TypedResults.Ok(task)
                    : ApiProblem.Status(StatusCodes.Status404NotFound, $"Task '{id}' was not found."))
            .WithSummary("One task with its form and outcomes");

        tasks.MapPost("/{id}/claim", async (string id, TaskRepository repository, ClaimsPrincipal user, ILogger<TaskRepository> audit, CancellationToken ct) =>
            {
                var task = await repository.FindAsync(id, ct);
                if (task is null)
                    return ApiProblem.Status(StatusCodes.Status404NotFound, $"Task '{id}' was not found.");
                if (!IsCandidate(task, user))
                    return ApiProblem.Status(StatusCodes.Status403Forbidden, $"Task '{id}' is for group '{task.Group}'; you are not a candidate.");
                if (!await repository.ClaimAsync(id, Name(user), ct))
                    return ApiProblem.Status(StatusCodes.Status409Conflict,
                        task.Status == "claimed" ? $"Task '{id}' is already claimed by {task.ClaimedBy}." : $"Task '{id}' is {task.Status}.");
                await repository.RecordClaimAsync(id, Name(user), asOverride: !IsMember(task, user), ct);
                if (!IsMember(task, user))
                    audit.LogWarning("Admin {User} claimed task {Task} of group {Group} as an override", Name(user), id, task.Group);
                return TypedResults.Ok(await repository.FindAsync(id, ct));
            })
            .WithSummary("Claim the task for yourself (candidates; admins as an audited override)");

        tasks.MapPost("/{id}/complete", async (string id, CompleteRequest request, TaskRepository repository, WorkflowEngine engine,
                ClaimsPrincipal user, ILogger<TaskRepository> audit, CancellationToken ct) =>
            {
                var task = await repository.FindAsync(id, ct);
                if (task is null)
                    return ApiProblem.Status(StatusCodes.Status404NotFound, $"Task '{id}' was not found.");
                if (!IsCandidate(task, user))
                    return ApiProblem.Status(StatusCodes.Status403Forbidden, $"Task '{id}' is for group '{task.Group}'; you are not a candidate.");
                if (task.Status is "completed" or "cancelled")
                    return ApiProblem.Status(StatusCodes.Status409Conflict, $"Task '{id}' is already {task.Status}.");
                if (task.Status == "claimed" && task.ClaimedBy != Name(user) && !user.IsInRole(Roles.Admin))
                    return ApiProblem.Status(StatusCodes.Status409Conflict, $"Task '{id}' is claimed by {task.ClaimedBy}.");
                if (string.IsNullOrWhiteSpace(request.Outcome))
                    return ApiProblem.Validation("An outcome is required.", [new("outcome", "choose one of the task's outcomes")]);

                var data = request.Data ?? [];
                var problems = FormRules.Check(task.Form as JsonArray ?? [], data);
                if (problems.Count > 0)
                    return ApiProblem.Validation("The form has errors.", problems.Select(p => new FieldError(p.Path, p.Message)));
                if (!IsMember(task, user))
                    audit.LogWarning("Admin {User} completed task {Task} of group {Group} as an override", Name(user), id, task.Group);

                return await EngineProblems.Answer(
                    () => engine.CompleteTaskAsync(id, request.Outcome, data, Name(user), ct),
                    instance => TypedResults.Ok(InstanceEndpoints.Describe(instance)));
            })
            .WithSummary("Complete the task with an outcome and form data; 400 names each failing field");

        MapTaskActions(tasks);

        api.MapGet("/notifications", async (NotificationRepository notifications, ClaimsPrincipal user, CancellationToken ct) =>
                TypedResults.Ok(await notifications.ForUserAsync(Name(user), 50, ct)))
            .WithTags("Tasks").WithSummary("Your newest in-app notifications");
        api.MapPost("/notifications/read", async (NotificationRepository notifications, ClaimsPrincipal user, CancellationToken ct) =>
            {
                await notifications.MarkReadAsync(Name(user), ct);
                return TypedResults.NoContent();
            })
            .WithTags("Tasks").WithSummary("Mark your notifications read");
    }

    private static void MapTaskActions(RouteGroupBuilder tasks)
    {
        tasks.MapPost("/{id}/release", async (string id, TaskRepository repository, ClaimsPrincipal user, CancellationToken ct) =>
                await ActAsync(id, repository, user, ct, task =>
                    repository.ReleaseAsync(id, Name(user), anyClaimant: user.IsInRole(Roles.Admin), ct),
                    $"Task '{id}' is not claimed by you."))
            .WithSummary("Give a claimed task back to its group");

        tasks.MapPost("/{id}/delegate", async (string id, DelegateRequest request, TaskRepository repository, UserRepository users,
                ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (string.IsNullOrWhiteSpace(request.Assignee) || await users.FindAsync(request.Assignee, ct) is null)
                    return ApiProblem.Validation("Delegate to whom?", [new("assignee", $"'{request.Assignee}' is not a user")]);
                return await ActAsync(id, repository, user, ct, task =>
                    task.ClaimedBy is { } holder && holder != Name(user) && !user.IsInRole(Roles.Admin)
                        ? Task.FromResult(false)
                        : repository.DelegateAsync(id, Name(user), request.Assignee, ct),
                    $"Task '{id}' is held by someone else or closed.");
            })
            .WithSummary("Hand the task to one person (candidates and admins)");

        tasks.MapPost("/{id}/reassign", async (string id, ReassignRequest request, TaskRepository repository, UserRepository users,
                ClaimsPrincipal user, CancellationToken ct) =>
            {
                var groups = (await users.ListGroupsAsync(ct)).Select(g => g.Id).ToHashSet();
                if (string.IsNullOrWhiteSpace(request.Group) || !groups.Contains(request.Group))
                    return ApiProblem.Validation("Reassign to which group?", [new("group", $"'{request.Group}' is not a group")]);
                if (request.Assignee is not null && await users.FindAsync(request.Assignee, ct) is null)
                    return ApiProblem.Validation("Reassign to whom?", [new("assignee", $"'{request.Assignee}' is not a user")]);
                return await ActAsync(id, repository, user, ct, _ => repository.ReassignAsync(id, Name(user), request.Group, request.Assignee, ct),
                    $"Task '{id}' is closed.");
            })
            .RequireAuthorization(AuthSetup.Policies.Admin)
            .WithSummary("Route the task to another group, optionally to one person in it (admins)");

        tasks.MapPost("/{id}/escalate", async (string id, EscalateRequest request, TaskRepository repository, UserRepository users,
                ClaimsPrincipal user, CancellationToken ct) =>
            {
                if (string.IsNullOrWhiteSpace(request.Reason) || request.Reason.Length > MaxCommentLength)
                    return ApiProblem.Validation("Say why the task is escalated.", [new("reason", $"required, at most {MaxCommentLength} characters")]);
                if (request.Group is not null && !(await users.ListGroupsAsync(ct)).Any(g => g.Id == request.Group))
                    return ApiProblem.Validation("Escalate to which group?", [new("group", $"'{request.Group}' is not a group")]);
                return await ActAsync(id, repository, user, ct, _ => repository.EscalateAsync(id, Name(user), request.Group, request.Reason, ct),
                    $"Task '{id}' is closed.");
            })
            .WithSummary("Raise the task's priority and optionally route it to an escalation group (candidates and admins)");

        tasks.MapGet("/{id}/history", async (string id, TaskRepository repository, CancellationToken ct) =>
                await repository.FindAsync(id, ct) is null
                    ? ApiProblem.Status(StatusCodes.Status404NotFound, $"Task '{id}' was not found.")
                    : TypedResults.Ok(await repository.HistoryAsync(id, ct)))
            .WithSummary("Who did what to the task, and when");

        tasks.MapGet("/{id}/comments", async (string id, TaskRepository repository, CancellationToken ct) =>
                await repository.FindAsync(id, ct) is { } task
                    ? TypedResults.Ok(await repository.CommentsAsync(task.InstanceId, ct))
                    : ApiProblem.Status(StatusCodes.Status404NotFound, $"Task '{id}' was not found."))
            .WithSummary("Comments and work log of the task's instance, oldest first");

        tasks.MapPost("/{id}/comments", async (string id, CommentRequest request, TaskRepository repository, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var kind = request.Kind ?? "comment";
                var errors = new List<FieldError>();
                if (string.IsNullOrWhiteSpace(request.Text) || request.Text.Length > MaxCommentLength)
                    errors.Add(new("text", $"required, at most {MaxCommentLength} characters"));
                if (!TaskComment.Kinds.Contains(kind))
                    errors.Add(new("kind", $"must be one of {string.Join(", ", TaskComment.Kinds)}"));
                if (errors.Count > 0)
                    return ApiProblem.Validation("The comment is invalid.", errors);
                var task = await repository.FindAsync(id, ct);
                if (task is null)
                    return ApiProblem.Status(StatusCodes.Status404NotFound, $"Task '{id}' was not found.");
                if (!IsCandidate(task, user))
                    return ApiProblem.Status(StatusCodes.Status403Forbidden, $"Task '{id}' is for group '{task.Group}'; you are not a candidate.");
                var comment = await repository.AddCommentAsync(id, task.InstanceId, Name(user), kind, request.Text!, ct);
                return TypedResults.Created($"/api/tasks/{id}/comments", comment);
            })
            .WithSummary("Add a comment or work-log entry (kinds: comment, work-log, symptoms, business-impact, cis-affected, action-done, action-planned)");
    }

    /// <summary>Checks the task exists and the caller is a candidate, then applies a guarded change; 409 when the guard fails.</summary>
    private static async Task<IResult> ActAsync(string id, TaskRepository repository, ClaimsPrincipal user, CancellationToken ct,
        Func<TaskView, Task<bool>> change, string conflict)
    {
        var task = await repository.FindAsync(id, ct);
        if (task is null)
            return ApiProblem.Status(StatusCodes.Status404NotFound, $"Task '{id}' was not found.");
        if (!IsCandidate(task, user))
            return ApiProblem.Status(StatusCodes.Status403Forbidden, $"Task '{id}' is for group '{task.Group}'; you are not a candidate.");
        return await change(task)
            ? TypedResults.Ok(await repository.FindAsync(id, ct))
            : ApiProblem.Status(StatusCodes.Status409Conflict, conflict);
    }

    private static bool IsMember(TaskView task, ClaimsPrincipal user) =>
        task.Assignee == Name(user) || (task.Group is not null && Groups(user).Contains(task.Group));

    private static bool IsCandidate(TaskView task, ClaimsPrincipal user) => IsMember(task, user) || user.IsInRole(Roles.Admin);

    private static List<string> Groups(ClaimsPrincipal user) => user.FindAll(SignInService.GroupClaim).Select(c => c.Value).ToList();

    private static string Name(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}
