using System.Globalization;
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
                KnownErrorQuery(problems, request.Query, out var query) is { Count: > 0 } errors
                    ? ApiProblem.Validation("The known errors cannot be listed that way.", errors)
                    : TypedResults.Ok(await service.ListAsync(problems, query!, user.ToViewer(), ct)))
            .WithAccess(Access.Agent)
            .WithTags("Records")
            .WithSummary("The known errors: problems analysed to a root cause or workaround and not yet resolved; paged, sorted, searched and filtered as /api/problems");

        api.MapGet("/changes/schedule", async (HttpRequest request, ChangeScheduleRepository schedule, TimeProvider clock, CancellationToken ct) =>
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
                var changes = await schedule.ScheduleAsync(from, to, ct);
                return TypedResults.Ok(new { from, to, changes });
            })
            .WithAccess(Access.Agent)
            .WithTags("Records")
            .WithSummary($"The change schedule: changes planned between ?from= and ?to= (ISO dates; the next {DefaultDays} days by default, at most {MaxDays}), each with the changes it clashes with on the same CI or service");

        api.MapGet("/changes/{id}/clashes", async (string id, ChangeScheduleRepository schedule, CancellationToken ct) =>
                await schedule.ClashesAsync(id, ct) is { } clashes
                    ? TypedResults.Ok(clashes)
                    : ApiProblem.Status(StatusCodes.Status404NotFound, $"There is no change '{(id.Length > 64 ? id[..64] + "…" : id)}'."))
            .WithAccess(Access.Agent)
            .WithTags("Records")
            .WithSummary("The open changes whose planned window overlaps this change's on the same configuration item or service");
    }

    /// <summary>The problems list's paging, sort, search and filters, with the state fixed to known-error.</summary>
    private static List<FieldError> KnownErrorQuery(RecordKind problems, IQueryCollection query, out RecordListQuery? result)
    {
        var errors = new List<FieldError>();
        var filterNames = RecordRepository.FilterNames(problems).Where(n => n != RecordChange.State.Name).ToList();
        var filters = new Dictionary<string, string>(StringComparer.Ordinal) { [RecordChange.State.Name] = ProblemKind.KnownError };
        foreach (var (name, value) in query.Where(q => q.Key is not ("page" or "pageSize" or "sort" or "q")))
        {
            if (filterNames.Contains(name) && value.ToString().Length <= RecordRepository.MaxSearchLength)
                filters[name] = value.ToString();
            else
                errors.Add(new FieldError(name, $"Known errors can be filtered by {string.Join(", ", filterNames)}, each with at most {RecordRepository.MaxSearchLength} characters."));
        }
        var page = Whole(query, "page", 1, 1_000_000, errors);
        var pageSize = Whole(query, "pageSize", 50, RecordRepository.MaxPageSize, errors);
        var sort = query["sort"].ToString();
        if (sort.Length > 0 && !RecordRepository.SortNames(problems).Contains(sort.TrimStart('-', '+')))
            errors.Add(new FieldError("sort", $"Known errors can be sorted by {string.Join(", ", RecordRepository.SortNames(problems))}."));
        var search = query["q"].ToString();
        if (search.Length > RecordRepository.MaxSearchLength)
            errors.Add(new FieldError("q", $"A search may be at most {RecordRepository.MaxSearchLength} characters."));
        result = errors.Count == 0 ? new RecordListQuery(filters, search, sort.Length == 0 ? null : sort, page, pageSize) : null;
        return errors;
    }

    private static int Whole(IQueryCollection query, string name, int fallback, int max, List<FieldError> errors)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
            return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= max)
            return value;
        errors.Add(new FieldError(name, $"'{name}' must be a whole number from 1 to {max}."));
        return fallback;
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
