using System.Globalization;
using Microsoft.AspNetCore.Components.Authorization;
using ValueStreams.Core.ServiceLevels;
using ValueStreams.Designer.ServiceLevels;
using ValueStreams.Host.Features.Auth;

namespace ValueStreams.Host.Features.ServiceLevels;

/// <summary>The SLA report page over the service the report API uses, as the signed-in user (records counted as that user may see them).</summary>
public sealed class ServiceLevelReportAdapter(ServiceLevelReporting reporting, AuthenticationStateProvider authentication, TimeProvider clock)
    : IServiceLevelReport
{
    public async Task<IReadOnlyList<(string Name, string Title)>> KindsAsync(CancellationToken cancellationToken = default) =>
        (await reporting.KindsAsync(cancellationToken)).Select(d => (d.Name, d.Title)).ToList();

    public async Task<(SlaReport? Report, string? Problem)> ReadAsync(string kind, DateTimeOffset from, DateTimeOffset to,
        CancellationToken cancellationToken = default)
    {
        var viewer = (await authentication.GetAuthenticationStateAsync()).User.ToViewer();
        var (report, errors) = await reporting.ReadAsync(kind, from.ToString("O", CultureInfo.InvariantCulture), to.ToString("O", CultureInfo.InvariantCulture),
            viewer, cancellationToken);
        return (report, errors.Count == 0 ? null : string.Join(" ", errors.Select(e => e.Message)));
    }

    public DateTimeOffset Now => clock.GetUtcNow();
}
