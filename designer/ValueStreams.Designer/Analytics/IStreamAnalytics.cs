using ValueStreams.Engine.Analytics;

namespace ValueStreams.Designer.Analytics;

/// <summary>The analytics page's back end: a stream's measures over a window, and its published versions to choose from.</summary>
public interface IStreamAnalytics
{
    /// <summary>The measures, or null when the stream (or that version) was never published.</summary>
    Task<StreamAnalytics?> MeasureAsync(string streamId, int? version, DateTimeOffset from, DateTimeOffset to, FlowBucket bucket,
        CancellationToken cancellationToken = default);

    /// <summary>The stream's published versions, newest first.</summary>
    Task<IReadOnlyList<int>> VersionsAsync(string streamId, CancellationToken cancellationToken = default);

    /// <summary>Now, as the server's clock has it (the default window ends here).</summary>
    DateTimeOffset Now { get; }
}
