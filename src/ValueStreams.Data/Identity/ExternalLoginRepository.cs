using Dapper;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Store;

namespace ValueStreams.Data.Identity;

/// <summary>
/// Links between an identity provider's users (issuer and subject) and local users, and the roles and groups
/// those users get from the provider at each sign-in.
/// </summary>
public sealed class ExternalLoginRepository(ConnectionFactory connections, TimeProvider clock)
{
    private const string LinkedUsername =
        "SELECT u.username FROM external_logins e JOIN users u ON u.id = e.user_id WHERE e.issuer = @issuer AND e.subject = @subject";

    /// <summary>The user name of the local user linked to the provider's subject, if any.</summary>
    public async Task<string?> FindUsernameAsync(string issuer, string subject, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<string?>(new CommandDefinition(LinkedUsername,
            new { issuer, subject }, cancellationToken: cancellationToken));
    }

    /// <summary>Whether the user is already linked to some subject of the issuer.</summary>
    public async Task<bool> IsLinkedAsync(string issuer, string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM external_logins WHERE issuer = @issuer AND user_id = @userId",
            new { issuer, userId }, cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>
    /// Links the subject to the user unless the subject is linked already; returns the user name of the user the
    /// subject is linked to afterwards, which is another one when a concurrent first sign-in linked it first.
    /// </summary>
    public async Task<string> LinkAsync(string issuer, string subject, string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO external_logins (issuer, subject, user_id, linked_at) VALUES (@issuer, @subject, @userId, @linkedAt)
            ON CONFLICT (issuer, subject) DO NOTHING
            """,
            new { issuer, subject, userId, linkedAt = clock.GetUtcNow() }, cancellationToken: cancellationToken));
        return await connection.QuerySingleAsync<string>(new CommandDefinition(LinkedUsername,
            new { issuer, subject }, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Replaces the user's roles and group memberships in one transaction, creating groups that do not exist yet
    /// (named after their id), so that what the provider says is what the user holds. Two sign-ins of the same user
    /// at once both end with the same rows.
    /// </summary>
    public async Task ReplaceRolesAndGroupsAsync(string userId, IReadOnlyCollection<string> roles, IReadOnlyCollection<string> groups,
        CancellationToken cancellationToken = default)
    {
        if (roles.FirstOrDefault(r => !Roles.IsKnown(r)) is { } unknown)
            throw new ArgumentException($"Unknown role '{unknown}'.", nameof(roles));

        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM user_roles WHERE user_id = @userId", new { userId }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM group_members WHERE user_id = @userId", new { userId }, transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO user_roles (user_id, role) VALUES (@userId, @role) ON CONFLICT DO NOTHING",
            roles.Distinct().Select(role => new { userId, role }), transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO user_groups (id, name) VALUES (@group, @group) ON CONFLICT (id) DO NOTHING",
            groups.Distinct().Select(group => new { group }), transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO group_members (group_id, user_id) VALUES (@group, @userId) ON CONFLICT DO NOTHING",
            groups.Distinct().Select(group => new { group, userId }), transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }
}
