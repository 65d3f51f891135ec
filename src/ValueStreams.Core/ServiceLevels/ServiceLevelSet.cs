namespace ValueStreams.Core.ServiceLevels;

/// <summary>
/// The calendars and policies in force: the ones admins keep, or the shipped ones where none are kept. The around the
/// clock calendar is always among them.
/// </summary>
public sealed class ServiceLevelSet
{
    public ServiceLevelSet(IEnumerable<BusinessCalendar> calendars, IEnumerable<ServiceLevelPolicy> policies)
    {
        var all = new Dictionary<string, BusinessCalendar>(StringComparer.Ordinal) { [BusinessCalendar.AlwaysOpen.Id] = BusinessCalendar.AlwaysOpen };
        foreach (var calendar in calendars)
            all[calendar.Id] = calendar;
        Calendars = all;
        Policies = policies.ToList();
    }

    public IReadOnlyDictionary<string, BusinessCalendar> Calendars { get; }
    public IReadOnlyList<ServiceLevelPolicy> Policies { get; }

    public ServiceLevelPolicy? Policy(string? id) => id is null ? null : Policies.FirstOrDefault(p => p.Id == id);

    /// <summary>
    /// The policy a record of a kind falls under: the first (by id) of the kind whose conditions it meets, the ones
    /// with conditions before the ones without, so a narrower policy wins over the kind's general one.
    /// </summary>
    public ServiceLevelPolicy? PolicyFor(string kind, Func<string, string?> field) =>
        Policies.Where(p => p.RecordKind == kind && p.AppliesTo(field))
            .OrderByDescending(p => p.Conditions.Count).ThenBy(p => p.Id, StringComparer.Ordinal).FirstOrDefault();

    /// <summary>A record's clocks under the policy it falls under (none when no policy covers it), read from its history.</summary>
    public IReadOnlyList<RecordClock> ClocksOf(string kind, IReadOnlyList<RecordFieldChange> history, DateTimeOffset now) =>
        history.Count > 0 && PolicyFor(kind, field => RecordClocks.Current(history, field)) is { } policy
            ? RecordClocks.Read(policy, Calendars, history, now)
            : [];

    /// <summary>
    /// When a task whose step names <paramref name="policyId"/> is due on one of its clocks, measured on the target's
    /// calendar from <paramref name="start"/>; null when the policy or a target for the priority is missing.
    /// </summary>
    public DateTimeOffset? DueBy(string policyId, string clock, string? priority, DateTimeOffset start) =>
        Policy(policyId)?.Clocks.FirstOrDefault(c => c.Name == clock)?.TargetFor(priority) is { } target
        && Calendars.TryGetValue(target.Calendar, out var calendar)
            ? calendar.AddWorkingTime(start, target.Within.On(calendar))
            : null;
}
