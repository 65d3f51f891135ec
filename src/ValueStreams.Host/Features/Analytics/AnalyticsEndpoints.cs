using ValueStreams.Core.Identity;
using ValueStreams.Data.Analytics;
using ValueStreams.Engine.Analytics;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Host.Features.Errors;

namespace ValueStreams.Host.Features.Analytics;

/// <summary>How a value stream flows, for its process owners: measures, and the event log for process mining tools.</summary>
public static class AnalyticsEndpoints
{
    public static void MapAnalyticsEndpoints(this RouteGroupBuilder api)
    {
        var analytics = api.MapGroup("/analytics/value-streams").WithTags("Analytics");

        analytics.MapGet("/{id}", async (string id, string? version, string? from, string? to, string? bucket, StreamAnalyticsService service,
                TimeProvider clock, CancellationToken ct) =>
            {
                var (window, errors) = AnalyticsWindow.Parse(version, from, to, bucket, clock.GetUtcNow());
                if (window is null)
                    return ApiProblem.Validation("The analytics window is not valid.", errors);
                return await service.MeasureAsync(id, window, ct) is { } measured ? TypedResults.Ok(measured) : NotPublished(id, window);
            })
            .WithAccess(Access.ProcessOwner)
            .WithSummary("The stream's flow over a window (?version=, ?from=, ?to=, ?bucket=day|week; default the last 90 days): instances, lead time "
                + "p50/p90/p99 and trend, throughput and work in progress, per step wait, touch, visits, rework and bottleneck rank, flow efficiency, "
                + $"variants (over the latest {FlowFactsQueries.PathSampleLimit} completed instances; top {FlowCalculator.VariantLimit}) and conformance, "
                + "time per value chain activity and practice beside the book's heat, SLA met and breached by priority. Durations in seconds.")
            .Produces<StreamAnalytics>();

        analytics.MapGet("/{id}/event-log", async (string id, string? format, string? version, string? from, string? to, StreamAnalyticsService service,
                FlowFactsQueries facts, TimeProvider clock, CancellationToken ct) =>
            {
                var (window, errors) = AnalyticsWindow.Parse(version, from, to, null, clock.GetUtcNow());
                var kind = (format ?? "xes").Trim().ToLowerInvariant();
                if (kind is not ("xes" or "csv"))
                    errors = [.. errors, new FieldError("format", "The event log comes as 'xes' or 'csv'.")];
                if (window is null || errors.Count > 0)
                    return ApiProblem.Validation("The event log request is not valid.", errors);
                if (await service.DefinitionAsync(id, window.Version, ct) is not { } definition)
                    return NotPublished(id, window);
                var lines = facts.EventLogAsync(id, window.Version, window.From, window.To, ct);
                var names = service.StepNames(id, ct);
                return kind == "xes"
                    ? TypedResults.Stream(body => EventLogWriter.WriteXesAsync(body, definition.Name, lines, names, ct), "application/xml; charset=utf-8",
                        $"{id}.xes")
                    : TypedResults.Stream(body => EventLogWriter.WriteCsvAsync(body, lines, names, ct), "text/csv; charset=utf-8", $"{id}.csv");
            })
            .WithAccess(Access.ProcessOwner)
            .WithSummary("The stream's event log (?format=xes|csv, ?version=, ?from=, ?to=): every step started, completed or aborted in the instances "
                + "started in the window, with time and who; XES has one trace per instance. Streamed as it is read.");
    }

    private static IResult NotPublished(string id, AnalyticsWindow window) =>
        ApiProblem.Status(StatusCodes.Status404NotFound, window.Version is { } version
            ? $"Value stream '{id}' has no published version {version}."
            : $"Value stream '{id}' was not found or is not published.");
}
