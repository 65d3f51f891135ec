using System.Security.Claims;
using System.Text.Json.Nodes;
using ValueStreams.Core.Audit;
using ValueStreams.Data.Audit;
using ValueStreams.Data.Definitions;
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

    /// <summary>A migration's preview: whether the instance can move (not finished, every token's step in the target) and each token's move.</summary>
    public sealed record MigrationPreview(int FromVersion, int ToVersion, bool CanMigrate, IReadOnlyList<TokenMove> Tokens);
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

        instances.MapGet("/", async (HttpRequest request, int? limit, InstanceList list, TimeProvider clock, ClaimsPrincipal user, CancellationToken ct) =>
            {
                var errors = InstanceListParameters.Read(name => request.Query[name].ToString(), clock.GetUtcNow(), out var parsed);
                if (errors.Count > 0)
                    return ApiProblem.Validation("The instance list cannot be read that way.", errors);
                // Without page or pageSize the list is the bare array it always was; with either, a page with its total.
                if (!request.Query.ContainsKey("page") && !request.Query.ContainsKey("pageSize"))
                    return TypedResults.Ok(await list.ListAsync(parsed!, limit ?? 100, user.ToViewer(), ct));
                return Results.Ok(await list.PageAsync(parsed!, user.ToViewer(), ct));
            })
            .WithAccess(Access.SignedIn)
            .WithSummary("The instances you may see, newest first. Filters: ?valueStream=, ?version=, ?status=, ?from= and ?to= (started; a date or " +
                         "date-time), ?correlationId=, ?record= (a record number: the instances working on it), ?stuck= (PT4H or \"4 hours\": " +
                         "not moved, or a task open, that long). With ?page= or ?pageSize= (up to 200) the answer is {items, total, totalExact, " +
                         "page, pageSize}; without, a bare array of up to ?limit= (100) instances. 400 names a filter that cannot be used.");

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

        foreach (var (name, summary) in new[]
                 {
                     ("cancel", "Cancel the instance: open tasks, timers and event waits are cancelled too"),
                     ("retry", "Retry the faulted steps"),
                     ("suspend", "Suspend: nothing moves until resumed"),
                     ("resume", "Resume a suspended instance"),
                 })
            instances.MapPost($"/{{id}}/{name}", async (string id, InstanceControls controls, ClaimsPrincipal user, CancellationToken ct) =>
                    await EngineProblems.Answer(() => controls.ControlAsync(name, id, Name(user), ct), instance => TypedResults.Ok(Describe(instance))))
                .WithAccess(Access.Admin)
                .WithSummary(summary);

        instances.MapPost("/{id}/timers/fire", async (string id, InstanceControls controls, ClaimsPrincipal user, CancellationToken ct) =>
                await EngineProblems.Answer(() => controls.FireTimersAsync(id, Name(user), ct), fired => TypedResults.Ok(new { fired })))
            .WithAccess(Access.Admin)
            .WithSummary("Fire the instance's pending timers now (operations and testing)");

        instances.MapGet("/{id}/migration-preview", async (string id, int? version, InstanceQueries queries, ValueStreamRepository streams,
                CancellationToken ct) =>
            {
                if (version is not > 0)
                    return ApiProblem.Validation("Say which version to preview.", [new FieldError("version", "'version' must be a version number, such as 2.")]);
                if (await queries.FindAsync(id, ct) is not { } instance)
                    return NotFound(id);
                var current = await streams.ReadPublishedAsync(instance.ValueStreamId, instance.Version, ct);
                var target = await streams.ReadPublishedAsync(instance.ValueStreamId, version.Value, ct);
                if (current is null || target is null)
                    return ApiProblem.Status(StatusCodes.Status404NotFound, $"Value stream '{instance.ValueStreamId}' has no version {version}.");
                var moves = MigrationPlan.Of(instance, current, target);
                return TypedResults.Ok(new MigrationPreview(instance.Version, version.Value, !InstanceStatus.IsFinished(instance.Status) && moves.All(m => m.Moves), moves));
            })
            .WithAccess(Access.Admin)
            .WithSummary("What migrating to ?version= would move: each token's step, its type, and whether the target version has that step with that type");

        instances.MapPost("/{id}/migrate", async (string id, MigrateRequest request, InstanceControls controls, ClaimsPrincipal user, CancellationToken ct) =>
                await EngineProblems.Answer(() => controls.MigrateAsync(id, request.Version, Name(user), ct), instance => TypedResults.Ok(Describe(instance))))
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

    public static InstanceResponse Describe(InstanceState instance) => new(
        instance.Id, instance.ValueStreamId, instance.Version, instance.Status, instance.CorrelationId, instance.Variables, instance.Input,
        instance.Tokens.Select(t => new ActiveStep(t.StepId, t.Id, t.WaitingFor?.Kind, t.WaitingFor?.Id, t.Fault)).ToList(),
        instance.CreatedBy, instance.CreatedAt, instance.UpdatedAt, instance.CompletedAt, instance.ParentInstanceId);

    private static IResult NotFound(string id) => ApiProblem.Status(StatusCodes.Status404NotFound, $"Instance '{id}' was not found.");

    private static string Name(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}
