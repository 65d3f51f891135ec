namespace ValueStreams.Designer.Records;

/// <summary>The change schedule for the schedule page: the changes the signed-in user may see in a period, each with the changes it clashes with.</summary>
public interface IChangeSchedule
{
    Task<IReadOnlyList<ScheduledChangeView>> ScheduleAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}

/// <summary>
/// A change on the schedule; <paramref name="Clashes"/> holds the numbers of the changes it clashes with, and
/// <paramref name="HiddenClashes"/> those among them the signed-in user may not open.
/// </summary>
public sealed record ScheduledChangeView(
    string Id, string Number, string Title, string Type, string State, DateTimeOffset PlannedStart, DateTimeOffset PlannedEnd,
    string? ConfigurationItem, string? Service, IReadOnlyList<string> Clashes, IReadOnlyList<string> HiddenClashes);
