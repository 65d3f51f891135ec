using System.Security.Claims;
using Microsoft.AspNetCore.Components.Authorization;
using ValueStreams.Core.Audit;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Audit;
using ValueStreams.Data.Identity;
using ValueStreams.Designer.Administration;
using ValueStreams.Host.Features.Auth;

namespace ValueStreams.Host.Features.Administration;

/// <summary>
/// The administration pages' back end: reads users, groups and the audit log, and acts through
/// <see cref="PeopleAdministration"/>, the rules the administration API follows too. Admin reads and changes
/// are refused to anyone who is not an admin, whatever page asks.
/// </summary>
public sealed class AdministrationAdapter(
    PeopleAdministration admin, UserRepository users, GroupRepository groups, AuditLog audit, AuthOptions options,
    AuthenticationStateProvider authentication) : IAdministration
{
    public int MinimumPasswordLength => options.MinimumPasswordLength;

    public async Task<IReadOnlyList<UserAccount>> UsersAsync(CancellationToken cancellationToken = default)
    {
        await AdminAsync();
        return await users.ListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<GroupDetails>> GroupsAsync(CancellationToken cancellationToken = default)
    {
        await AdminAsync();
        return await groups.ListAsync(cancellationToken);
    }

    public async Task<AdminResult> CreateUserAsync(NewUser user, CancellationToken cancellationToken = default) =>
        ToResult(await admin.CreateUserAsync(user, await AdminAsync(), cancellationToken));

    public async Task<AdminResult> UpdateUserAsync(string username, UserChanges changes, CancellationToken cancellationToken = default) =>
        ToResult(await admin.UpdateUserAsync(username, changes, await AdminAsync(), cancellationToken));

    public async Task<AdminResult> ResetPasswordAsync(string username, string password, CancellationToken cancellationToken = default) =>
        ToResult(await admin.ResetPasswordAsync(username, password, await AdminAsync(), cancellationToken));

    public async Task<AdminResult> CreateGroupAsync(NewGroup group, CancellationToken cancellationToken = default) =>
        ToResult(await admin.CreateGroupAsync(group, await AdminAsync(), cancellationToken));

    public async Task<AdminResult> UpdateGroupAsync(string id, GroupChanges changes, CancellationToken cancellationToken = default) =>
        ToResult(await admin.UpdateGroupAsync(id, changes, await AdminAsync(), cancellationToken));

    public async Task<AuditPage> AuditAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        await AdminAsync();
        return await audit.FindAsync(query with
        {
            Offset = Math.Max(0, query.Offset),
            Limit = Math.Clamp(query.Limit, 1, AdministrationEndpoints.MaxAuditPage),
        }, cancellationToken);
    }

    public async Task<AdminResult> ChangeOwnPasswordAsync(string currentPassword, string newPassword, CancellationToken cancellationToken = default) =>
        ToResult(await admin.ChangeOwnPasswordAsync(currentPassword, newPassword, (await authentication.GetAuthenticationStateAsync()).User, cancellationToken));

    private async Task<ClaimsPrincipal> AdminAsync()
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        return user.IsInRole(Roles.Admin) ? user : throw new UnauthorizedAccessException("Only admins manage users, groups and the audit log.");
    }

    private static AdminResult ToResult(AdminCommandResult result)
    {
        if (result.Succeeded)
            return AdminResult.Ok();
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var error in result.Errors ?? [])
            fields.TryAdd(error.Path, error.Message);
        return new AdminResult(false, result.Message, fields);
    }
}
