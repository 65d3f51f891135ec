using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Designer.Instances;

/// <summary>
/// What the instance pages need for the signed-in user: the instances they may see, one instance with its tasks,
/// records, journal and diagram, and the admins' controls. The host implements it over the same list, access rule and
/// engine as the instances API.
/// </summary>
public interface IInstanceDesk
{
    /// <summary>
    /// A page of the instances the user may see, filtered by the list's address parameters (valueStream, version, status,
    /// from, to, correlationId, record, stuck, page); a filter that cannot be used comes back as a message naming it.
    /// </summary>
    Task<InstanceListResult> ListAsync(IReadOnlyDictionary<string, string?> filters, CancellationToken cancellationToken = default);

    /// <summary>The value streams (id and name), for the list's filter and for naming streams.</summary>
    Task<IReadOnlyList<InstanceStreamChoice>> ValueStreamsAsync(CancellationToken cancellationToken = default);

    /// <summary>The instance as its page shows it, or null when there is none the user may see.</summary>
    Task<InstanceView?> GetAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>Retries, cancels, suspends or resumes the instance, or fires its pending timers (admins only).</summary>
    Task<InstanceActionResult> ActAsync(string instanceId, InstanceAction action, CancellationToken cancellationToken = default);

    /// <summary>What moving the instance to <paramref name="version"/> would move; null when that version does not exist.</summary>
    Task<InstanceMigrationPreview?> PreviewMigrationAsync(string instanceId, int version, CancellationToken cancellationToken = default);

    Task<InstanceActionResult> MigrateAsync(string instanceId, int version, CancellationToken cancellationToken = default);
}

public enum InstanceAction { Retry, Cancel, Suspend, Resume, FireTimers }

/// <summary>A row of the instance list.</summary>
public sealed record InstanceListItem(string Id, string ValueStreamId, string ValueStreamName, int Version, string Status, string? CorrelationId,
    string CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>A page of the list; <paramref name="Error"/> names a filter that cannot be used.</summary>
public sealed record InstanceListResult(IReadOnlyList<InstanceListItem> Items, int Total, bool TotalExact, int Page, int PageSize, string? Error);

public sealed record InstanceStreamChoice(string Id, string Name);

/// <summary>
/// An instance as its page shows it: where it stands, its variables, tasks, records, the newest part of its journal
/// (<paramref name="JournalCut"/> when older lines were left out) with every step's tallies, its children and the stream's
/// version it runs, and what the user may do with it.
/// </summary>
public sealed record InstanceView(
    string Id, string ValueStreamId, string ValueStreamName, int Version, string Status, string? CorrelationId, string CreatedBy,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? CompletedAt, string? ParentInstanceId,
    JsonObject Variables, IReadOnlyList<InstanceTokenView> Tokens, IReadOnlyList<InstanceTaskView> Tasks, IReadOnlyList<JsonObject> Records,
    IReadOnlyList<InstanceJournalView> Journal, bool JournalCut, IReadOnlyList<InstanceStepTally> Tallies, IReadOnlyList<InstanceListItem> Children,
    ValueStreamDefinition? Definition, IReadOnlyList<int> Versions, bool CanControl);

/// <summary>How many times a step was entered, completed (through one outcome), faulted or timed out, over the whole journal.</summary>
public sealed record InstanceStepTally(string StepId, string Event, string? Outcome, int Count);

/// <summary>A token: the step it stands at, what it waits for, and its fault if it failed.</summary>
public sealed record InstanceTokenView(string TokenId, string StepId, string? WaitingFor, string? Fault);

public sealed record InstanceTaskView(string Id, string StepId, string Title, string Status, string? Group, string? Assignee, string? ClaimedBy,
    string? CompletedBy, DateTimeOffset CreatedAt, DateTimeOffset? DueAt, DateTimeOffset? CompletedAt, string? Outcome);

public sealed record InstanceJournalView(DateTimeOffset At, string? StepId, string Event, string? Actor, string? Outcome, string? Detail);

/// <summary>How an action went: done (with what came of it, where there is more to say), or why not (the engine's refusal).</summary>
public sealed record InstanceActionResult(bool Done, string? Problem, string? Outcome = null);

public sealed record InstanceMigrationPreview(int FromVersion, int ToVersion, bool CanMigrate, IReadOnlyList<TokenMove> Tokens);
