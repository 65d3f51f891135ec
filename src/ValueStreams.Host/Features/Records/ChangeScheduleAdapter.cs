using ValueStreams.Data.Records.Changes;
using ValueStreams.Designer.Records;

namespace ValueStreams.Host.Features.Records;

/// <summary>The schedule page's back end, over the repository the schedule API uses.</summary>
public sealed class ChangeScheduleAdapter(ChangeScheduleRepository schedule) : IChangeSchedule
{
    public async Task<IReadOnlyList<ScheduledChangeView>> ScheduleAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default) =>
        (await schedule.ScheduleAsync(from, to, cancellationToken))
            .Select(c => new ScheduledChangeView(c.Id, c.Number, c.Title, c.Type, c.State, c.PlannedStart, c.PlannedEnd, c.ConfigurationItem, c.Service, c.Clashes))
            .ToList();
}
