using System.Security.Claims;
using System.Text.Json.Nodes;
using ValueStreams.Core.Audit;
using ValueStreams.Data.Audit;
using ValueStreams.Data.Records;
using ValueStreams.Data.Runtime;
using ValueStreams.Engine.Runtime;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Host.Features.Errors;
using ValueStreams.Core.Identity;
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
            .WithAccess(Access.StreamStarter)
            .WithTags("Instances")
            .WithSummary("Start an instance of the published version; the start step's starters and start form are checked (403, 400 naming input.<field>)")
            .Produces<InstanceResponse>(StatusCodes.Status201Created);

        var instances = api.MapGroup("/instances").WithTags("Instances");

        instances.MapGet("/", async (string? valueStream, string? status, int? limit, InstanceQueries queries, ClaimsPrincipal user, CancellationToken ct) =>
                TypedResults.Ok(await queries.ListAsync(valueStream, status, limit ?? 100, user.ToViewer(), ct)))
            .WithAccess(Access.SignedIn)
            .WithSummary("The instances you may see, newest first (?valueStream=, ?status=, ?limit=)");

        api.MapGet("/portal/my-requests", async (RequestPortal portal, ClaimsPrincipal user, CancellationToken ct) =>
                TypedResults.Ok(await portal.MyRequestsAsync(user, ct)))
            .WithAccess(Access.SignedIn)
            .WithTags("Instances")
            .WithSummary("The caller's requests (instances they started): status, current steps, who has them, value milestones reached");

        instances.MapGet("/{id}", async (string id, InstanceQueries queries, InstanceAccess access, ClaimsPrincipal user, CancellationToken ct) =>
                await access.MaySeeAsync(id, user.ToViewer(), ct) && await queries.FindAsync(id, ct) is { } instance
                    ? TypedResults.Ok(Describe(instance))
                    : NotFound(id))
            .WithAccess(Access.InstanceParticipant)
            .WithSummary("An instance with its variables and the steps where it stands");

        instances.MapGet("/{id}/records", async (string id, RecordLinkRepository records, InstanceAccess access, ClaimsPrincipal user,
                CancellationToken ct) =>
                await access.MaySeeAsync(id, user.ToViewer(), ct)
                    ? TypedResults.Ok(await records.OfInstanceAsync(id, ct))
                    : NotFound(id))
            .WithAccess(Access.InstanceParticipant)
            .WithSummary("The ITIL records the instance works on: [{kind, collection, id, number, title, state, role: started|created|updated|read}]");

        instances.MapGet("/{id}/journal", async (string id, InstanceQueries queries, InstanceAccess access, ClaimsPrincipal user, CancellationToken ct) =>
                await access.MaySeeAsync(id, user.ToViewer(), ct)
                    ? TypedResults.Ok(await queries.JournalAsync(id, ct))
                    : NotFound(id))
            .WithAccess(Access.InstanceParticipant)
            .WithSummary("Every step entered, completed or faulted, with time, actor and outcome");

        Control(instances, "/{id}/cancel", "Cancel the instance: open tasks, timers and event waits are cancelled too",
            (engine, id, user, ct) => engine.CancelAsync(id, user, ct));
        Control(instances, "/{id}/retry", "Retry the faulted steps",
            (engine, id, user, ct) => engine.RetryAsync(id, user, ct));
        Control(instances, "/{id}/suspend", "Suspend: nothing moves until resumed",
            (engine, id, user, ct) => engine.SuspendAsync(id, user, ct));
        Control(instances, "/{id}/resume", "Resume a suspended instance",
            (engine, id, user, ct) => engine.ResumeAsync(id, user, ct));

        instances.MapPost("/{id}/timers/fire", async (string id, WorkflowEngine engine, ClaimsPrincipal user, AuditLog audit, CancellationToken ct) =>
                await EngineProblems.Answer(async () =>
                {
                    var fired = await engine.FirePendingTimersAsync(id, ct);
                    await audit.RecordAsync(Name(user), AuditActions.Instance("timers-fired"), id, $"fired: {fired}", ct);
                    return fired;
                }, fired => TypedResults.Ok(new { fired })))
            .WithAccess(Access.Admin)
            .WithSummary("Fire the instance's pending timers now (operations and testing)");

        instances.MapPost("/{id}/migrate", async (string id, MigrateRequest request, WorkflowEngine engine, ClaimsPrincipal user, AuditLog audit, CancellationToken ct) =>
                await EngineProblems.Answer(async () =>
                {
                    var instance = await engine.MigrateAsync(id, request.Version, Name(user), ct);
                    await audit.RecordAsync(Name(user), AuditActions.Instance("migrate"), id, $"to version {instance.Version}", ct);
                    return instance;
                }, instance => TypedResults.Ok(Describe(instance))))
            .WithAccess(Access.Admin)
            .WithSummary("Move a waiting instance to another version when its waiting steps exist there");

        api.MapPost("/events", async (EventRequest request, WorkflowEngine engine, InstanceAccess access, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var errors = new List<FieldError>();
                if (string.IsNullOrWhiteSpace(request.Name)) errors.Add(new("name", "An event name is required."));
                if (string.IsNullOrWhiteSpace(request.CorrelationId)) errors.Add(new("correlationId", "A correlation id is required."));
                if (errors.Count > 0)
                    return ApiProblem.Validation("The event is incomplete.", errors);
                // Only the instances the caller may see are resumed; the others are not revealed by the count either.
                var viewer = user.ToViewer();
                return await EngineProblems.Answer(() => engine.DeliverEventAsync(request.Name!, request.CorrelationId!, request.Payload, Name(user),
                        (instanceId, token) => access.MaySeeAsync(instanceId, viewer, token), viewer.IsAdmin ? null : viewer.Groups, ct),
                    delivery => TypedResults.Ok(new { resumed = delivery.Resumed, retained = delivery.Retained }));
            })
            .WithAccess(Access.SignedIn)
            .WithTags("Instances").WithSummary("Resume the instances you may act on that wait for this event and correlation id; when none waits, keep it for the first wait that starts within the event retention");
    }

    private static void Control(RouteGroupBuilder instances, string pattern, string summary,
        Func<WorkflowEngine, string, string, CancellationToken, Task<InstanceState>> action) =>
        instances.MapPost(pattern, async (string id, WorkflowEngine engine, ClaimsPrincipal user, AuditLog audit, CancellationToken ct) =>
                await EngineProblems.Answer(async () =>
                {
                    var instance = await action(engine, id, Name(user), ct);
                    await audit.RecordAsync(Name(user), AuditActions.Instance(pattern.Split('/')[^1]), id, $"status: {instance.Status}", ct);
                    return instance;
                }, instance => TypedResults.Ok(Describe(instance))))
            .WithAccess(Access.Admin)
            .WithSummary(summary);

    public static InstanceResponse Describe(InstanceState instance) => new(
        instance.Id, instance.ValueStreamId, instance.Version, instance.Status, instance.CorrelationId, instance.Variables, instance.Input,
        instance.Tokens.Select(t => new ActiveStep(t.StepId, t.Id, t.WaitingFor?.Kind, t.WaitingFor?.Id, t.Fault)).ToList(),
        instance.CreatedBy, instance.CreatedAt, instance.UpdatedAt, instance.CompletedAt, instance.ParentInstanceId);

    private static IResult NotFound(string id) => ApiProblem.Status(StatusCodes.Status404NotFound, $"Instance '{id}' was not found.");

    private static string Name(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}
