using System.Globalization;
using System.Text.Json.Nodes;
using NodaTime;
using ValueStreams.Core.ServiceLevels;

namespace ValueStreams.Data.ServiceLevels;

/// <summary>One clock's due time in a preview, also as the calendar's local time ("Mon 7 Dec 12:30").</summary>
public sealed record PreviewDue(string Clock, string Target, string Calendar, DateTimeOffset DueAt, string DueLocal, string LoggedLocal);

/// <summary>
/// What a policy would do: the due time of each of its clocks for a record of a priority logged at a moment, worked out
/// by the same calendars the clocks run on, so an admin sees "a P2 incident logged Friday 16:30 is due Monday 12:30"
/// before saving.
/// </summary>
public sealed class ServiceLevelPreview(ServiceLevelRepository repository)
{
    /// <param name="policy">A stored policy's id, or a definition being edited.</param>
    public async Task<(IReadOnlyList<PreviewDue>? Due, IReadOnlyList<ServiceLevelError> Errors)> DueTimesAsync(JsonNode? policy, string? priority,
        DateTimeOffset? loggedAt, CancellationToken ct = default)
    {
        var set = await repository.CurrentAsync(ct);
        var errors = new List<ServiceLevelError>();
        ServiceLevelPolicy? read = null;
        if (policy is JsonObject definition)
        {
            var (found, problems) = ServiceLevelPolicy.Read(definition, set.Calendars.Keys.ToList());
            errors.AddRange(problems.Select(e => e with { Path = $"policy.{e.Path}" }));
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
        var due = new List<PreviewDue>();
        foreach (var clock in read.Clocks)
        {
            if (clock.TargetFor(priority) is not { } target || !set.Calendars.TryGetValue(target.Calendar, out var calendar))
                continue;
            var at = calendar.AddWorkingTime(loggedAt!.Value, target.Within.On(calendar));
            due.Add(new PreviewDue(clock.Name, target.Within.Text, calendar.Id, at, Local(at, calendar), Local(loggedAt.Value, calendar)));
        }
        if (due.Count == 0)
            return (null, [new ServiceLevelError("priority", $"The policy has no target for {priority ?? "records without a priority"}.")]);
        return (due, []);
    }

    /// <summary>A moment as the calendar's people read it: "Mon 7 Dec 2026 12:30 Europe/Berlin".</summary>
    public static string Local(DateTimeOffset at, BusinessCalendar calendar) =>
        Instant.FromDateTimeOffset(at).InZone(calendar.Zone).ToString("ddd d MMM yyyy HH:mm", CultureInfo.InvariantCulture) + " " + calendar.Zone.Id;
}
