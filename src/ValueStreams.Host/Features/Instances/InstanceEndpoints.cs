using System.Security.Claims;
using System.Text.Json.Nodes;
using ValueStreams.Data.Runtime;
using ValueStreams.Engine.Runtime;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Host.Features.Errors;
using ValueStreams.Host.Features.Portal;

namespace ValueStreams.Host.Features.Instances;

public static class InstanceEndpoints
{
    public sealed record StartRequest(JsonObject? Input, string? CorrelationId);
    public sealed record MigrateRequest(int Version);
    public sealed record EventRequest(string? Name, string? CorrelationId, JsonNode? Payload);

    /// <summary>A step where a token stands: waiting (for a task, timer, event, child or HTTP call) or faulted.</summary>
    public sealed record ActiveStep(string StepId, string TokenId, string? WaitingFor, string? WaitingId, string? Fault);

    public sealed record InstanceResponse(
        string Id, string ValueStreamId, int Version, string Status, string? CorrelationId, JsonObject Variables, JsonNode? Input,
        IReadOnlyList<ActiveStep> ActiveSteps, string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt,
        string? ParentInstanceId);

    public static void MapInstanceEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/value-streams/{id}/instances", async (string id, StartRequest? request, RequestPortal portal, ClaimsPrincipal user, CancellationToken ct) =>
                await EngineProblems.Answer(
                    () => portal.StartAsync(id, request?.Input, request?.CorrelationId, user, ct),
                    instance => TypedResults.Created($"/api/instances/{instance.Id}", Describe(instance))))
            .WithTags("Instances")
            .WithSummary("Start an instance of the published version; the start step's starters and start form are checked (403, 400 naming input.<field>)")
            .Produces<InstanceResponse>(StatusCodes.Status201Created);

        var instances = api.MapGroup("/instances").WithTags("Instances");

        instances.MapGet("/", async (string? valueStream, string? status, int? limit, InstanceQueries queries, CancellationToken ct) =>
                TypedResults.Ok(await queries.ListAsync(valueStream, status, limit ?? 100, ct)))
            .WithSummary("Instances, newest first (?valueStream=, ?status=, ?limit=)");

        api.MapGet("/portal/my-requests", async (RequestPortal portal, ClaimsPrincipal user, CancellationToken ct) =>
                TypedResults.Ok(await portal.MyRequestsAsync(user, ct)))
            .WithTags("Instances")
            .WithSummary("The caller's requests (instances they started): status, current steps, who has them, value milestones reached");

        instances.MapGet("/{id}", async (string id, InstanceQueries queries, CancellationToken ct) =>
                await queries.FindAsync(id, ct) is { } instance
                    ? TypedResults.Ok(Describe(instance))
                    : ApiProblem.Status(StatusCodes.Status404NotFound, $"Instance '{id}' was not found."))
            .WithSummary("An instance with its variables and the steps where it stands");

        instances.MapGet("/{id}/journal", async (string id, InstanceQueries queries, CancellationToken ct) =>
                await queries.FindAsync(id, ct) is null
                    ? ApiProblem.Status(StatusCodes.Status404NotFound, $"Instance '{id}' was not found.")
                    : TypedResults.Ok(await queries.JournalAsync(id, ct)))
            .WithSummary("Every step entered, completed or faulted, with time, actor and outcome");

        Control(instances, "/{id}/cancel", "Cancel the instance: open tasks, timers and event waits are cancelled too",
            (engine, id, user, ct) => engine.CancelAsync(id, user, ct));
        Control(instances, "/{id}/retry", "Retry the faulted steps",
            (engine, id, user, ct) => engine.RetryAsync(id, user, ct));
        Control(instances, "/{id}/suspend", "Suspend: nothing moves until resumed",
            (engine, id, user, ct) => engine.SuspendAsync(id, user, ct));
        Control(instances, "/{id}/resume", "Resume a suspended instance",
            (engine, id, user, ct) => engine.ResumeAsync(id, user, ct));

        instances.MapPost("/{id}/timers/fire", async (string id, WorkflowEngine engine, CancellationToken ct) =>
                await EngineProblems.Answer(() => engine.FirePendingTimersAsync(id, ct), fired => TypedResults.Ok(new { fired })))
            .RequireAuthorization(AuthSetup.Policies.Admin)
            .WithSummary("Fire the instance's pending timers now (operations and testing)");

        instances.MapPost("/{id}/migrate", async (string id, MigrateRequest request, WorkflowEngine engine, ClaimsPrincipal user, CancellationToken ct) =>
                await EngineProblems.Answer(() => engine.MigrateAsync(id, request.Version, Name(user), ct), instance => TypedResults.Ok(Describe(instance))))
            .RequireAuthorization(AuthSetup.Policies.Admin)
            .WithSummary("Move a waiting instance to another version when its waiting steps exist there");

        api.MapPost("/events", async (EventRequest request, WorkflowEngine engine, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var errors = new List<FieldError>();
                if (string.IsNullOrWhiteSpace(request.Name)) errors.Add(new("name", "An event name is required."));
                if (string.IsNullOrWhiteSpace(request.CorrelationId)) errors.Add(new("correlationId", "A correlation id is required."));
                if (errors.Count > 0)
                    return ApiProblem.Validation("The event is incomplete.", errors);
                var resumed = await engine.DeliverEventAsync(request.Name!, request.CorrelationId!, request.Payload, Name(user), ct);
                return TypedResults.Ok(new { resumed });
            })
            .WithTags("Instances").WithSummary("Resume the instances waiting for this event and correlation id");
    }

    private static void Control(RouteGroupBuilder instances, string pattern, string summary,
        Func<WorkflowEngine, string, string, CancellationToken, Task<InstanceState>> action) =>
        instances.MapPost(pattern, async (string id, WorkflowEngine engine, ClaimsPrincipal user, CancellationToken ct) =>
                await EngineProblems.Answer(() => action(engine, id, Name(user), ct), instance => TypedResults.Ok(Describe(instance))))
            .RequireAuthorization(AuthSetup.Policies.Admin)
            .WithSummary(summary);

    public static InstanceResponse Describe(InstanceState instance) => new(
        instance.Id, instance.ValueStreamId, instance.Version, instance.Status, instance.CorrelationId, instance.Variables, instance.Input,
        instance.Tokens.Select(t => new ActiveStep(t.StepId, t.Id, t.WaitingFor?.Kind, t.WaitingFor?.Id, t.Fault)).ToList(),
        instance.CreatedBy, instance.CreatedAt, instance.UpdatedAt, instance.CompletedAt, instance.ParentInstanceId);

    private static string Name(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}
