using System.Security.Claims;
using ValueStreams.Core.Definitions.Diff;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.StepTypes;
using ValueStreams.Data.Definitions;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Host.Features.Errors;
using ValueStreams.Core.Identity;
using ValueStreams.Host.Features.Portal;

namespace ValueStreams.Host.Features.Definitions;

public static class DefinitionEndpoints
{
    public sealed record ValidationResponse(bool Valid, IReadOnlyList<FieldError> Errors, IReadOnlyList<FieldError> Warnings);
    /// <summary>A saved draft: valid or not, with its issues; only publishing needs it valid.</summary>
    public sealed record DraftResponse(string Id, string ContentHash, bool Valid, IReadOnlyList<FieldError> Errors, IReadOnlyList<FieldError> Warnings);
    public sealed record PublishResponse(string Id, int Version, bool Unchanged);
    public sealed record ImportResponse(string Id, int Version, string Status);

    private const string FileContentType = "application/json";

    public static void MapDefinitionEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/step-types", () => TypedResults.Ok(StepTypeCatalogue.Descriptors))
            .WithAccess(Access.SignedIn)
            .WithTags("Definitions").WithSummary("Step type descriptors: inputs, ports and UI hints");

        var streams = api.MapGroup("/value-streams").WithTags("Definitions");

        streams.MapGet("/", async (bool? startable, ValueStreamRepository repository, RequestPortal portal, ClaimsPrincipal user, CancellationToken ct) =>
                startable == true
                    ? Results.Ok(await portal.StartableAsync(user, ct))
                    : Results.Ok(await repository.ListAsync(ct)))
            .WithAccess(Access.SignedIn)
            .WithSummary("Value streams with their published and latest versions (and a draft's error count); ?startable=true: those the caller may start, each with its startForm");

        streams.MapGet("/{id}", GetFileAsync)
            .WithAccess(Access.SignedIn)
            .WithSummary("The value stream file in canonical form: published, ?version=N, or ?draft=true")
            .Produces(StatusCodes.Status200OK, contentType: FileContentType)
            .ProducesProblem(StatusCodes.Status404NotFound);

        streams.MapPut("/{id}/draft", SaveDraftAsync)
            .WithAccess(Access.ProcessOwner)
            .WithSummary("Save a draft (body: the file), valid or not: 200 with its errors and warnings; 400 when it does not read as a value stream")
            .Produces<DraftResponse>()
            .Accepts<object>(FileContentType)
            .ProducesProblem(StatusCodes.Status400BadRequest);

        streams.MapPost("/{id}/publish", PublishAsync)
            .WithAccess(Access.ProcessOwner)
            .WithSummary("Publish the draft as the next version")
            .ProducesProblem(StatusCodes.Status409Conflict);

        streams.MapGet("/{id}/versions", async (string id, ValueStreamRepository repository, CancellationToken ct) =>
            {
                var versions = await repository.VersionsAsync(id, ct);
                return versions.Count == 0 ? NotFound(id) : TypedResults.Ok(versions);
            })
            .WithAccess(Access.SignedIn)
            .WithSummary("Published versions with who published them and when");

        streams.MapGet("/{id}/diff", DiffAsync)
            .WithAccess(Access.SignedIn)
            .WithSummary("Semantic diff between two versions (?from=N&to=M; to defaults to the draft, else the published version)")
            .Produces<DiffReport>()
            .ProducesProblem(StatusCodes.Status404NotFound);

        streams.MapPost("/{id}/versions/{version:int}/restore", RestoreAsync)
            .WithAccess(Access.ProcessOwner)
            .WithSummary("Make an old version the new draft (publish it to make it current)")
            .ProducesProblem(StatusCodes.Status404NotFound);

        streams.MapPost("/validate", async (HttpRequest request, ValueStreamLibrary library) =>
            {
                var body = await RequestBody.ReadAsync(request);
                if (body is null)
                    return RequestBody.TooLarge();
                var report = library.Validate(body);
                return TypedResults.Ok(new ValidationResponse(report.IsValid, ToFieldErrors(report.Errors), ToFieldErrors(report.Warnings)));
            })
            .WithAccess(Access.SignedIn)
            .Accepts<object>(FileContentType)
            .WithSummary("Validate a file without storing it");

        streams.MapPost("/import", ImportAsync)
            .WithAccess(Access.ProcessOwner)
            .Accepts<object>(FileContentType)
            .WithSummary("Import a file and publish it; the same content as the current version is 'unchanged'");
    }

    private static async Task<IResult> GetFileAsync(string id, int? version, bool? draft, ValueStreamRepository repository, CancellationToken ct)
    {
        var stored = draft == true
            ? await repository.GetDraftAsync(id, ct)
            : await repository.GetPublishedAsync(id, version, ct);
        if (stored is null)
            return draft == true
                ? ApiProblem.Status(StatusCodes.Status404NotFound, $"Value stream '{id}' has no draft.")
                : version is { } v
                    ? ApiProblem.Status(StatusCodes.Status404NotFound, $"Value stream '{id}' has no version {v}.")
                    : NotFound(id);
        return TypedResults.Text(stored.Content, FileContentType, System.Text.Encoding.UTF8);
    }

    private static async Task<IResult> SaveDraftAsync(string id, HttpRequest request, ValueStreamLibrary library, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync(request);
        if (body is null)
            return RequestBody.TooLarge();
        var outcome = await library.SaveDraftAsync(id, body, UserName(user), ct);
        return outcome.Stored
            ? TypedResults.Ok(Saved(id, outcome))
            : Invalid($"The draft of '{id}' does not read as a value stream and was not saved.", outcome.Errors, outcome.Warnings);
    }

    private static async Task<IResult> PublishAsync(string id, ValueStreamLibrary library, ClaimsPrincipal user, CancellationToken ct)
    {
        var outcome = await library.PublishDraftAsync(id, UserName(user), ct);
        if (outcome is null)
            return ApiProblem.Status(StatusCodes.Status409Conflict, $"Value stream '{id}' has no draft to publish.");
        return outcome.Refused
            ? Invalid($"The draft of '{id}' is invalid and was not published.", outcome.Errors, outcome.Warnings)
            : TypedResults.Ok(new PublishResponse(id, outcome.Published!.Version, outcome.Published.Unchanged));
    }

    private static async Task<IResult> DiffAsync(string id, int from, int? to, ValueStreamRepository repository, CancellationToken ct)
    {
        var before = await repository.GetPublishedAsync(id, from, ct);
        var after = to is { } version
            ? await repository.GetPublishedAsync(id, version, ct)
            : await repository.GetDraftAsync(id, ct) ?? await repository.GetPublishedAsync(id, null, ct);
        if (before is null || after is null)
            return ApiProblem.Status(StatusCodes.Status404NotFound,
                $"Value stream '{id}' has no version {(before is null ? from : to?.ToString() ?? "to compare with")}.");
        // Stored content is canonical and was valid when stored, so it always reads.
        var report = ValueStreamDiff.Compare(ValueStreamReader.Read(before.Content).Definition!, ValueStreamReader.Read(after.Content).Definition!);
        return TypedResults.Ok(report);
    }

    private static async Task<IResult> RestoreAsync(string id, int version, ValueStreamLibrary library, ClaimsPrincipal user, CancellationToken ct)
    {
        var outcome = await library.RestoreAsync(id, version, UserName(user), ct);
        if (outcome is null)
            return ApiProblem.Status(StatusCodes.Status404NotFound, $"Value stream '{id}' has no version {version}.");
        return outcome.Stored
            ? TypedResults.Ok(Saved(id, outcome))
            : Invalid($"Version {version} of '{id}' no longer reads and was not restored.", outcome.Errors, outcome.Warnings);
    }

    private static async Task<IResult> ImportAsync(HttpRequest request, ValueStreamLibrary library, ClaimsPrincipal user, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync(request);
        if (body is null)
            return RequestBody.TooLarge();
        var outcome = await library.ImportAsync(body, UserName(user), ct);
        return outcome.Refused
            ? Invalid("The file is invalid and was not imported.", outcome.Errors, outcome.Warnings)
            : TypedResults.Ok(new ImportResponse(outcome.Definition!.Id, outcome.Published!.Version,
                outcome.Published.Unchanged ? "unchanged" : "published"));
    }

    private static IResult Invalid(string title, IReadOnlyList<DefinitionIssue> errors, IReadOnlyList<DefinitionIssue> warnings) =>
        TypedResults.Problem(title: title, statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["errors"] = ToFieldErrors(errors), ["warnings"] = ToFieldErrors(warnings) });

    private static DraftResponse Saved(string id, ValueStreamLibrary.Outcome outcome) =>
        new(id, outcome.ContentHash!, !outcome.Refused, ToFieldErrors(outcome.Errors), ToFieldErrors(outcome.Warnings));

    private static IResult NotFound(string id) => ApiProblem.Status(StatusCodes.Status404NotFound, $"Value stream '{id}' was not found.");

    private static List<FieldError> ToFieldErrors(IEnumerable<DefinitionIssue> issues) =>
        issues.Select(i => new FieldError(i.Path, i.Message)).ToList();

    private static string UserName(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}
