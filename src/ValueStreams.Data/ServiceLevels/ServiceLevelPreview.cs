using System.Text.Json.Nodes;
using NodaTime;
using ValueStreams.Core.ServiceLevels;

namespace ValueStreams.Data.ServiceLevels;

/// <summary>
/// What a policy would do: the due time of each of its clocks for a record of a priority logged at a moment, worked out
/// by the same calendars the clocks run on, so an admin sees "a P2 incident logged Friday 16:30 is due Monday 12:30"
/// before saving.
/// </summary>
public sealed class ServiceLevelPreview(ServiceLevelRepository repository)
{
    /// <param name="policy">A stored policy's id, or a definition being edited.</param>
    public Task<(IReadOnlyList<PreviewDue>? Due, IReadOnlyList<ServiceLevelError> Errors)> DueTimesAsync(JsonNode? policy, string? priority,
        DateTimeOffset? loggedAt, CancellationToken ct = default) =>
        DueTimesAsync(policy, priority, loggedAt is { } at ? _ => at : null, ct);

    /// <summary>
    /// As <see cref="DueTimesAsync(JsonNode?, string?, DateTimeOffset?, CancellationToken)"/>, with the logging time as
    /// the wall clock reads it where the priority's first target runs ("Friday 16:30" in the calendar's own time zone).
    /// </summary>
    public Task<(IReadOnlyList<PreviewDue>? Due, IReadOnlyList<ServiceLevelError> Errors)> DueTimesAtLocalAsync(JsonNode? policy, string? priority,
        DateTime loggedAt, CancellationToken ct = default) =>
        DueTimesAsync(policy, priority, calendar => LocalDateTime.FromDateTime(loggedAt).InZoneLeniently(calendar.Zone).ToDateTimeOffset(), ct);

    private async Task<(IReadOnlyList<PreviewDue>? Due, IReadOnlyList<ServiceLevelError> Errors)> DueTimesAsync(JsonNode? policy, string? priority,
        Func<BusinessCalendar, DateTimeOffset>? loggedAt, CancellationToken ct)
    {
        var set = await repository.CurrentAsync(ct);
        var errors = new List<ServiceLevelError>();
        ServiceLevelPolicy? read = null;
        if (policy is JsonObject definition)
        {
            var (found, problems) = ServiceLevelPolicy.Read(definition, set.Calendars.Keys.ToList());
            errors.AddRange(problems);
            read = found;
        }
        else if (policy is JsonValue v && v.TryGetValue<string>(out var id) && set.Policy(id) is { } stored)
            read = stored;
        else
            errors.Add(new ServiceLevelError("policy", "Name a stored policy by its id, or send the policy's definition."));
        if (priority is { Length: > 20 })
            errors.Add(new ServiceLevelError("priority", "A priority is at most 20 characters, such as P2."));
        if (loggedAt is null)
            errors.Add(new ServiceLevelError("loggedAt", "Give the moment the record is logged, such as 2026-12-04T16:30:00Z."));
        if (errors.Count > 0 || read is null)
            return (null, errors);
        var targets = read.Clocks
            .Select(c => (Clock: c, Target: c.TargetFor(priority)))
            .Where(t => t.Target is not null && set.Calendars.ContainsKey(t.Target.Calendar))
            .Select(t => (t.Clock, Target: t.Target!, Calendar: set.Calendars[t.Target!.Calendar])).ToList();
        if (targets.Count == 0)
            return (null, [new ServiceLevelError("priority", $"The policy has no target for {priority ?? "records without a priority"}.")]);
        var logged = loggedAt!(targets[0].Calendar);
        return (targets.Select(t =>
        {
            var at = t.Calendar.AddWorkingTime(logged, t.Target.Within.On(t.Calendar));
            return new PreviewDue(t.Clock.Name, t.Target.Within.Text, t.Calendar.Id, at, t.Calendar.LocalText(at), t.Calendar.LocalText(logged));
        }).ToList(), []);
    }
}
