using System.Globalization;
using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.Net.Http.Headers;
using ValueStreams.Core.Identity;
using ValueStreams.Core.Records;
using ValueStreams.Core.ServiceLevels;
using ValueStreams.Data.Records;
using ValueStreams.Data.ServiceLevels;
using ValueStreams.Engine.Runtime;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Host.Features.Errors;

namespace ValueStreams.Host.Features.Records;

/// <summary>
/// The records API, one collection per record kind in the catalogue (<c>/api/incidents</c>…): a paged list with
/// filters, sort and search; one record by id or number with its ETag; create (which starts the streams a new record of
/// the kind triggers, in the same transaction); update with <c>If-Match</c>; history, links and notes.
/// </summary>
public static class RecordEndpoints
{
    private static readonly HashSet<string> ListParameters = new(StringComparer.Ordinal) { "page", "pageSize", "sort", "q" };

    public static void MapRecordEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/record-kinds", () => TypedResults.Ok(RecordKindCatalogue.All.Select(k => Describe(k.Descriptor))))
            .WithAccess(Access.SignedIn)
            .WithTags("Records")
            .WithSummary("The record kinds: fields (type, options, required), states and the moves between them, number prefix, default SLA");

        foreach (var kind in RecordKindCatalogue.All)
            MapKind(api, kind);
        api.MapProblemAndChangeEndpoints();
        ConfigurationItems.ConfigurationItemEndpoints.MapConfigurationAndAssetEndpoints(api);
    }

    private static IEnumerable<object> DescribeClocks(IReadOnlyList<RecordClock> clocks, IReadOnlyList<ClockStage> stages) =>
        clocks.Select(c => DescribeClock(c, stages.Where(s => s.Clock == c.Name)));

    private static object DescribeClock(RecordClock clock, IEnumerable<ClockStage> stages)
    {
        static string Iso(TimeSpan time) => System.Xml.XmlConvert.ToString(time);
        static string? IsoOrNull(TimeSpan? time) => time is { } t ? Iso(t) : null;
        var r = clock.Reading;
        return new
        {
            name = clock.Name, policy = clock.Policy, calendar = clock.Calendar, target = clock.Target,
            state = r.State.ToString().ToLowerInvariant(), startedAt = r.StartedAt, dueAt = r.DueAt,
            elapsed = Iso(r.Elapsed), remaining = Iso(r.Remaining), paused = Iso(r.Paused), fraction = Math.Round(r.Fraction, 4),
            timeline = r.Timeline.Select(t => new
            {
                at = t.At, @event = t.Event.ToString().ToLowerInvariant(), cause = t.Cause, elapsed = Iso(t.Elapsed), remaining = Iso(t.Remaining),
            }),
            stages = stages.Select(s => new
            {
                percent = s.Percent, stage = s.Stage, dueAt = s.DueAt, firedAt = s.FiredAt, businessTime = IsoOrNull(s.BusinessTime),
                wallTime = IsoOrNull(s.WallTime), cause = s.Cause, outcome = s.Outcome,
            }),
        };
    }

    private static void MapKind(RouteGroupBuilder api, RecordKind kind)
    {
        var d = kind.Descriptor;
        var records = api.MapGroup("/" + d.Collection).WithTags("Records");
        var plural = d.Collection.Replace('-', ' ');
        // Catalogues are kept by admins; every other kind is worked by agents (and, record by record, by RecordAccess).
        var changes = d.Catalogue ? Access.Admin : Access.Agent;

        records.MapGet("/", async (HttpRequest request, RecordService service, ClaimsPrincipal user, CancellationToken ct) =>
                ReadQuery(kind, request.Query, out var query) is { Count: > 0 } errors
                    ? ApiProblem.Validation($"The {plural} list cannot be read that way.", errors)
                    : TypedResults.Ok(await service.ListAsync(kind, query!, user.ToViewer(), ct)))
            .WithAccess(Access.Agent)
            .WithSummary($"The {plural} the caller may see, newest first: ?page=&pageSize= (at most {RecordRepository.MaxPageSize}), ?sort=field or -field, ?q= text search, and a filter per field (?state=new,in-progress)");

        records.MapGet("/{id}", async (string id, HttpContext http, RecordService service, ClaimsPrincipal user, CancellationToken ct) =>
                await service.FindAsync(kind, id, user.ToViewer(), ct) is { } record ? Found(http, record) : NotFound(d, id))
            .WithAccess(Access.Agent)
            .WithSummary($"One {d.Name} by id or number ({d.NumberPrefix}-000123), with its ETag and the value stream instances that work on it");

        records.MapPost("/", async (JsonObject? body, HttpContext http, RecordService service, ClaimsPrincipal user, CancellationToken ct) =>
            {
                try
                {
                    return Answer(http, d, await service.CreateAsync(kind, body, user.ToViewer(), ct), id: null, created: true);
                }
                catch (EngineException refusal)
                {
                    return EngineProblems.From(refusal);
                }
            })
            .WithAccess(changes)
            .WithSummary($"Create {d.WithArticle}; 400 names every field that is missing or wrong{(d.Catalogue ? " (admins only: a catalogue)" : "")}");

        records.MapPatch("/{id}", async (string id, JsonObject? body, HttpContext http, RecordService service, ClaimsPrincipal user,
                CancellationToken ct) =>
            {
                if (!TryReadIfMatch(http.Request, out var expected))
                    return ApiProblem.Status(StatusCodes.Status400BadRequest, "If-Match must be the ETag of the record, such as \"3\".");
                return Answer(http, d, await service.UpdateAsync(kind, id, body, expected, user.ToViewer(), ct), id, created: false);
            })
            .WithAccess(changes)
            .WithSummary($"Change fields or the state of {d.WithArticle}; send If-Match with its ETag (412 when it changed since){(d.Catalogue ? " (admins only: a catalogue)" : "")}");

        records.MapGet("/{id}/history", async (string id, RecordService service, ClaimsPrincipal user, CancellationToken ct) =>
                await service.HistoryAsync(kind, id, user.ToViewer(), ct) is { } history
                    ? TypedResults.Ok(history.Select(h => new { at = h.At, actor = h.Actor, field = h.Field, old = h.Old, @new = h.New }))
                    : NotFound(d, id))
            .WithAccess(Access.Agent)
            .WithSummary($"Every change of the {d.Name}: who, when, field, old and new value");

        if (!d.Catalogue)
            records.MapGet("/{id}/sla", async (string id, RecordService service, ServiceLevelRepository serviceLevels, ClaimsPrincipal user, TimeProvider clock,
                    CancellationToken ct) =>
                    await service.FindAsync(kind, id, user.ToViewer(), ct) is { } record && await service.HistoryAsync(kind, id, user.ToViewer(), ct) is { } history
                        ? TypedResults.Ok(DescribeClocks((await serviceLevels.CurrentAsync(ct)).ClocksOf(d.Name,
                            history.Select(h => new RecordFieldChange(h.At, h.Field, h.Old, h.New)).ToList(), clock.GetUtcNow()),
                            await serviceLevels.StagesAsync(d.Name, (string)record["id"]!, ct)))
                        : NotFound(d, id))
                .WithAccess(Access.Agent)
                .WithSummary($"The {d.Name}'s service level clocks under the stored policy it falls under (by kind and conditions), read from its " +
                    "history: state, target, due time, elapsed, remaining and paused working time (ISO 8601), a timeline that explains them, and the " +
                    "stages of its warning ladder (warned at 50 %, breached: when each fired or falls due, business and wall time, the change that set it)");

        records.MapGet("/{id}/notes", async (string id, RecordNoteRepository notes, ClaimsPrincipal user, CancellationToken ct) =>
                await notes.ListAsync(kind, id, user.ToViewer(), ct) is { } found
                    ? TypedResults.Ok(found.Select(Describe))
                    : NotFound(d, id))
            .WithAccess(Access.Agent)
            .WithSummary($"The {d.Name}'s work notes and comments, oldest first: who, when, visibility (work or comment) and text");

        records.MapPost("/{id}/notes", async (string id, NoteRequest? body, RecordNoteRepository notes, ClaimsPrincipal user, CancellationToken ct) =>
                await notes.AddAsync(kind, id, body?.Visibility, body?.Text, user.ToViewer(), ct) switch
                {
                    NoteWrite.Done(var note) => TypedResults.Created($"/api/{d.Collection}/{id}/notes", Describe(note)),
                    NoteWrite.Invalid(var error) => ApiProblem.Validation($"The note was not added: {error.Message}", [new FieldError(error.Field, error.Message)]),
                    _ => NotFound(d, id),
                })
            .WithAccess(Access.Agent)
            .WithSummary($"Add a note to the {d.Name}: {{visibility: work|comment (work when left out), text: at most {RecordNote.MaxLength} characters}}; " +
                "notes are never changed or removed, and leave the record's revision as it was");

        records.MapGet("/{id}/links", async (string id, RecordLinkRepository links, ClaimsPrincipal user, CancellationToken ct) =>
                await links.ListAsync(kind, id, user.ToViewer(), ct) is { } found
                    ? TypedResults.Ok(found.Select(Describe))
                    : NotFound(d, id))
            .WithAccess(Access.Agent)
            .WithSummary($"The {d.Name}'s links both ways: links people drew and reference fields (type, label read from this side, direction, the other record)");

        records.MapPost("/{id}/links", async (string id, LinkRequest? body, RecordLinkRepository links, ClaimsPrincipal user, CancellationToken ct) =>
                await links.AddAsync(kind, id, body?.Type, body?.Target, user.ToViewer(), ct) switch
                {
                    LinkWrite.Done(var link) => TypedResults.Created($"/api/{d.Collection}/{id}/links", Describe(link!)),
                    LinkWrite.Invalid(var field, var message) => ApiProblem.Validation($"The link was not drawn: {message}", [new FieldError(field, message)]),
                    _ => NotFound(d, id),
                })
            .WithAccess(Access.Agent)
            .WithSummary($"Link the {d.Name} to another record: {{type: {string.Join("|", RecordLinkType.All.Select(t => t.Name))}, target: number}}");

        records.MapDelete("/{id}/links/{type}/{target}", async (string id, string type, string target, RecordLinkRepository links, ClaimsPrincipal user,
                CancellationToken ct) =>
                await links.RemoveAsync(kind, id, type, target, user.ToViewer(), ct) switch
                {
                    LinkWrite.Done => TypedResults.NoContent(),
                    LinkWrite.Invalid(var field, var message) => ApiProblem.Validation($"The link was not removed: {message}", [new FieldError(field, message)]),
                    _ => ApiProblem.Status(StatusCodes.Status404NotFound, $"The {d.Name} '{RecordChange.Clip(id)}' has no {RecordChange.Clip(type)} link to '{RecordChange.Clip(target)}'."),
                })
            .WithAccess(Access.Agent)
            .WithSummary($"Remove a link people drew from the {d.Name}; reference-field links change with the field");
    }

    /// <summary>A link to draw: its type and the number of the record it goes to.</summary>
    public sealed record LinkRequest(string? Type, string? Target);

    /// <summary>A note to add: who may read it (work or comment) and its text.</summary>
    public sealed record NoteRequest(string? Visibility, string? Text);

    private static object Describe(RecordNote note) => new
    {
        id = note.Id, at = note.At, author = note.Author, visibility = note.Visibility, text = note.Text,
    };

    private static object Describe(RecordLink link) => new
    {
        type = link.Type, label = link.Label, direction = link.Direction, field = link.Field, record = link.Record,
        createdAt = link.CreatedAt, createdBy = link.CreatedBy,
    };


    /// <summary>The HTTP answer to a create or update.</summary>
    private static IResult Answer(HttpContext http, RecordKindDescriptor d, RecordWrite write, string? id, bool created) => write switch
    {
        RecordWrite.Written(var record) when created => Created(http, d, record),
        RecordWrite.Written(var record) => Found(http, record),
        RecordWrite.Invalid(var errors) => Invalid(d, errors),
        RecordWrite.Stale(var current) => ApiProblem.Status(StatusCodes.Status412PreconditionFailed,
            $"The {d.Name} changed since you read it.", $"It is at revision {current} now; read it again and reapply your change."),
        RecordWrite.Forbidden(var reason) => ApiProblem.Status(StatusCodes.Status403Forbidden, reason),
        _ => NotFound(d, id ?? ""),
    };

    /// <summary>
    /// Reads page, sort, search and filters from the query string; unknown names and bad numbers come back as errors.
    /// With <paramref name="fixedState"/> the list is of records in that state only, and state is no filter of its own.
    /// </summary>
    internal static List<FieldError> ReadQuery(RecordKind kind, IQueryCollection query, out RecordListQuery? result, string? fixedState = null)
    {
        var errors = new List<FieldError>();
        var filterNames = RecordRepository.FilterNames(kind).Where(n => fixedState is null || n != RecordChange.State.Name)
            .ToHashSet(StringComparer.Ordinal);
        var filters = new Dictionary<string, string>(StringComparer.Ordinal);
        if (fixedState is not null)
            filters[RecordChange.State.Name] = fixedState;
        foreach (var (name, value) in query.Where(q => !ListParameters.Contains(q.Key)))
        {
            if (!filterNames.Contains(name))
                errors.Add(new FieldError(name, $"The list cannot be filtered by '{name}'; it can by {string.Join(", ", filterNames)}."));
            else if (value.ToString().Length > RecordRepository.MaxSearchLength)
                errors.Add(new FieldError(name, $"A filter may be at most {RecordRepository.MaxSearchLength} characters."));
            else
                filters[name] = value.ToString();
        }
        var page = Number(query, "page", 1, 1, 1_000_000, errors);
        var pageSize = Number(query, "pageSize", 50, 1, RecordRepository.MaxPageSize, errors);
        var sort = query["sort"].ToString();
        if (sort.Length > 0 && !RecordRepository.SortNames(kind).Contains(sort.TrimStart('-', '+')))
            errors.Add(new FieldError("sort", $"The list cannot be sorted by '{sort.TrimStart('-', '+')}'; it can by {string.Join(", ", RecordRepository.SortNames(kind))}."));
        var search = query["q"].ToString();
        if (search.Length > RecordRepository.MaxSearchLength)
            errors.Add(new FieldError("q", $"A search may be at most {RecordRepository.MaxSearchLength} characters."));
        result = errors.Count == 0 ? new RecordListQuery(filters, search, sort.Length == 0 ? null : sort, page, pageSize) : null;
        return errors;
    }

    private static int Number(IQueryCollection query, string name, int fallback, int min, int max, List<FieldError> errors)
    {
        var text = query[name].ToString();
        if (text.Length == 0)
            return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        errors.Add(new FieldError(name, $"'{name}' must be a whole number from {min} to {max}."));
        return fallback;
    }

    /// <summary>No If-Match, "*", or the revision as an entity tag ("3" or W/"3").</summary>
    internal static bool TryReadIfMatch(HttpRequest request, out int? revision)
    {
        revision = null;
        var header = request.Headers.IfMatch.ToString();
        if (header.Length == 0 || header == "*")
            return true;
        if (!EntityTagHeaderValue.TryParse(header, out var tag))
            return false;
        if (!int.TryParse(tag.Tag.ToString().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            return false;
        revision = value;
        return true;
    }

    private static string ETag(JsonObject record) => $"\"{record["revision"]}\"";

    private static IResult Found(HttpContext http, JsonObject record)
    {
        http.Response.Headers.ETag = ETag(record);
        return TypedResults.Ok(record);
    }

    private static IResult Created(HttpContext http, RecordKindDescriptor d, JsonObject record)
    {
        http.Response.Headers.ETag = ETag(record);
        return TypedResults.Created($"/api/{d.Collection}/{record["id"]}", record);
    }

    private static IResult Invalid(RecordKindDescriptor d, IReadOnlyList<RecordFieldError> errors) =>
        ApiProblem.Validation($"The {d.Name} was not saved: {errors.Count} field{(errors.Count == 1 ? " is" : "s are")} missing or wrong.",
            errors.Select(e => new FieldError(e.Field, e.Message)));

    private static IResult NotFound(RecordKindDescriptor d, string id) =>
        ApiProblem.Status(StatusCodes.Status404NotFound, $"There is no {d.Name} '{RecordChange.Clip(id)}'.");

    private static object Describe(RecordKindDescriptor d) => new
    {
        name = d.Name,
        collection = d.Collection,
        title = d.Title,
        numberPrefix = d.NumberPrefix,
        defaultSla = d.DefaultSla,
        fields = d.Fields.Prepend(RecordChange.Title).Select(f => new
        {
            name = f.Name, label = f.Label, type = f.Type.ToString().ToLowerInvariant(), maxLength = f.MaxLength, required = f.Required,
            options = f.Options, derived = f.Derived, requiredIn = f.RequiredIn, recordKind = f.RecordKind,
        }),
        states = d.States.Select(s => new { name = s.Name, label = s.Label, final = s.Final }),
        transitions = d.Transitions.Select(t => new { from = t.From, to = t.To, action = t.Action }),
    };
}
