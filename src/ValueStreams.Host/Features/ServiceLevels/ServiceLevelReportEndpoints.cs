using System.Security.Claims;
using ValueStreams.Core.Identity;
using ValueStreams.Core.ServiceLevels;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Host.Features.Errors;

namespace ValueStreams.Host.Features.ServiceLevels;

/// <summary>The SLA report for process owners: met and breached clocks by priority, group and service, and human tasks' targets.</summary>
public static class ServiceLevelReportEndpoints
{
    public static void MapServiceLevelReportEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/service-levels/report", async (string? kind, string? from, string? to, ServiceLevelReporting reporting, ClaimsPrincipal user,
                CancellationToken ct) =>
                await reporting.ReadAsync(kind, from, to, user.ToViewer(), ct) switch
                {
                    ({ } report, _) => TypedResults.Ok(report),
                    (_, var errors) => ApiProblem.Validation("The SLA report cannot be read for these parameters.", errors),
                })
            .WithTags("Service levels")
            .WithAccess(Access.ProcessOwner)
            .WithSummary($"The SLA report of a record kind (?kind=, default {ServiceLevelReporting.DefaultKind}) over the records created from ?from= " +
                $"until ?to= (default the last {ServiceLevelReporting.DefaultWindow.TotalDays:0} days) that the caller may see, at most the newest " +
                $"{ServiceLevelReport.MaxRecords} (capped says when more were left out): per clock the count met, breached, running on track, running " +
                $"at risk ({ServiceLevelReport.AtRiskFrom:P0} of the target or more) and paused, and the share met (met ÷ decided), in total and by " +
                "priority, assignment group and service; and the same for human tasks' response and resolution targets by priority and candidate group")
            .Produces<SlaReport>();
    }
}
