using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components.Authorization;
using ValueStreams.Core.Definitions;
using ValueStreams.Data.Audit;
using ValueStreams.Data.Definitions;
using ValueStreams.Data.Identity;
using ValueStreams.Data.Notifications;
using ValueStreams.Data.Runtime;
using ValueStreams.Designer.Inbox;
using ValueStreams.Engine.Runtime;
using ValueStreams.Host.Features.Tasks;

namespace ValueStreams.Host.Features.Inbox;

/// <summary>
/// The inbox pages' back end for the signed-in user of the circuit: reads tasks, instances and notifications
/// from the store, and acts through <see cref="TaskCommands"/>, the rules the task API follows too.
/// </summary>
public sealed class InboxAdapter(
    TaskRepository tasks, NotificationRepository notifications, InstanceQueries instances, ValueStreamRepository streams,
    UserRepository users, WorkflowEngine engine, AuthenticationStateProvider authentication, TaskOptions taskOptions,
    AuditLog audit) : IInbox
{
    private static readonly TimeSpan NamesLifetime = TimeSpan.FromMinutes(1);

    private IReadOnlyList<InboxChoice>? _streamNames;
    private DateTimeOffset _streamNamesAt;
    private readonly Dictionary<(string Id, int Version), ValueStreamDefinition?> _definitions = [];

    public IReadOnlyList<string> CommentKinds => TaskComment.Kinds;

    public async Task<IReadOnlyList<InboxTask>> ListAsync(InboxQuery query, CancellationToken cancellationToken = default)
    {
        var user = await UserAsync();
        var scope = query.Scope switch
        {
            InboxScope.Mine => TaskScope.Mine,
            InboxScope.All => TaskScope.All,
            _ => TaskScope.Group,
        };
        if (!TaskCommands.MayList(scope, user))
            return [];
        var rows = await tasks.ListAsync(scope, query.Status == InboxStatus.Open, TaskCommands.Name(user), TaskCommands.Groups(user),
            cancellationToken: cancellationToken);
        var names = (await ValueStreamsAsync(cancellationToken)).ToDictionary(s => s.Id, s => s.Name, StringComparer.Ordinal);

        var found = rows
            .Where(t => query.ValueStreamId is null || t.ValueStreamId == query.ValueStreamId)
            .Where(t => string.IsNullOrWhiteSpace(query.Search) || t.Title.Contains(query.Search.Trim(), StringComparison.OrdinalIgnoreCase))
            .Select(t => ToInbox(t, names));
        return Sort(found, query.Sort).ToList();
    }

    public async Task<IReadOnlyList<InboxChoice>> ValueStreamsAsync(CancellationToken cancellationToken = default)
    {
        var now = DateTimeOffset.UtcNow;
        if (_streamNames is null || now - _streamNamesAt > NamesLifetime)
        {
            _streamNames = (await streams.ListAsync(cancellationToken)).Select(s => new InboxChoice(s.Id, s.Name)).ToList();
            _streamNamesAt = now;
        }
        return _streamNames;
    }

    public async Task<InboxTask?> FindAsync(string taskId, CancellationToken cancellationToken = default) =>
        await TaskCommands.FindVisibleAsync(tasks, taskId, await UserAsync(), cancellationToken) is { } task
            ? ToInbox(task, await NamesAsync(cancellationToken))
            : null;

    /// <summary>The task page's content; null (not found) when the user may not see the task's instance.</summary>
    public async Task<InboxTaskDetails?> GetAsync(string taskId, CancellationToken cancellationToken = default)
    {
        var user = await UserAsync();
        var task = await TaskCommands.FindVisibleAsync(tasks, taskId, user, cancellationToken);
        if (task is null)
            return null;
        var instance = await instances.FindAsync(task.InstanceId, cancellationToken);
        var definition = instance is null ? null : await DefinitionAsync(instance.ValueStreamId, instance.Version, cancellationToken);
        var stepNames = definition?.Steps.ToDictionary(s => s.Id, s => s.Name, StringComparer.Ordinal) ?? [];
        var journal = (await instances.JournalAsync(task.InstanceId, cancellationToken))
            .Select(l => new InboxJournalLine(l.At, l.StepId, l.StepId is null ? null : stepNames.GetValueOrDefault(l.StepId), l.Event, l.Actor, l.Outcome, l.Detail))
            .ToList();
        var comments = (await tasks.CommentsAsync(task.InstanceId, cancellationToken))
            .Select(c => new InboxComment(c.At, c.Author, c.Kind, c.Text)).ToList();
        var history = (await tasks.HistoryAsync(taskId, cancellationToken))
            .Select(e => new InboxTaskEvent(e.At, e.Actor, e.Action, e.Detail)).ToList();
        var outcomes = (task.Outcomes as JsonArray ?? []).OfType<JsonObject>()
            .Select(o => (Id: Text(o, "id"), Label: Text(o, "label")))
            .Where(o => o.Id is not null)
            .Select(o => new InboxOutcome(o.Id!, o.Label ?? o.Id!))
            .ToList();

        return new InboxTaskDetails(
            ToInbox(task, await NamesAsync(cancellationToken)),
            definition?.FindStep(task.StepId)?.Description,
            task.Form.DeepClone() as JsonArray ?? [],
            outcomes,
            task.Data?.DeepClone() as JsonObject,
            instance?.Status,
            instance?.Variables.DeepClone() as JsonObject ?? [],
            journal, comments, history,
            CanClaim: TaskCommands.MayClaim(task, user),
            CanRelease: TaskCommands.MayRelease(task, user),
            CanComplete: TaskCommands.MayComplete(task, user),
            CanComment: TaskCommands.IsCandidate(task, user),
            CanDelegate: TaskCommands.MayDelegate(task, user),
            CanReassign: TaskCommands.MayReassign(task, user),
            CanEscalate: TaskCommands.MayEscalate(task, user),
            EscalationGroups: TaskCommands.EscalationGroups(task, taskOptions),
            Context: ContextOf(definition, instance?.Variables ?? [], task,
                journal.Where(l => l.Event == JournalEntry.Completed && l.StepId is not null).Select(l => l.StepId!).ToHashSet(StringComparer.Ordinal)));
    }

    /// <summary>
    /// What the forms of steps completed so far (the start form too) captured, labelled as their forms label it and in the
    /// stream's step order. Variables no form asked for (outcomes, internal keys, defaults) stay out, and so do the task's own fields.
    /// </summary>
    private static List<InboxContextItem> ContextOf(ValueStreamDefinition? definition, JsonObject variables, TaskView task, IReadOnlySet<string> completed)
    {
        if (definition is null)
            return [];
        var own = (task.Form as JsonArray ?? []).OfType<JsonObject>().Select(f => Text(f, "name")).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var items = new List<InboxContextItem>();
        foreach (var step in definition.Steps.Where(s => s.Id != task.StepId && completed.Contains(s.Id)))
            foreach (var field in (step.Properties["form"] as JsonArray ?? []).OfType<JsonObject>())
                if (Text(field, "name") is { } name && own.Add(name) && Shown(variables[name]) is { Length: > 0 } value)
                    items.Add(new InboxContextItem(Text(field, "label") ?? name, value, step.Name));
        return items;
    }

    private static string? Shown(JsonNode? value) => value switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>().Trim(),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "yes",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "no",
        JsonArray a => string.Join(", ", a.Select(Shown).OfType<string>()),
        _ => value.ToJsonString(),
    };

    public async Task<InboxResult> ClaimAsync(string taskId, CancellationToken cancellationToken = default) =>
        ToResult(await TaskCommands.ClaimAsync(tasks, taskId, await UserAsync(), audit, cancellationToken));

    public async Task<InboxResult> ReleaseAsync(string taskId, CancellationToken cancellationToken = default) =>
        ToResult(await TaskCommands.ReleaseAsync(tasks, taskId, await UserAsync(), cancellationToken));

    public async Task<InboxResult> CompleteAsync(string taskId, string outcome, JsonObject data, CancellationToken cancellationToken = default) =>
        ToResult(await TaskCommands.CompleteAsync(tasks, engine, taskId, outcome, data, await UserAsync(), audit, cancellationToken));

    public async Task<InboxResult> DelegateAsync(string taskId, string assignee, CancellationToken cancellationToken = default) =>
        ToResult(await TaskCommands.DelegateAsync(tasks, users, taskId, assignee, await UserAsync(), cancellationToken));

    public async Task<InboxResult> ReassignAsync(string taskId, string group, string? assignee, CancellationToken cancellationToken = default) =>
        ToResult(await TaskCommands.ReassignAsync(tasks, users, taskId, group, assignee, await UserAsync(), audit, cancellationToken));

    public async Task<InboxResult> EscalateAsync(string taskId, string reason, string? group, CancellationToken cancellationToken = default) =>
        ToResult(await TaskCommands.EscalateAsync(tasks, taskOptions, taskId, group, reason, await UserAsync(), cancellationToken));

    public int MaxReasonLength => TaskCommands.MaxCommentLength;

    public async Task<InboxDirectory> DirectoryAsync(CancellationToken cancellationToken = default) =>
        new((await users.ListAsync(cancellationToken)).Select(u => new InboxPerson(u.Username, u.DisplayName, u.Groups)).ToList(),
            (await users.ListGroupsAsync(cancellationToken)).Select(g => new InboxChoice(g.Id, g.Name)).ToList());

    public async Task<InboxResult> AddCommentAsync(string taskId, string kind, string text, CancellationToken cancellationToken = default) =>
        ToResult(await TaskCommands.CommentAsync(tasks, taskId, kind, text, await UserAsync(), cancellationToken));

    public async Task<IReadOnlyList<InboxChoice>> UsersAsync(CancellationToken cancellationToken = default) =>
        (await users.ListAsync(cancellationToken)).Select(u => new InboxChoice(u.Username, u.DisplayName)).ToList();

    public async Task<InboxNotifications> NotificationsAsync(int newest, CancellationToken cancellationToken = default)
    {
        var user = await UserAsync();
        if (user.Identity?.IsAuthenticated != true)
            return new(0, []);
        var all = await notifications.ForUserAsync(TaskCommands.Name(user), 50, cancellationToken);
        return new(
            all.Count(n => n.ReadAt is null),
            all.Take(Math.Max(newest, 0)).Select(n => new InboxNotification(n.Id, n.At, n.Text, n.TaskId, n.ReadAt is not null)).ToList());
    }

    public async Task MarkNotificationsReadAsync(CancellationToken cancellationToken = default)
    {
        var user = await UserAsync();
        if (user.Identity?.IsAuthenticated == true)
            await notifications.MarkReadAsync(TaskCommands.Name(user), cancellationToken);
    }

    private async Task<ClaimsPrincipal> UserAsync() => (await authentication.GetAuthenticationStateAsync()).User;

    private async Task<Dictionary<string, string>> NamesAsync(CancellationToken cancellationToken) =>
        (await ValueStreamsAsync(cancellationToken)).ToDictionary(s => s.Id, s => s.Name, StringComparer.Ordinal);

    /// <summary>A published version's definition (for step names); versions never change, so each is read once per circuit.</summary>
    private async Task<ValueStreamDefinition?> DefinitionAsync(string valueStreamId, int version, CancellationToken cancellationToken)
    {
        if (_definitions.TryGetValue((valueStreamId, version), out var known))
            return known;
        var definition = await streams.ReadPublishedAsync(valueStreamId, version, cancellationToken);
        _definitions[(valueStreamId, version)] = definition;
        return definition;
    }

    private static InboxTask ToInbox(TaskView t, IReadOnlyDictionary<string, string> names) =>
        new(t.Id, t.InstanceId, t.ValueStreamId, names.GetValueOrDefault(t.ValueStreamId, t.ValueStreamId), t.StepId, t.Title, t.Group,
            t.Assignee, t.Status, t.Priority, t.DueAt, t.CreatedAt, t.ClaimedBy, t.CompletedBy, t.CompletedAt, t.Outcome, t.Sla,
            [.. t.ResponseMissedAt is null ? Array.Empty<string>() : ["response"], .. t.ResolutionMissedAt is null ? Array.Empty<string>() : ["resolution"]],
            t.Requester, t.Calendar);

    private static IEnumerable<InboxTask> Sort(IEnumerable<InboxTask> found, InboxSort sort) => sort switch
    {
        InboxSort.DueLatest => found.OrderBy(t => t.DueAt is null).ThenByDescending(t => t.DueAt).ThenByDescending(t => t.CreatedAt),
        InboxSort.Newest => found.OrderByDescending(t => t.CreatedAt),
        InboxSort.Priority => found.OrderBy(t => t.Priority ?? int.MaxValue).ThenBy(t => t.DueAt is null).ThenBy(t => t.DueAt).ThenBy(t => t.CreatedAt),
        _ => found.OrderBy(t => t.DueAt is null).ThenBy(t => t.DueAt).ThenBy(t => t.CreatedAt),
    };

    /// <summary>The command's answer for the pages: form fields' messages by field name, the rest as plain messages.</summary>
    private static InboxResult ToResult(TaskCommandResult result)
    {
        if (result.Succeeded)
            return InboxResult.Ok();
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        var other = new List<string>();
        foreach (var error in result.Errors ?? [])
        {
            if (error.Path.StartsWith("data.", StringComparison.Ordinal))
                fields.TryAdd(error.Path["data.".Length..], error.Message);
            else
                other.Add($"{error.Path}: {error.Message}");
        }
        return InboxResult.Failed(result.Message ?? "The action failed.", fields, other);
    }

    private static string? Text(JsonObject o, string name) =>
        o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;
}
