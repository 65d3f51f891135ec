using System.Text.Json.Nodes;
using ValueStreams.Core.ServiceLevels;

namespace ValueStreams.Designer.ServiceLevels;

/// <summary>
/// The back end of the calendar and SLA policy pages (admins): the stored calendars and policies, saving them at the
/// revision read, and the due times a policy being edited gives. It follows the same checks as the API.
/// </summary>
public interface IServiceLevelAdministration
{
    /// <summary>What a policy may apply to: the record kinds, and human tasks.</summary>
    IReadOnlyList<string> PolicyKinds { get; }

    Task<IReadOnlyList<ServiceLevelEntry>> ListAsync(ServiceLevelDocument document, CancellationToken cancellationToken = default);

    /// <summary>Creates (<paramref name="id"/> null) or replaces a calendar or policy read at <paramref name="revision"/>.</summary>
    Task<ServiceLevelSave> SaveAsync(ServiceLevelDocument document, string? id, JsonObject definition, int revision,
        CancellationToken cancellationToken = default);

    Task<ServiceLevelSave> DeleteAsync(ServiceLevelDocument document, string id, int revision, CancellationToken cancellationToken = default);

    /// <summary>The due times the policy gives a record of the priority logged at a wall-clock time of its calendar.</summary>
    Task<ServiceLevelPreviewResult> PreviewAsync(JsonObject policy, string? priority, DateTime loggedAt, CancellationToken cancellationToken = default);
}

/// <summary>A stored calendar or policy: its definition as written, and its revision for saving it again.</summary>
public sealed record ServiceLevelEntry(string Id, string Name, int Revision, DateTimeOffset UpdatedAt, string UpdatedBy, JsonObject Definition);

/// <summary>Saved (with what was stored), or why not: a message and, per property path (<c>clocks[0].targets.P1.within</c>), what is wrong.</summary>
public sealed record ServiceLevelSave(bool Succeeded, string? Message, IReadOnlyDictionary<string, string> FieldErrors, ServiceLevelEntry? Saved = null)
{
    public static ServiceLevelSave None { get; } = new(true, null, new Dictionary<string, string>());

    public string? For(string path) => FieldErrors.GetValueOrDefault(path);

    /// <summary>Every problem at or under <paramref name="path"/>, each with the rest of its path ("[1].actions[0].url: …").</summary>
    public string? Under(string path) =>
        FieldErrors.Where(e => e.Key == path || e.Key.StartsWith(path + ".", StringComparison.Ordinal) || e.Key.StartsWith(path + "[", StringComparison.Ordinal))
            .Select(e => e.Key == path ? e.Value : $"{e.Key[path.Length..].TrimStart('.')}: {e.Value}").ToList() is { Count: > 0 } found
            ? string.Join(" ", found)
            : null;
}

/// <summary>A preview's due times, or what keeps it from being worked out, by property path.</summary>
public sealed record ServiceLevelPreviewResult(IReadOnlyList<PreviewDue> Due, IReadOnlyDictionary<string, string> FieldErrors);
