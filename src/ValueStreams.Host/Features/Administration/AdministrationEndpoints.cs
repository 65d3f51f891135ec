using System.Globalization;
using System.Security.Claims;
using ValueStreams.Core.Audit;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Audit;
using ValueStreams.Data.Identity;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Host.Features.Errors;

namespace ValueStreams.Host.Features.Administration;

/// <summary>Users, groups and the audit log (admins), and a user's own password.</summary>
public static class AdministrationEndpoints
{
    public const int MaxAuditPage = 500;

    /// <summary>A user as admins see it; never the password hash.</summary>
    public sealed record UserResponse(string Username, string DisplayName, string? Email, IReadOnlyList<string> Roles,
        IReadOnlyList<string> Groups, bool Active, DateTimeOffset CreatedAt, DateTimeOffset? DeactivatedAt);

    public sealed record PasswordReset(string? Password);

    public sealed record PasswordChange(string? CurrentPassword, string? NewPassword);

    public static void MapAdministrationEndpoints(this RouteGroupBuilder api)
    {
        var users = api.MapGroup("/users").WithTags("Administration").WithAccess(Access.Admin);
        users.MapGet("/", async (UserRepository repository, CancellationToken ct) =>
                TypedResults.Ok((await repository.ListAsync(ct)).Select(Describe).ToList()))
            .WithSummary("Every user with roles, groups and whether they may sign in");
        users.MapGet("/{name}", async (string name, UserRepository repository, CancellationToken ct) =>
                await repository.FindAsync(name, ct) is { } user
                    ? TypedResults.Ok(Describe(user))
                    : ApiProblem.Status(StatusCodes.Status404NotFound, $"User '{name}' was not found."))
            .WithSummary("One user");
        users.MapPost("/", async (NewUser request, PeopleAdministration admin, ClaimsPrincipal actor, CancellationToken ct) =>
                (await admin.CreateUserAsync(request, actor, ct)).Answer(user =>
                    TypedResults.Created($"/api/users/{Uri.EscapeDataString(((UserAccount)user!).Username)}", Describe((UserAccount)user))))
            .WithSummary("Create a user with a password, roles and groups; 400 names each bad field, 409 when the name is taken")
            .Produces<UserResponse>(StatusCodes.Status201Created);
        users.MapPatch("/{name}", async (string name, UserChanges request, PeopleAdministration admin, ClaimsPrincipal actor, CancellationToken ct) =>
                (await admin.UpdateUserAsync(name, request, actor, ct)).Answer(user => TypedResults.Ok(Describe((UserAccount)user!))))
            .WithSummary("Change display name, email, roles, groups or active (false deactivates: sign-in refused, sessions end)")
            .Produces<UserResponse>();
        users.MapPost("/{name}/password", async (string name, PasswordReset request, PeopleAdministration admin, ClaimsPrincipal actor, CancellationToken ct) =>
                (await admin.ResetPasswordAsync(name, request.Password, actor, ct)).Answer(_ => TypedResults.NoContent()))
            .WithSummary("Set a user's password (the user's sessions end)");

        var groups = api.MapGroup("/groups").WithTags("Administration").WithAccess(Access.Admin);
        groups.MapGet("/", async (GroupRepository repository, CancellationToken ct) => TypedResults.Ok(await repository.ListAsync(ct)))
            .WithSummary("Every group with its manager and members");
        groups.MapGet("/{id}", async (string id, GroupRepository repository, CancellationToken ct) =>
                await repository.FindAsync(id, ct) is { } group
                    ? TypedResults.Ok(group)
                    : ApiProblem.Status(StatusCodes.Status404NotFound, $"Group '{id}' was not found."))
            .WithSummary("One group");
        groups.MapPost("/", async (NewGroup request, PeopleAdministration admin, ClaimsPrincipal actor, CancellationToken ct) =>
                (await admin.CreateGroupAsync(request, actor, ct)).Answer(group =>
                    TypedResults.Created($"/api/groups/{((GroupDetails)group!).Id}", group)))
            .WithSummary("Create a group with a manager and members; 409 when the id is taken")
            .Produces<GroupDetails>(StatusCodes.Status201Created);
        groups.MapPatch("/{id}", async (string id, GroupChanges request, PeopleAdministration admin, ClaimsPrincipal actor, CancellationToken ct) =>
                (await admin.UpdateGroupAsync(id, request, actor, ct)).Answer(group => TypedResults.Ok(group)))
            .WithSummary("Rename a group, set or clear (\"\") its manager, replace its members")
            .Produces<GroupDetails>();

        api.MapGet("/audit", FindAuditAsync)
            .WithTags("Administration").WithAccess(Access.Admin)
            .WithSummary("The audit log, newest first: ?actor= &action= &from= &to= (ISO 8601) &offset= &limit= (at most 500)")
            .Produces<AuditPage>();

        api.MapPost("/account/password", async (PasswordChange request, PeopleAdministration admin, ClaimsPrincipal actor, CancellationToken ct) =>
                (await admin.ChangeOwnPasswordAsync(request.CurrentPassword, request.NewPassword, actor, ct)).Answer(_ => TypedResults.NoContent()))
            .WithTags("Account").WithAccess(Access.SignedIn)
            .WithSummary("Change your own password; the current one is required");
    }

    private static async Task<IResult> FindAuditAsync(string? actor, string? action, string? from, string? to, string? offset, string? limit,
        AuditLog log, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        var fromTime = Time(from, "from", errors);
        var toTime = Time(to, "to", errors);
        var skip = Number(offset, "offset", 0, 0, int.MaxValue, errors);
        var take = Number(limit, "limit", 50, 1, MaxAuditPage, errors);
        if (errors.Count > 0)
            return ApiProblem.Validation("The audit filter is not valid.", errors);
        return TypedResults.Ok(await log.FindAsync(new AuditQuery(Blank(actor), Blank(action), fromTime, toTime, skip, take), ct));
    }

    private static DateTimeOffset? Time(string? text, string path, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            return time;
        errors.Add(new(path, "must be a date and time such as 2026-12-06T09:00:00Z"));
        return null;
    }

    private static int Number(string? text, string path, int fallback, int min, int max, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            return value;
        errors.Add(new(path, $"must be a whole number from {min} to {max}"));
        return fallback;
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    public static UserResponse Describe(UserAccount user) =>
        new(user.Username, user.DisplayName, user.Email, user.Roles, user.Groups, user.IsActive, user.CreatedAt, user.DeactivatedAt);
}
