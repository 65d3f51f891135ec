using System.Globalization;
using System.Security.Claims;
using ValueStreams.Core.Identity;
using ValueStreams.Core.Records;
using ValueStreams.Core.Records.Problems;
using ValueStreams.Data.Records;
using ValueStreams.Data.Records.Changes;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Host.Features.Errors;

namespace ValueStreams.Host.Features.Records;

/// <summary>
/// What problems and changes add to their collections: the known errors (problems in state known-error, listed like any
/// record list), the change schedule with its clashes, and one change's clashes.
/// </summary>
public static class ProblemAndChangeEndpoints
{
    /// <summary>The schedule's default period, and the longest it shows at once.</summary>
    public const int DefaultDays = 30, MaxDays = 366;

    public static void MapProblemAndChangeEndpoints(this RouteGroupBuilder api)
    {
        var problems = RecordKindCatalogue.Find("problem")!;
        api.MapGet("/known-errors", async (HttpRequest request, RecordService service, System.Security.Claims.ClaimsPrincipal user, CancellationToken ct) =>
                RecordEndpoints.ReadQuery(problems, request.Query, out var query, fixedState: ProblemKind.KnownError) is { Count: > 0 } errors
                    ? ApiProblem.Validation("The known errors cannot be listed that way.", errors)
                    : TypedResults.Ok(await service.ListAsync(problems, query!, user.ToViewer(), ct)))
            .WithAccess(Access.Agent)
            .WithTags("Records")
            .WithSummary("The known errors: problems analysed to a root cause or workaround and not yet resolved; paged, sorted, searched and filtered as /api/problems");

        api.MapGet("/changes/schedule", async (HttpRequest request, ChangeScheduleRepository schedule, TimeProvider clock,
                System.Security.Claims.ClaimsPrincipal user, CancellationToken ct) =>
            {
                var errors = new List<FieldError>();
                var from = Date(request.Query, "from", errors) ?? clock.GetUtcNow();
                var to = Date(request.Query, "to", errors) ?? from.AddDays(DefaultDays);
                if (errors.Count == 0 && to <= from)
                    errors.Add(new FieldError("to", "'to' must be after 'from'."));
                else if (errors.Count == 0 && to - from > TimeSpan.FromDays(MaxDays))
                    errors.Add(new FieldError("to", $"The schedule shows at most {MaxDays} days at once."));
                if (errors.Count > 0)
                    return ApiProblem.Validation("The change schedule cannot be read for that period.", errors);
                var changes = await schedule.ScheduleAsync(from, to, user.ToViewer(), ct);
                return TypedResults.Ok(new { from, to, changes });
            })
            .WithAccess(Access.Agent)
            .WithTags("Records")
            .WithSummary($"The change schedule: changes planned between ?from= and ?to= (ISO dates; the next {DefaultDays} days by default, at most {MaxDays}) that the caller may see, each with the changes it clashes with on the same CI or service (hiddenClashes: those the caller may not see)");

        api.MapGet("/changes/{id}/clashes", async (string id, ChangeScheduleRepository schedule, ClaimsPrincipal user, CancellationToken ct) =>
                await schedule.ClashesAsync(id, user.ToViewer(), ct) is { } clashes
                    ? TypedResults.Ok(clashes)
                    : ApiProblem.Status(StatusCodes.Status404NotFound, $"There is no change '{RecordChange.Clip(id)}'."))
            .WithAccess(Access.Agent)
            .WithTags("Records")
            .WithSummary("The open changes whose planned window overlaps this change's on the same configuration item or service (a change the caller may not see is named by number only, hidden: true)");
    }

    private static DateTimeOffset? Date(IQueryCollection query, string name, List<FieldError> errors)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
            return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
            return at.ToUniversalTime();
        errors.Add(new FieldError(name, $"'{name}' must be an ISO date such as 2026-03-01 or 2026-03-01T09:00:00Z."));
        return null;
    }
}
