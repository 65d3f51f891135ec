using System.Text.Json.Nodes;

namespace ValueStreams.Designer.Portal;

/// <summary>
/// What the portal needs for the signed-in user: the value streams they may start with each start form, starting one,
/// and following what they started. The host implements it with the same rules as the API.
/// </summary>
public interface IPortal
{
    /// <summary>Published streams whose start step names the user among its starters (admins: every such stream).</summary>
    Task<IReadOnlyList<PortalStream>> StartableAsync(CancellationToken cancellationToken = default);

    /// <summary>Starts the stream with the start form's data; a refusal names each failing field (by field name).</summary>
    Task<PortalStartResult> StartAsync(string valueStreamId, JsonObject data, CancellationToken cancellationToken = default);

    /// <summary>The instances the user started, newest first.</summary>
    Task<IReadOnlyList<PortalRequest>> MyRequestsAsync(CancellationToken cancellationToken = default);
}

/// <summary>A stream the user may start: its published version and start form (fields as in a task's form).</summary>
public sealed record PortalStream(string Id, string Name, string? Description, int Version, JsonArray StartForm);

/// <summary>How starting went: the new instance's id, or the message with the failing fields.</summary>
public sealed record PortalStartResult(string? InstanceId, string? Message, IReadOnlyDictionary<string, string> FieldErrors)
{
    public bool Started => InstanceId is not null;
}

/// <summary>
/// A request as its requester follows it: status, the steps it stands at, who has it (assignee, else the group),
/// and the value milestones reached so far.
/// </summary>
public sealed record PortalRequest(
    string InstanceId, string ValueStreamId, string ValueStreamName, string Status, DateTimeOffset StartedAt, DateTimeOffset UpdatedAt,
    string? Summary, IReadOnlyList<string> CurrentSteps, IReadOnlyList<string> WithWhom, IReadOnlyList<PortalMilestone> Milestones);

/// <summary>A value milestone the request reached: the step's name and the value it records.</summary>
public sealed record PortalMilestone(string Name, string? Value, DateTimeOffset At);
