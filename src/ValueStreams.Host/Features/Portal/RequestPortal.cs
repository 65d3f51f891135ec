using System.Security.Claims;
using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Data.Definitions;
using ValueStreams.Data.Runtime;
using ValueStreams.Designer.Portal;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Host.Features.Portal;

/// <summary>
/// Raising work and following it, for the API and the portal page alike: which streams a user may start (with their
/// start forms), starting one under <see cref="StartRules"/>, and the user's own requests with where each stands.
/// </summary>
public sealed class RequestPortal(ValueStreamRepository streams, InstanceQueries instances, TaskRepository tasks, WorkflowEngine engine)
{
    private const int MostRequests = 50;

    private readonly Dictionary<(string Id, int Version), ValueStreamDefinition?> _definitions = [];

    public async Task<IReadOnlyList<PortalStream>> StartableAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var startable = new List<PortalStream>();
        foreach (var summary in await streams.ListAsync(ct))
        {
            if (summary.PublishedVersion is not { } version || await DefinitionAsync(summary.Id, version, ct) is not { } definition)
                continue;
            if (StartRules.IsOnPortal(definition, user))
                startable.Add(new PortalStream(definition.Id, definition.Name, definition.Description, version, (JsonArray)StartRules.Form(definition).DeepClone()));
        }
        return startable;
    }

    /// <summary>Starts the published version when the user may and the start form's fields are right; refusals are <see cref="EngineException"/>s.</summary>
    public async Task<InstanceState> StartAsync(string valueStreamId, JsonNode? input, string? correlationId, ClaimsPrincipal user, CancellationToken ct)
    {
        if (input is not null and not JsonObject)
            throw new EngineException(EngineRefusal.Invalid, "input must be a JSON object", [("input", "must be an object")]);
        var published = await streams.GetPublishedAsync(valueStreamId, null, ct)
            ?? throw new EngineException(EngineRefusal.NotFound, $"Value stream '{valueStreamId}' has no published version.");
        var definition = await DefinitionAsync(valueStreamId, published.Version!.Value, ct)
            ?? throw new EngineException(EngineRefusal.NotFound, $"Value stream '{valueStreamId}' has no published version.");
        if (!StartRules.MayStart(definition, user))
            throw new EngineException(EngineRefusal.Forbidden, $"You are not among those who may start '{definition.Name}'.");
        var (filled, problems) = StartRules.Check(definition, input as JsonObject);
        if (problems.Count > 0)
            throw new EngineException(EngineRefusal.Invalid, "The start form is not filled in correctly.", problems.Select(p => (p.Path, p.Message)).ToList());
        return await engine.StartAsync(valueStreamId, filled, correlationId, user.Identity?.Name ?? "unknown", ct);
    }

    public async Task<IReadOnlyList<PortalRequest>> MyRequestsAsync(ClaimsPrincipal user, CancellationToken ct)
    {
        var names = (await streams.ListAsync(ct)).ToDictionary(s => s.Id, s => s.Name, StringComparer.Ordinal);
        var requests = new List<PortalRequest>();
        foreach (var started in await instances.StartedByAsync(user.Identity?.Name ?? "", MostRequests, ct))
        {
            var state = await instances.FindAsync(started.Id, ct);
            var definition = await DefinitionAsync(started.ValueStreamId, started.Version, ct);
            var stepName = (string? id) => id is null ? "" : definition?.FindStep(id)?.Name ?? id;
            var open = await tasks.ListAsync(TaskScope.All, open: true, "", [], started.Id, cancellationToken: ct);
            var milestones = (await instances.JournalAsync(started.Id, ct))
                .Where(l => l.Event == JournalEntry.ValueRealised)
                .Select(l => new PortalMilestone(stepName(l.StepId), l.Detail, l.At))
                .ToList();
            requests.Add(new PortalRequest(
                started.Id, started.ValueStreamId, names.GetValueOrDefault(started.ValueStreamId, started.ValueStreamId), started.Status,
                started.CreatedAt, started.UpdatedAt, state is null || definition is null ? null : Summary(definition, state.Variables),
                state?.Tokens.Select(t => stepName(t.StepId)).Distinct().ToList() ?? [],
                open.Select(t => t.Assignee ?? t.ClaimedBy ?? (t.Group is null ? "unassigned" : $"group {t.Group}")).Distinct().ToList(),
                milestones));
        }
        return requests;
    }

    /// <summary>What the request is about: the start form's first text field as filled in.</summary>
    private static string? Summary(ValueStreamDefinition definition, JsonObject variables) =>
        StartRules.Form(definition).OfType<JsonObject>()
            .Where(f => f["type"]?.ToString() is "text" or "multiline")
            .Select(f => variables[f["name"]?.ToString() ?? ""] is JsonValue v && v.ToString() is { Length: > 0 } s ? s : null)
            .FirstOrDefault(s => s is not null);

    private async Task<ValueStreamDefinition?> DefinitionAsync(string id, int version, CancellationToken ct)
    {
        if (!_definitions.TryGetValue((id, version), out var definition))
        {
            var stored = await streams.GetPublishedAsync(id, version, ct);
            definition = stored is null ? null : ValueStreamReader.Read(stored.Content).Definition;
            _definitions[(id, version)] = definition;
        }
        return definition;
    }
}
