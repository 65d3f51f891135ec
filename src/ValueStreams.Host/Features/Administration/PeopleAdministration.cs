using System.Net.Mail;
using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using ValueStreams.Core.Audit;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Audit;
using ValueStreams.Data.Identity;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Host.Features.Errors;

namespace ValueStreams.Host.Features.Administration;

/// <summary>
/// What admins do to users and groups, and what a user does to their own password: one place for the rules
/// the administration API and pages both follow. Every change is written to the audit log. The last active
/// admin cannot be deactivated or lose the admin role, and nobody deactivates themselves.
/// </summary>
public sealed partial class PeopleAdministration(
    UserRepository users, GroupRepository groups, AuditLog audit, IPasswordHasher<UserAccount> hasher, AuthOptions options)
{
    public const int MaxNameLength = 64;
    public const int MaxDisplayNameLength = 200;
    public const int MaxPasswordLength = 1024;

    public async Task<AdminCommandResult> CreateUserAsync(NewUser request, ClaimsPrincipal actor, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(request.Username) || request.Username.Trim().Length > MaxNameLength || !UserNamePattern().IsMatch(request.Username.Trim()))
            errors.Add(new("username", $"required: letters, digits, '.', '_', '@' or '-', starting with a letter or digit, at most {MaxNameLength} characters"));
        CheckDisplayName(request.DisplayName, required: true, errors);
        CheckEmail(request.Email, errors);
        CheckPassword(request.Password, "password", errors);
        CheckRoles(request.Roles, required: true, errors);
        await CheckGroupsAsync(request.Groups, errors, ct);
        if (errors.Count > 0)
            return AdminCommandResult.Invalid("The user is not valid.", errors);

        var created = await users.CreateAsync(request.Username!.Trim(), request.DisplayName!.Trim(), Blank(request.Email),
            hasher.HashPassword(null!, request.Password!), request.Roles!, request.Groups ?? [], ct);
        if (created is null)
            return AdminCommandResult.Conflict($"A user named '{request.Username.Trim()}' already exists.");
        await audit.RecordAsync(Name(actor), AuditActions.UserCreated, created.Username, Describe(created), ct);
        return AdminCommandResult.Done(created);
    }

    public async Task<AdminCommandResult> UpdateUserAsync(string username, UserChanges request, ClaimsPrincipal actor, CancellationToken ct)
    {
        var user = await users.FindAsync(username, ct);
        if (user is null)
            return AdminCommandResult.NotFound($"User '{username}' was not found.");
        var errors = new List<FieldError>();
        CheckDisplayName(request.DisplayName, required: false, errors);
        CheckEmail(request.Email, errors);
        CheckRoles(request.Roles, required: false, errors);
        await CheckGroupsAsync(request.Groups, errors, ct);
        if (errors.Count > 0)
            return AdminCommandResult.Invalid("The changes are not valid.", errors);

        var losesAdmin = user.IsInRole(Roles.Admin) && user.IsActive &&
            (request.Active == false || (request.Roles is not null && !request.Roles.Contains(Roles.Admin)));
        if (request.Active == false && user.Id == actor.FindFirstValue(ClaimTypes.NameIdentifier))
            return AdminCommandResult.Conflict("You cannot deactivate yourself.");
        if (losesAdmin && await users.CountActiveAdminsAsync(ct) <= 1)
            return AdminCommandResult.Conflict($"'{user.Username}' is the last active admin; make another user admin first.");

        var updated = await users.UpdateAsync(user.Username, request.DisplayName?.Trim(), request.Email, request.Roles, request.Groups, ct);
        if (updated is null)
            return AdminCommandResult.NotFound($"User '{username}' was not found.");
        if (request.DisplayName is not null || request.Email is not null || request.Roles is not null || request.Groups is not null)
            await audit.RecordAsync(Name(actor), AuditActions.UserUpdated, updated.Username, Describe(updated), ct);
        if (request.Active is { } active && active != updated.IsActive)
        {
            await users.SetActiveAsync(updated.Id, active, ct);
            await audit.RecordAsync(Name(actor), active ? AuditActions.UserReactivated : AuditActions.UserDeactivated, updated.Username, null, ct);
            updated = await users.FindAsync(updated.Username, ct);
        }
        return AdminCommandResult.Done(updated);
    }

    /// <summary>An admin sets a user's password; the user's open sessions end.</summary>
    public async Task<AdminCommandResult> ResetPasswordAsync(string username, string? password, ClaimsPrincipal actor, CancellationToken ct)
    {
        var user = await users.FindAsync(username, ct);
        if (user is null)
            return AdminCommandResult.NotFound($"User '{username}' was not found.");
        var errors = new List<FieldError>();
        CheckPassword(password, "password", errors);
        if (errors.Count > 0)
            return AdminCommandResult.Invalid("The password is not valid.", errors);
        await users.SetPasswordHashAsync(user.Id, hasher.HashPassword(user, password!), endSessions: true, ct);
        await audit.RecordAsync(Name(actor), AuditActions.PasswordReset, user.Username, null, ct);
        return AdminCommandResult.Done();
    }

    /// <summary>The signed-in user changes their own password, giving the current one.</summary>
    public async Task<AdminCommandResult> ChangeOwnPasswordAsync(string? currentPassword, string? newPassword, ClaimsPrincipal actor, CancellationToken ct)
    {
        var credentials = await users.FindCredentialsAsync(Name(actor), ct);
        if (credentials is null)
            return AdminCommandResult.NotFound("Your account was not found.");
        var errors = new List<FieldError>();
        if (string.IsNullOrEmpty(currentPassword) || currentPassword.Length > MaxPasswordLength ||
            hasher.VerifyHashedPassword(credentials.User, credentials.PasswordHash, currentPassword) == PasswordVerificationResult.Failed)
            errors.Add(new("currentPassword", "is not your current password"));
        CheckPassword(newPassword, "newPassword", errors);
        if (errors.Count == 0 && newPassword == currentPassword)
            errors.Add(new("newPassword", "must differ from the current password"));
        if (errors.Count > 0)
            return AdminCommandResult.Invalid("The password was not changed.", errors);
        await users.SetPasswordHashAsync(credentials.User.Id, hasher.HashPassword(credentials.User, newPassword!), cancellationToken: ct);
        await audit.RecordAsync(credentials.User.Username, AuditActions.PasswordChanged, credentials.User.Username, null, ct);
        return AdminCommandResult.Done();
    }

    public async Task<AdminCommandResult> CreateGroupAsync(NewGroup request, ClaimsPrincipal actor, CancellationToken ct)
    {
        var errors = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(request.Id) || request.Id.Length > MaxNameLength || !GroupIdPattern().IsMatch(request.Id))
            errors.Add(new("id", $"required: lower-case letters, digits and '-', starting with a letter or digit, at most {MaxNameLength} characters"));
        CheckDisplayName(request.Name, required: true, errors, "name");
        await CheckPeopleAsync(request.Manager, request.Members, errors, ct);
        if (errors.Count > 0)
            return AdminCommandResult.Invalid("The group is not valid.", errors);

        if (await groups.CreateAsync(request.Id!, request.Name!.Trim(), Blank(request.Manager), request.Members ?? [], ct) == GroupRepository.Change.Duplicate)
            return AdminCommandResult.Conflict($"A group with id '{request.Id}' already exists.");
        var created = await groups.FindAsync(request.Id!, ct);
        await audit.RecordAsync(Name(actor), AuditActions.GroupCreated, created!.Id, Describe(created), ct);
        return AdminCommandResult.Done(created);
    }

    public async Task<AdminCommandResult> UpdateGroupAsync(string id, GroupChanges request, ClaimsPrincipal actor, CancellationToken ct)
    {
        if (await groups.FindAsync(id, ct) is null)
            return AdminCommandResult.NotFound($"Group '{id}' was not found.");
        var errors = new List<FieldError>();
        CheckDisplayName(request.Name, required: false, errors, "name");
        await CheckPeopleAsync(request.Manager, request.Members, errors, ct);
        if (errors.Count > 0)
            return AdminCommandResult.Invalid("The changes are not valid.", errors);

        if (await groups.UpdateAsync(id, request.Name?.Trim(), request.Manager?.Trim(), request.Members, ct) == GroupRepository.Change.NotFound)
            return AdminCommandResult.NotFound($"Group '{id}' was not found.");
        var updated = await groups.FindAsync(id, ct);
        await audit.RecordAsync(Name(actor), AuditActions.GroupUpdated, id, Describe(updated!), ct);
        return AdminCommandResult.Done(updated);
    }

    private void CheckPassword(string? password, string path, List<FieldError> errors)
    {
        if (string.IsNullOrEmpty(password) || password.Length < options.MinimumPasswordLength || password.Length > MaxPasswordLength)
            errors.Add(new(path, $"at least {options.MinimumPasswordLength} and at most {MaxPasswordLength} characters"));
        else if (string.IsNullOrWhiteSpace(password))
            errors.Add(new(path, "must not be only spaces"));
    }

    private static void CheckDisplayName(string? name, bool required, List<FieldError> errors, string path = "displayName")
    {
        if ((required || name is not null) && (string.IsNullOrWhiteSpace(name) || name.Trim().Length > MaxDisplayNameLength))
            errors.Add(new(path, $"required, at most {MaxDisplayNameLength} characters"));
    }

    private static void CheckEmail(string? email, List<FieldError> errors)
    {
        if (!string.IsNullOrWhiteSpace(email) && (email.Length > 254 || !MailAddress.TryCreate(email.Trim(), out var parsed) || parsed.Address != email.Trim()))
            errors.Add(new("email", "must be an email address such as name@example.org"));
    }

    private static void CheckRoles(IReadOnlyList<string>? roles, bool required, List<FieldError> errors)
    {
        if (roles is null)
        {
            if (required)
                errors.Add(new("roles", $"choose at least one of {string.Join(", ", Roles.All)}"));
            return;
        }
        if (roles.Count == 0)
            errors.Add(new("roles", $"choose at least one of {string.Join(", ", Roles.All)}"));
        for (var i = 0; i < roles.Count; i++)
            if (roles[i] is null || !Roles.IsKnown(roles[i]))
                errors.Add(new($"roles[{i}]", $"'{roles[i]}' is not a role; use {string.Join(", ", Roles.All)}"));
    }

    private async Task CheckGroupsAsync(IReadOnlyList<string>? requested, List<FieldError> errors, CancellationToken ct)
    {
        if (requested is null || requested.Count == 0)
            return;
        var known = (await users.ListGroupsAsync(ct)).Select(g => g.Id).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < requested.Count; i++)
            if (requested[i] is null || !known.Contains(requested[i]))
                errors.Add(new($"groups[{i}]", $"'{requested[i]}' is not a group"));
    }

    private async Task CheckPeopleAsync(string? manager, IReadOnlyList<string>? members, List<FieldError> errors, CancellationToken ct)
    {
        if ((!string.IsNullOrWhiteSpace(manager) || (members?.Count ?? 0) > 0) is false)
            return;
        var known = (await users.ListAsync(ct)).ToDictionary(u => u.Username, StringComparer.OrdinalIgnoreCase);
        if (!string.IsNullOrWhiteSpace(manager) && !(known.TryGetValue(manager.Trim(), out var person) && person.IsActive))
            errors.Add(new("manager", $"'{manager}' is not an active user"));
        for (var i = 0; i < (members?.Count ?? 0); i++)
            if (members![i] is null || !known.ContainsKey(members[i].Trim()))
                errors.Add(new($"members[{i}]", $"'{members[i]}' is not a user"));
    }

    private static string Describe(UserAccount user) =>
        $"display name: {user.DisplayName}; email: {user.Email ?? "-"}; roles: {Join(user.Roles)}; groups: {Join(user.Groups)}";

    private static string Describe(GroupDetails group) =>
        $"name: {group.Name}; manager: {group.Manager ?? "-"}; members: {Join(group.Members)}";

    private static string Join(IReadOnlyList<string> items) => items.Count == 0 ? "-" : string.Join(", ", items);

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    private static string Name(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._@-]*$")]
    private static partial Regex UserNamePattern();

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex GroupIdPattern();
}
