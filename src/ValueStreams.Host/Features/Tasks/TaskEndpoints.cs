using System.Security.Claims;
using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions.Forms;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Runtime;
using ValueStreams.Engine.Runtime;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Host.Features.Errors;
using ValueStreams.Host.Features.Instances;

namespace ValueStreams.Host.Features.Tasks;

public static class TaskEndpoints
{
    public sealed record CompleteRequest(string? Outcome, JsonObject? Data);

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
    }

    private static bool IsMember(TaskView task, ClaimsPrincipal user) =>
        task.Assignee == Name(user) || (task.Group is not null && Groups(user).Contains(task.Group));

    private static bool IsCandidate(TaskView task, ClaimsPrincipal user) => IsMember(task, user) || user.IsInRole(Roles.Admin);

    private static List<string> Groups(ClaimsPrincipal user) => user.FindAll(SignInService.GroupClaim).Select(c => c.Value).ToList();

    private static string Name(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}
