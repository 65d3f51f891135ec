namespace ValueStreams.Designer.Records;

/// <summary>The change schedule for the schedule page: changes planned in a period, each with the changes it clashes with.</summary>
public interface IChangeSchedule
{
    Task<IReadOnlyList<ScheduledChangeView>> ScheduleAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);
}

/// <summary>A change on the schedule; <paramref name="Clashes"/> holds the numbers of the changes it clashes with.</summary>
public sealed record ScheduledChangeView(
    string Id, string Number, string Title, string Type, string State, DateTimeOffset PlannedStart, DateTimeOffset PlannedEnd,
    string? ConfigurationItem, string? Service, IReadOnlyList<string> Clashes);
