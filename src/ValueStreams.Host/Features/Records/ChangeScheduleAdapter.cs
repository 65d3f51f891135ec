using Microsoft.AspNetCore.Components.Authorization;
using ValueStreams.Data.Records.Changes;
using ValueStreams.Designer.Records;
using ValueStreams.Host.Features.Auth;

namespace ValueStreams.Host.Features.Records;

/// <summary>The schedule page's back end for the circuit's signed-in user, over the repository the schedule API uses.</summary>
public sealed class ChangeScheduleAdapter(ChangeScheduleRepository schedule, AuthenticationStateProvider authentication) : IChangeSchedule
{
    public async Task<IReadOnlyList<ScheduledChangeView>> ScheduleAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        var viewer = (await authentication.GetAuthenticationStateAsync()).User.ToViewer();
        return (await schedule.ScheduleAsync(from, to, viewer, cancellationToken))
            .Select(c => new ScheduledChangeView(c.Id, c.Number, c.Title, c.Type, c.State, c.PlannedStart, c.PlannedEnd, c.ConfigurationItem, c.Service,
                c.Clashes, c.HiddenClashes))
            .ToList();
    }
}
