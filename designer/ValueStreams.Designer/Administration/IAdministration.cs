using ValueStreams.Core.Audit;
using ValueStreams.Core.Identity;

namespace ValueStreams.Designer.Administration;

/// <summary>
/// The administration pages' back end for the signed-in user of the circuit: users, groups and the audit log
/// (admins), and the user's own password. It follows the same rules as the administration API.
/// </summary>
public interface IAdministration
{
    /// <summary>The shortest password the product accepts.</summary>
    int MinimumPasswordLength { get; }

    Task<IReadOnlyList<UserAccount>> UsersAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<GroupDetails>> GroupsAsync(CancellationToken cancellationToken = default);

    Task<AdminResult> CreateUserAsync(NewUser user, CancellationToken cancellationToken = default);

    Task<AdminResult> UpdateUserAsync(string username, UserChanges changes, CancellationToken cancellationToken = default);

    /// <summary>Sets a user's password; their open sessions end.</summary>
    Task<AdminResult> ResetPasswordAsync(string username, string password, CancellationToken cancellationToken = default);

    Task<AdminResult> CreateGroupAsync(NewGroup group, CancellationToken cancellationToken = default);

    Task<AdminResult> UpdateGroupAsync(string id, GroupChanges changes, CancellationToken cancellationToken = default);

    Task<AuditPage> AuditAsync(AuditQuery query, CancellationToken cancellationToken = default);

    /// <summary>The signed-in user changes their own password, giving the current one.</summary>
    Task<AdminResult> ChangeOwnPasswordAsync(string currentPassword, string newPassword, CancellationToken cancellationToken = default);
}

/// <summary>Done, or why not: a message and, per field (its API path, e.g. <c>roles[0]</c>), what is wrong with it.</summary>
public sealed record AdminResult(bool Succeeded, string? Message, IReadOnlyDictionary<string, string> FieldErrors)
{
    public static AdminResult Ok() => new(true, null, new Dictionary<string, string>());

    /// <summary>The message for a field, or for any of its items (<c>groups[1]</c> counts as <c>groups</c>).</summary>
    public string? For(string field) =>
        FieldErrors.Where(e => e.Key == field || e.Key.StartsWith(field + "[", StringComparison.Ordinal)).Select(e => e.Value).FirstOrDefault();
}
