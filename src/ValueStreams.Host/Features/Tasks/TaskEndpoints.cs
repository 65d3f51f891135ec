using System.Security.Claims;
using System.Text.Json.Nodes;
using ValueStreams.Data.Audit;
using ValueStreams.Data.Identity;
using ValueStreams.Data.Notifications;
using ValueStreams.Data.Runtime;
using ValueStreams.Engine.Runtime;
using ValueStreams.Host.Features.Errors;
using ValueStreams.Host.Features.Instances;
using ValueStreams.Core.Identity;
using ValueStreams.Host.Features.Auth;

namespace ValueStreams.Host.Features.Tasks;

public static class TaskEndpoints
{
    public sealed record CompleteRequest(string? Outcome, JsonObject? Data);
    public sealed record DelegateRequest(string? Assignee);
    public sealed record ReassignRequest(string? Group, string? Assignee);
    public sealed record EscalateRequest(string? Group, string? Reason);
    public sealed record CommentRequest(string? Text, string? Kind);

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
                if (!TaskCommands.MayList(parsedScope.Value, user))
                    return ApiProblem.Status(StatusCodes.Status403Forbidden, "Only admins may list all tasks.");
                return TypedResults.Ok(await repository.ListAsync(parsedScope.Value, status != "done", Name(user), Groups(user), instance, cancellationToken: ct));
            })
            .WithAccess(Access.SignedIn)
            .WithSummary("Tasks: ?scope=mine|group|all (all: admins) &status=open|done &instance=");

        tasks.MapGet("/{id}", async (string id, TaskRepository repository, ClaimsPrincipal user, CancellationToken ct) =>
                await TaskCommands.FindVisibleAsync(repository, id, user, ct) is { } task
                    ? TypedResults.Ok(task)
                    : ApiProblem.Status(StatusCodes.Status404NotFound, $"Task '{id}' was not found."))
            .WithAccess(Access.TaskCandidate)
            .WithSummary("One task with its form and outcomes");

        tasks.MapPost("/{id}/claim", async (string id, TaskRepository repository, ClaimsPrincipal user, AuditLog audit, CancellationToken ct) =>
                (await TaskCommands.ClaimAsync(repository, id, user, audit, ct)).Answer(done => TypedResults.Ok(done.Task)))
            .WithAccess(Access.TaskCandidate)
            .WithSummary("Claim the task for yourself (candidates; admins as an audited override)");

        tasks.MapPost("/{id}/complete", async (string id, CompleteRequest request, TaskRepository repository, WorkflowEngine engine,
                ClaimsPrincipal user, AuditLog audit, CancellationToken ct) =>
                (await TaskCommands.CompleteAsync(repository, engine, id, request.Outcome, request.Data, user, audit, ct))
                    .Answer(done => TypedResults.Ok(InstanceEndpoints.Describe(done.Instance!))))
            .WithAccess(Access.TaskCandidate)
            .WithSummary("Complete the task with an outcome and form data; 400 names each failing field");

        MapTaskActions(tasks);

        api.MapGet("/notifications", async (NotificationRepository notifications, ClaimsPrincipal user, CancellationToken ct) =>
                TypedResults.Ok(await notifications.ForUserAsync(Name(user), 50, ct)))
            .WithAccess(Access.SignedIn)
            .WithTags("Tasks").WithSummary("Your newest in-app notifications");
        api.MapPost("/notifications/read", async (NotificationRepository notifications, ClaimsPrincipal user, CancellationToken ct) =>
            {
                await notifications.MarkReadAsync(Name(user), ct);
                return TypedResults.NoContent();
            })
            .WithAccess(Access.SignedIn)
            .WithTags("Tasks").WithSummary("Mark your notifications read");
    }

    private static void MapTaskActions(RouteGroupBuilder tasks)
    {
        tasks.MapPost("/{id}/release", async (string id, TaskRepository repository, ClaimsPrincipal user, CancellationToken ct) =>
                (await TaskCommands.ReleaseAsync(repository, id, user, ct)).Answer(done => TypedResults.Ok(done.Task)))
            .WithAccess(Access.TaskCandidate)
            .WithSummary("Give a claimed task back to its group");

        tasks.MapPost("/{id}/delegate", async (string id, DelegateRequest request, TaskRepository repository, UserRepository users,
                ClaimsPrincipal user, CancellationToken ct) =>
                (await TaskCommands.DelegateAsync(repository, users, id, request.Assignee, user, ct)).Answer(done => TypedResults.Ok(done.Task)))
            .WithAccess(Access.TaskCandidate)
            .WithSummary("Hand the task to one person (candidates and admins; not while someone else holds it)");

        tasks.MapPost("/{id}/reassign", async (string id, ReassignRequest request, TaskRepository repository, UserRepository users,
                ClaimsPrincipal user, AuditLog audit, CancellationToken ct) =>
                (await TaskCommands.ReassignAsync(repository, users, id, request.Group, request.Assignee, user, audit, ct)).Answer(done => TypedResults.Ok(done.Task)))
            .WithAccess(Access.Admin)
            .WithSummary("Route the task to another group, optionally to one person (admins)");

        tasks.MapPost("/{id}/escalate", async (string id, EscalateRequest request, TaskRepository repository, TaskOptions options,
                ClaimsPrincipal user, CancellationToken ct) =>
                (await TaskCommands.EscalateAsync(repository, options, id, request.Group, request.Reason, user, ct)).Answer(done => TypedResults.Ok(done.Task)))
            .WithAccess(Access.TaskCandidate)
            .WithSummary("Raise the task's priority and optionally route it to its escalation group (the step's sla.escalateTo or the configured one; candidates and admins)");

        tasks.MapGet("/{id}/history", async (string id, TaskRepository repository, ClaimsPrincipal user, CancellationToken ct) =>
                await TaskCommands.FindVisibleAsync(repository, id, user, ct) is null
                    ? ApiProblem.Status(StatusCodes.Status404NotFound, $"Task '{id}' was not found.")
                    : TypedResults.Ok(await repository.HistoryAsync(id, ct)))
            .WithAccess(Access.TaskCandidate)
            .WithSummary("Who did what to the task, and when");

        tasks.MapGet("/{id}/comments", async (string id, TaskRepository repository, ClaimsPrincipal user, CancellationToken ct) =>
                await TaskCommands.FindVisibleAsync(repository, id, user, ct) is { } task
                    ? TypedResults.Ok(await repository.CommentsAsync(task.InstanceId, ct))
                    : ApiProblem.Status(StatusCodes.Status404NotFound, $"Task '{id}' was not found."))
            .WithAccess(Access.TaskCandidate)
            .WithSummary("Comments and work log of the task's instance, oldest first");

        tasks.MapPost("/{id}/comments", async (string id, CommentRequest request, TaskRepository repository, ClaimsPrincipal user, CancellationToken ct) =>
                (await TaskCommands.CommentAsync(repository, id, request.Kind, request.Text, user, ct))
                    .Answer(done => TypedResults.Created($"/api/tasks/{id}/comments", done.Comment)))
            .WithAccess(Access.TaskCandidate)
            .WithSummary("Add a comment or work-log entry (kinds: comment, work-log, symptoms, business-impact, cis-affected, action-done, action-planned)");
    }

    private static string Name(ClaimsPrincipal user) => TaskCommands.Name(user);

    private static List<string> Groups(ClaimsPrincipal user) => TaskCommands.Groups(user);
}
