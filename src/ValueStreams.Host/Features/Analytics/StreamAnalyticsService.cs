using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions;
using ValueStreams.Data.Analytics;
using ValueStreams.Data.Definitions;
using ValueStreams.Engine.Analytics;

namespace ValueStreams.Host.Features.Analytics;

/// <summary>Measures a value stream: the published definition it is judged against, its flow facts from the store, the calculator.</summary>
public sealed class StreamAnalyticsService(ValueStreamRepository streams, FlowFactsQueries facts)
{
    /// <summary>The stream's measures, or null when it (or the version asked for) was never published.</summary>
    public async Task<StreamAnalytics?> MeasureAsync(string streamId, AnalyticsWindow window, CancellationToken cancellationToken = default)
    {
        if (await DefinitionAsync(streamId, window.Version, cancellationToken) is not { } definition)
            return null;
        var read = await facts.ReadAsync(streamId, window.Version, window.From, window.To, window.Bucket, cancellationToken);
        return FlowCalculator.Calculate(definition, window.Version, read, ItilCatalogue.Default);
    }

    /// <summary>The version asked for, else the published one; a stream measured across versions is judged by its current design.</summary>
    public async Task<ValueStreamDefinition?> DefinitionAsync(string streamId, int? version, CancellationToken cancellationToken = default)
    {
        if (version is { } asked)
            return await streams.ReadPublishedAsync(streamId, asked, cancellationToken);
        return await streams.GetPublishedAsync(streamId, null, cancellationToken) is { Version: { } published }
            ? await streams.ReadPublishedAsync(streamId, published, cancellationToken)
            : null;
    }

    /// <summary>The versions published so far, newest first.</summary>
    public async Task<IReadOnlyList<int>> VersionsAsync(string streamId, CancellationToken cancellationToken = default) =>
        (await streams.VersionsAsync(streamId, cancellationToken)).Select(v => v.Version).OrderDescending().ToList();

    /// <summary>Step names per version, read once per version as the event log meets it.</summary>
    public Func<int, Task<IReadOnlyDictionary<string, string>>> StepNames(string streamId, CancellationToken cancellationToken)
    {
        var known = new Dictionary<int, IReadOnlyDictionary<string, string>>();
        return async version =>
        {
            if (!known.TryGetValue(version, out var names))
            {
                var definition = await streams.ReadPublishedAsync(streamId, version, cancellationToken);
                known[version] = names = definition?.Steps.ToDictionary(s => s.Id, s => s.Name, StringComparer.Ordinal)
                    ?? new Dictionary<string, string>(StringComparer.Ordinal);
            }
            return names;
        };
    }
}
