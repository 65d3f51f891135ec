using System.Security.Claims;
using System.Text.Json.Nodes;
using ValueStreams.Core.Identity;
using ValueStreams.Core.ServiceLevels;
using ValueStreams.Data.ServiceLevels;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Host.Features.Errors;
using ValueStreams.Host.Features.Records;

namespace ValueStreams.Host.Features.ServiceLevels;

/// <summary>
/// Business calendars and service level policies, kept by admins (<c>/api/service-levels/calendars</c> and
/// <c>/policies</c>): list, get with its ETag, create, replace with <c>If-Match</c> (412 when stale), delete; and a
/// preview of the due times a policy gives a record logged at a moment. <c>/api/calendars</c> and <c>/api/sla-policies</c>
/// answer the same.
/// </summary>
public static class ServiceLevelEndpoints
{
    public static void MapServiceLevelEndpoints(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/service-levels").WithTags("Service levels");
        MapDocuments(group.MapGroup("/calendars"), ServiceLevelDocument.Calendar, "calendar");
        MapDocuments(group.MapGroup("/policies"), ServiceLevelDocument.Policy, "policy");
        // The names the acceptance contract gives them, answered alike.
        MapDocuments(api.MapGroup("/calendars").WithTags("Service levels"), ServiceLevelDocument.Calendar, "calendar");
        MapDocuments(api.MapGroup("/sla-policies").WithTags("Service levels"), ServiceLevelDocument.Policy, "policy");

        group.MapPost("/preview", async (PreviewRequest? body, ServiceLevelPreview preview, CancellationToken ct) =>
                await preview.DueTimesAsync(body?.Policy, body?.Priority, body?.LoggedAt, ct) switch
                {
                    ({ } due, _) => TypedResults.Ok(due),
                    (_, var errors) => ApiProblem.Validation("The preview cannot be worked out.", errors.Select(e => new FieldError(e.Path, e.Message))),
                })
            .WithAccess(Access.Admin)
            .WithSummary("The due times a policy (its id, or a definition being edited) gives a record of a priority logged at a moment: " +
                "{policy, priority, loggedAt} → [{clock, target, calendar, dueAt}]");
    }

    private static void MapDocuments(RouteGroupBuilder group, ServiceLevelDocument document, string word)
    {
        group.MapGet("/", async (ServiceLevelRepository repository, CancellationToken ct) =>
                TypedResults.Ok((await repository.ListAsync(document, ct)).Select(Describe)))
            .WithAccess(Access.Admin)
            .WithSummary($"Every stored {word}, by id: {{id, name, revision, updatedAt, updatedBy, definition}}");

        group.MapGet("/{id}", async (string id, HttpContext http, ServiceLevelRepository repository, CancellationToken ct) =>
                await repository.GetAsync(document, id, ct) is { } found ? Found(http, found) : Missing(word, id))
            .WithAccess(Access.Admin)
            .WithSummary($"One {word} with its ETag");

        group.MapPost("/", async (JsonObject? body, HttpContext http, ServiceLevelRepository repository, ClaimsPrincipal user, CancellationToken ct) =>
                Answer(http, word, null, await repository.CreateAsync(document, body, user.ToViewer().Username, ct)))
            .WithAccess(Access.Admin)
            .WithSummary($"Create a {word}; 400 names every property that is missing or wrong, 409 when the id is taken");

        group.MapPut("/{id}", async (string id, JsonObject? body, HttpContext http, ServiceLevelRepository repository, ClaimsPrincipal user,
                CancellationToken ct) =>
                ReadIfMatch(http) is not { } expected
                    ? IfMatchNeeded(word)
                    : Answer(http, word, id, await repository.UpdateAsync(document, id, body, expected, user.ToViewer().Username, ct)))
            .WithAccess(Access.Admin)
            .WithSummary($"Replace a {word}'s definition; send If-Match with its ETag (412 when it changed since, 428 without it)");

        group.MapDelete("/{id}", async (string id, HttpContext http, ServiceLevelRepository repository, CancellationToken ct) =>
                ReadIfMatch(http) is not { } expected
                    ? IfMatchNeeded(word)
                    : Answer(http, word, id, await repository.DeleteAsync(document, id, expected, ct)))
            .WithAccess(Access.Admin)
            .WithSummary($"Remove a {word}; send If-Match with its ETag; a calendar a policy uses stays (409)");
    }

    private static int? ReadIfMatch(HttpContext http) => RecordEndpoints.TryReadIfMatch(http.Request, out var revision) ? revision : null;

    private static IResult IfMatchNeeded(string word) =>
        ApiProblem.Status(StatusCodes.Status428PreconditionRequired, $"Send If-Match with the {word}'s ETag, such as \"3\".");

    private static object Describe(StoredServiceLevel s) =>
        new { id = s.Id, name = s.Name, revision = s.Revision, updatedAt = s.UpdatedAt, updatedBy = s.UpdatedBy, definition = s.Definition };

    private static IResult Found(HttpContext http, StoredServiceLevel stored)
    {
        http.Response.Headers.ETag = $"\"{stored.Revision}\"";
        return TypedResults.Ok(Describe(stored));
    }

    private static IResult Missing(string word, string id) => ApiProblem.Status(StatusCodes.Status404NotFound, $"There is no {word} '{id}'.");

    private static IResult Answer(HttpContext http, string word, string? id, ServiceLevelWrite write) => write switch
    {
        ServiceLevelWrite.Saved(var saved) when id is null => Created(http, word, saved),
        ServiceLevelWrite.Saved(var saved) => Found(http, saved),
        ServiceLevelWrite.Deleted => TypedResults.NoContent(),
        ServiceLevelWrite.Invalid(var errors) => ApiProblem.Validation(
            $"The {word} was not saved: {errors.Count} propert{(errors.Count == 1 ? "y is" : "ies are")} missing or wrong.",
            errors.Select(e => new FieldError(e.Path, e.Message))),
        ServiceLevelWrite.Stale(var current) => ApiProblem.Status(StatusCodes.Status412PreconditionFailed,
            $"The {word} changed since you read it.", $"It is at revision {current} now; read it again and reapply your change."),
        ServiceLevelWrite.Conflict(var message) => ApiProblem.Status(StatusCodes.Status409Conflict, message),
        _ => Missing(word, id ?? ""),
    };

    private static IResult Created(HttpContext http, string word, StoredServiceLevel saved)
    {
        http.Response.Headers.ETag = $"\"{saved.Revision}\"";
        return TypedResults.Created($"/api/service-levels/{(word == "calendar" ? "calendars" : "policies")}/{saved.Id}", Describe(saved));
    }

    internal sealed record PreviewRequest(JsonNode? Policy, string? Priority, DateTimeOffset? LoggedAt);
}
