using Dapper;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Store;

namespace ValueStreams.Data.Identity;

/// <summary>Users, their roles and group memberships. Usernames are unique regardless of case.</summary>
public sealed class UserRepository(ConnectionFactory connections, TimeProvider clock)
{
    /// <summary>A user with the hash needed to check a password.</summary>
    public sealed record Credentials(UserAccount User, string PasswordHash, string SecurityStamp);

    public async Task<Credentials?> FindCredentialsAsync(string username, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            """
            SELECT id, username, display_name AS DisplayName, email, password_hash AS PasswordHash, created_at AS CreatedAt,
                   deactivated_at AS DeactivatedAt, security_stamp AS SecurityStamp
            FROM users WHERE normalized_username = @normalized
            """,
            new { normalized = Normalize(username) }, cancellationToken: cancellationToken));
        if (row is null)
            return null;
        var user = await CompleteAsync(connection, row, cancellationToken);
        return new Credentials(user, row.PasswordHash, row.SecurityStamp);
    }

    public async Task<UserAccount?> FindAsync(string username, CancellationToken cancellationToken = default) =>
        (await FindCredentialsAsync(username, cancellationToken))?.User;

    public async Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<UserRow>(new CommandDefinition(
            """
            SELECT id, username, display_name AS DisplayName, email, password_hash AS PasswordHash, created_at AS CreatedAt,
                   deactivated_at AS DeactivatedAt, security_stamp AS SecurityStamp
            FROM users ORDER BY normalized_username
            """, cancellationToken: cancellationToken));
        // Three queries for the whole directory, not two more per user.
        var roles = (await connection.QueryAsync<(string UserId, string Role)>(new CommandDefinition(
            "SELECT user_id, role FROM user_roles ORDER BY role", cancellationToken: cancellationToken))).ToLookup(r => r.UserId, r => r.Role);
        var groups = (await connection.QueryAsync<(string UserId, string GroupId)>(new CommandDefinition(
            "SELECT user_id, group_id FROM group_members ORDER BY group_id", cancellationToken: cancellationToken))).ToLookup(g => g.UserId, g => g.GroupId);
        return rows.Select(row => row.ToAccount(roles[row.Id].ToList(), groups[row.Id].ToList())).ToList();
    }

    /// <summary>User names and email addresses of a group's members.</summary>
    public async Task<IReadOnlyList<(string Username, string? Email)>> MembersOfAsync(string groupId, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<(string, string?)>(new CommandDefinition(
            """
            SELECT u.username, u.email FROM users u JOIN group_members m ON m.user_id = u.id
            WHERE m.group_id = @groupId ORDER BY u.normalized_username
            """, new { groupId }, cancellationToken: cancellationToken));
        return rows.ToList();
    }

    public async Task<IReadOnlyList<UserGroup>> ListGroupsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var groups = await connection.QueryAsync<UserGroup>(new CommandDefinition(
            "SELECT id, name FROM user_groups ORDER BY id", cancellationToken: cancellationToken));
        return groups.ToList();
    }

    /// <summary>Creates a group, or leaves an existing one as it is.</summary>
    public async Task EnsureGroupAsync(UserGroup group, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO user_groups (id, name) VALUES (@Id, @Name) ON CONFLICT (id) DO NOTHING",
            group, cancellationToken: cancellationToken));
    }

    /// <summary>
    /// Creates a user with roles and groups in one transaction. Returns null when the username is taken.
    /// Groups must exist.
    /// </summary>
    public async Task<UserAccount?> CreateAsync(
        string username, string displayName, string? email, string passwordHash,
        IReadOnlyList<string> roles, IReadOnlyList<string> groups, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(username))
            throw new ArgumentException("A username is required.", nameof(username));
        if (roles.FirstOrDefault(r => !Roles.IsKnown(r)) is { } unknown)
            throw new ArgumentException($"Unknown role '{unknown}'.", nameof(roles));

        var user = new UserAccount(Guid.CreateVersion7().ToString("N"), username.Trim(), displayName, email,
            roles.Distinct().Order(StringComparer.Ordinal).ToList(), groups.Distinct().Order(StringComparer.Ordinal).ToList(),
            clock.GetUtcNow());

        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO users (id, username, normalized_username, display_name, email, password_hash, created_at)
            VALUES (@Id, @Username, @Normalized, @DisplayName, @Email, @PasswordHash, @CreatedAt)
            ON CONFLICT (normalized_username) DO NOTHING
            """,
            new { user.Id, user.Username, Normalized = Normalize(user.Username), user.DisplayName, user.Email, PasswordHash = passwordHash, user.CreatedAt },
            transaction, cancellationToken: cancellationToken));
        if (inserted == 0)
            return null;

        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO user_roles (user_id, role) VALUES (@UserId, @Role)",
            user.Roles.Select(role => new { UserId = user.Id, Role = role }), transaction, cancellationToken: cancellationToken));
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO group_members (group_id, user_id) VALUES (@GroupId, @UserId)",
            user.Groups.Select(group => new { GroupId = group, UserId = user.Id }), transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return user;
    }

    /// <summary>Stores a new password hash; <paramref name="endSessions"/> also ends every session the user has open.</summary>
    public async Task<bool> SetPasswordHashAsync(string userId, string passwordHash, bool endSessions = false, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE users SET password_hash = @passwordHash,
                             security_stamp = CASE WHEN @endSessions THEN @stamp ELSE security_stamp END
            WHERE id = @userId
            """,
            new { userId, passwordHash, endSessions, stamp = NewStamp() }, cancellationToken: cancellationToken));
        return changed == 1;
    }

    /// <summary>
    /// The user behind a session, as the store has them now (roles, groups, active or not), with the stamp the
    /// session must carry; null when the user no longer exists. One round trip.
    /// </summary>
    public async Task<(UserAccount User, string SecurityStamp)?> FindSessionUserAsync(string userId, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(
            """
            SELECT id, username, display_name AS DisplayName, email, password_hash AS PasswordHash, created_at AS CreatedAt,
                   deactivated_at AS DeactivatedAt, security_stamp AS SecurityStamp
            FROM users WHERE id = @userId;
            SELECT role FROM user_roles WHERE user_id = @userId ORDER BY role;
            SELECT group_id FROM group_members WHERE user_id = @userId ORDER BY group_id;
            """, new { userId }, cancellationToken: cancellationToken));
        var row = await results.ReadSingleOrDefaultAsync<UserRow>();
        var roles = (await results.ReadAsync<string>()).ToList();
        var groups = (await results.ReadAsync<string>()).ToList();
        return row is null ? null : (row.ToAccount(roles, groups), row.SecurityStamp);
    }

    /// <summary>
    /// Changes a user's display name, email, roles or groups (null leaves a value as it is) in one transaction.
    /// Changing roles or groups takes effect on the user's next request. Returns null for an unknown user.
    /// </summary>
    public async Task<UserAccount?> UpdateAsync(string username, string? displayName, string? email,
        IReadOnlyList<string>? roles, IReadOnlyList<string>? groups, CancellationToken cancellationToken = default)
    {
        if (roles?.FirstOrDefault(r => !Roles.IsKnown(r)) is { } unknown)
            throw new ArgumentException($"Unknown role '{unknown}'.", nameof(roles));
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var id = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT id FROM users WHERE normalized_username = @normalized", new { normalized = Normalize(username) }, transaction, cancellationToken: cancellationToken));
        if (id is null)
            return null;
        await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE users SET display_name = COALESCE(@displayName, display_name),
                             email = CASE WHEN @setEmail THEN @email ELSE email END
            WHERE id = @id
            """,
            new { id, displayName, setEmail = email is not null, email = string.IsNullOrWhiteSpace(email) ? null : email.Trim() },
            transaction, cancellationToken: cancellationToken));
        if (roles is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM user_roles WHERE user_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition("INSERT INTO user_roles (user_id, role) VALUES (@id, @role)",
                roles.Distinct().Select(role => new { id, role }), transaction, cancellationToken: cancellationToken));
        }
        if (groups is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM group_members WHERE user_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition("INSERT INTO group_members (group_id, user_id) VALUES (@group, @id)",
                groups.Distinct().Select(group => new { group, id }), transaction, cancellationToken: cancellationToken));
        }
        await transaction.CommitAsync(cancellationToken);
        return await FindAsync(username, cancellationToken);
    }

    /// <summary>Deactivates a user (ending their sessions) or activates them again; false for an unknown user.</summary>
    public async Task<bool> SetActiveAsync(string userId, bool active, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            active
                ? "UPDATE users SET deactivated_at = NULL WHERE id = @userId"
                : "UPDATE users SET deactivated_at = COALESCE(deactivated_at, @now), security_stamp = @stamp WHERE id = @userId",
            new { userId, now = clock.GetUtcNow(), stamp = NewStamp() }, cancellationToken: cancellationToken));
        return changed == 1;
    }

    /// <summary>How many active users hold the admin role.</summary>
    public async Task<int> CountActiveAdminsAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            "SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = 'admin' AND u.deactivated_at IS NULL",
            cancellationToken: cancellationToken));
    }

    private static string NewStamp() => Guid.NewGuid().ToString("N");

    private static string Normalize(string username) => username.Trim().ToLowerInvariant();

    private static async Task<UserAccount> CompleteAsync(System.Data.Common.DbConnection connection, UserRow row, CancellationToken cancellationToken)
    {
        var roles = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT role FROM user_roles WHERE user_id = @id ORDER BY role", new { id = row.Id }, cancellationToken: cancellationToken));
        var groups = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT group_id FROM group_members WHERE user_id = @id ORDER BY group_id", new { id = row.Id }, cancellationToken: cancellationToken));
        return row.ToAccount(roles.ToList(), groups.ToList());
    }

    private sealed class UserRow
    {
        public string Id { get; init; } = "";
        public string Username { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public string? Email { get; init; }
        public string PasswordHash { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
        public DateTimeOffset? DeactivatedAt { get; init; }
        public string SecurityStamp { get; init; } = "";

        public UserAccount ToAccount(IReadOnlyList<string> roles, IReadOnlyList<string> groups) =>
            new(Id, Username, DisplayName, Email, roles, groups, CreatedAt) { DeactivatedAt = DeactivatedAt };
    }
}
