using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components.Authorization;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Definitions;
using ValueStreams.Data.Records;
using ValueStreams.Data.Runtime;
using ValueStreams.Designer.Instances;
using ValueStreams.Engine.Runtime;
using ValueStreams.Host.Features.Auth;

namespace ValueStreams.Host.Features.Instances;

/// <summary>The instance pages' back end for the circuit's signed-in user, over the same list, access rule and controls as the instances API.</summary>
public sealed class InstanceDeskAdapter(InstanceList list, InstanceQueries instances, InstanceAccess access, TaskRepository tasks,
    RecordLinkRepository records, ValueStreamRepository streams, InstanceControls controls, TimeProvider clock,
    AuthenticationStateProvider authentication) : IInstanceDesk
{
    /// <summary>The most journal lines the instance page's timeline shows.</summary>
    public const int TimelineLines = 500;

    private readonly Dictionary<(string, int), ValueStreamDefinition?> _definitions = [];
    private Dictionary<string, string>? _streamNames;

    public async Task<InstanceListResult> ListAsync(IReadOnlyDictionary<string, string?> filters, CancellationToken cancellationToken = default)
    {
        var errors = InstanceListParameters.Read(name => filters.GetValueOrDefault(name), clock.GetUtcNow(), out var parsed);
        if (errors.Count > 0)
            return new InstanceListResult([], 0, true, 1, 25, string.Join(" ", errors.Select(e => e.Message)));
        var page = await list.PageAsync(parsed!, (await UserAsync()).ToViewer(), cancellationToken);
        var names = await NamesAsync(cancellationToken);
        return new InstanceListResult(page.Items.Select(i => Item(i, names)).ToList(), page.Total, page.TotalExact, page.Page, page.PageSize, null);
    }

    public async Task<IReadOnlyList<InstanceStreamChoice>> ValueStreamsAsync(CancellationToken cancellationToken = default) =>
        (await NamesAsync(cancellationToken)).Select(n => new InstanceStreamChoice(n.Key, n.Value)).OrderBy(c => c.Name, StringComparer.CurrentCulture).ToList();

    public async Task<InstanceView?> GetAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var user = await UserAsync();
        if (!await access.MaySeeAsync(instanceId, user.ToViewer(), cancellationToken) || await instances.FindAsync(instanceId, cancellationToken) is not { } instance)
            return null;
        var names = await NamesAsync(cancellationToken);
        var taskViews = (await tasks.ListAsync(TaskScope.All, open: true, user.Identity?.Name ?? "", [], instanceId, cancellationToken: cancellationToken))
            .Concat(await tasks.ListAsync(TaskScope.All, open: false, user.Identity?.Name ?? "", [], instanceId, cancellationToken: cancellationToken))
            .OrderBy(t => t.CreatedAt)
            .Select(t => new InstanceTaskView(t.Id, t.StepId, t.Title, t.Status, t.Group, t.Assignee, t.ClaimedBy, t.CompletedBy, t.CreatedAt, t.DueAt,
                t.CompletedAt, t.Outcome))
            .ToList();
        // The page shows the newest lines; the diagram's marks come from tallies over the whole journal, so a long-running
        // instance opens as fast as a new one.
        var journal = (await instances.NewestJournalAsync(instanceId, TimelineLines + 1, cancellationToken))
            .Select(l => new InstanceJournalView(l.At, l.StepId, l.Event, l.Actor, l.Outcome, l.Detail)).ToList();
        var cut = journal.Count > TimelineLines;
        if (cut)
            journal.RemoveAt(0);
        var tallies = (await instances.StepTalliesAsync(instanceId, cancellationToken))
            .Select(t => new InstanceStepTally(t.StepId, t.Event, t.Outcome, t.Count)).ToList();
        var children = (await instances.ChildrenAsync(instanceId, cancellationToken)).Select(c => Item(c, names)).ToList();
        var versions = (await streams.VersionsAsync(instance.ValueStreamId, cancellationToken)).Select(v => v.Version).Order().ToList();
        return new InstanceView(instance.Id, instance.ValueStreamId, names.GetValueOrDefault(instance.ValueStreamId, instance.ValueStreamId),
            instance.Version, instance.Status, instance.CorrelationId, instance.CreatedBy, instance.CreatedAt, instance.UpdatedAt, instance.CompletedAt,
            instance.ParentInstanceId, instance.Variables.DeepClone().AsObject(),
            instance.Tokens.Select(t => new InstanceTokenView(t.Id, t.StepId, t.WaitingFor?.Kind, t.Fault)).ToList(),
            taskViews, await records.OfInstanceAsync(instanceId, cancellationToken), journal, cut, tallies, children,
            await DefinitionAsync(instance.ValueStreamId, instance.Version, cancellationToken), versions, CanControl: user.IsInRole(Roles.Admin));
    }

    public async Task<InstanceActionResult> ActAsync(string instanceId, InstanceAction action, CancellationToken cancellationToken = default) =>
        await AsAdminAsync(async name =>
        {
            if (action != InstanceAction.FireTimers)
            {
                await controls.ControlAsync(action.ToString().ToLowerInvariant(), instanceId, name, cancellationToken);
                return null;
            }
            var fired = await controls.FireTimersAsync(instanceId, name, cancellationToken);
            return fired == 0 ? "It had no pending timers." : $"Fired {fired} pending timer{(fired == 1 ? "" : "s")}.";
        });

    public async Task<InstanceMigrationPreview?> PreviewMigrationAsync(string instanceId, int version, CancellationToken cancellationToken = default)
    {
        if (!(await UserAsync()).IsInRole(Roles.Admin) || await instances.FindAsync(instanceId, cancellationToken) is not { } instance)
            return null;
        var current = await DefinitionAsync(instance.ValueStreamId, instance.Version, cancellationToken);
        var target = await DefinitionAsync(instance.ValueStreamId, version, cancellationToken);
        if (current is null || target is null)
            return null;
        var moves = MigrationPlan.Of(instance, current, target);
        return new InstanceMigrationPreview(instance.Version, version, !InstanceStatus.IsFinished(instance.Status) && moves.All(m => m.Moves), moves);
    }

    public async Task<InstanceActionResult> MigrateAsync(string instanceId, int version, CancellationToken cancellationToken = default) =>
        await AsAdminAsync(async name =>
        {
            await controls.MigrateAsync(instanceId, version, name, cancellationToken);
            return null;
        });

    /// <summary>Runs a control for an admin; anyone else, and an engine refusal, get the reason instead.</summary>
    private async Task<InstanceActionResult> AsAdminAsync(Func<string, Task<string?>> control)
    {
        var user = await UserAsync();
        if (!user.IsInRole(Roles.Admin))
            return new InstanceActionResult(false, "Only admins may control instances.");
        try
        {
            return new InstanceActionResult(true, null, await control(user.Identity?.Name ?? "unknown"));
        }
        catch (EngineException refusal)
        {
            return new InstanceActionResult(false, refusal.Message);
        }
    }

    private static InstanceListItem Item(InstanceSummary i, Dictionary<string, string> names) =>
        new(i.Id, i.ValueStreamId, names.GetValueOrDefault(i.ValueStreamId, i.ValueStreamId), i.Version, i.Status, i.CorrelationId, i.CreatedBy,
            i.CreatedAt, i.UpdatedAt);

    private async Task<Dictionary<string, string>> NamesAsync(CancellationToken cancellationToken) =>
        _streamNames ??= (await streams.ListAsync(cancellationToken)).ToDictionary(s => s.Id, s => s.Name, StringComparer.Ordinal);

    /// <summary>A published version's definition; versions never change, so each is read once per circuit.</summary>
    private async Task<ValueStreamDefinition?> DefinitionAsync(string valueStreamId, int version, CancellationToken cancellationToken)
    {
        if (!_definitions.TryGetValue((valueStreamId, version), out var definition))
            _definitions[(valueStreamId, version)] = definition = await streams.ReadPublishedAsync(valueStreamId, version, cancellationToken);
        return definition;
    }

    private async Task<ClaimsPrincipal> UserAsync() => (await authentication.GetAuthenticationStateAsync()).User;
}
