using ValueStreams.Core.Records;
using ValueStreams.Core.ServiceLevels;
using ValueStreams.Data.Runtime;
using ValueStreams.Data.ServiceLevels;
using ValueStreams.Host.Features.Analytics;
using ValueStreams.Host.Features.Errors;

namespace ValueStreams.Host.Features.ServiceLevels;

/// <summary>
/// The SLA report as the API and the report page ask for it: which record kinds have one (those a policy covers), and
/// the report of a kind over a window, refusing a kind or window it cannot take by name.
/// </summary>
public sealed class ServiceLevelReporting(ServiceLevelReportQueries queries, ServiceLevelRepository serviceLevels, TimeProvider clock)
{
    /// <summary>The window when none is given: the last 30 days.</summary>
    public static readonly TimeSpan DefaultWindow = TimeSpan.FromDays(30);

    public const string DefaultKind = "incident";

    /// <summary>The record kinds (not catalogues) that a policy in force covers, by title.</summary>
    public async Task<IReadOnlyList<RecordKindDescriptor>> KindsAsync(CancellationToken ct = default) => KindsCoveredBy(await serviceLevels.CurrentAsync(ct));

    private static List<RecordKindDescriptor> KindsCoveredBy(ServiceLevelSet set)
    {
        var covered = set.Policies.Select(p => p.RecordKind).ToHashSet(StringComparer.Ordinal);
        return RecordKindCatalogue.All.Select(k => k.Descriptor).Where(d => !d.Catalogue && covered.Contains(d.Name))
            .OrderBy(d => d.Title, StringComparer.Ordinal).ToList();
    }

    public async Task<(SlaReport? Report, IReadOnlyList<FieldError> Errors)> ReadAsync(string? kind, string? from, string? to, Viewer viewer,
        CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var (window, errors) = AnalyticsWindow.Parse(null, from, to, null, now, DefaultWindow);
        var name = string.IsNullOrWhiteSpace(kind) ? DefaultKind : kind.Trim();
        // One reading of the policies in force serves both the check of the kind and the clocks the report reads.
        var set = await serviceLevels.CurrentAsync(ct);
        var kinds = KindsCoveredBy(set);
        if (!kinds.Any(d => d.Name == name))
            errors = [.. errors, new FieldError("kind", $"Reports cover the record kinds a policy covers: {string.Join(", ", kinds.Select(d => d.Name))}.")];
        if (window is null || errors.Count > 0)
            return (null, errors);
        return (await queries.ReadAsync(RecordKindCatalogue.Find(name)!, window.From, window.To, viewer, now, set, ct), []);
    }
}
