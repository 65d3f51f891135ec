using ValueStreams.Designer.Analytics;
using ValueStreams.Engine.Analytics;

namespace ValueStreams.Host.Features.Analytics;

/// <summary>The analytics page's back end, over the service the analytics API uses (the page's own rule admits process owners and admins).</summary>
public sealed class AnalyticsAdapter(StreamAnalyticsService service, TimeProvider clock) : IStreamAnalytics
{
    public Task<StreamAnalytics?> MeasureAsync(string streamId, int? version, DateTimeOffset from, DateTimeOffset to, FlowBucket bucket,
        CancellationToken cancellationToken = default) =>
        service.MeasureAsync(streamId, new AnalyticsWindow(version, from, to, bucket), cancellationToken);

    public Task<IReadOnlyList<int>> VersionsAsync(string streamId, CancellationToken cancellationToken = default) =>
        service.VersionsAsync(streamId, cancellationToken);

    public DateTimeOffset Now => clock.GetUtcNow();
}
