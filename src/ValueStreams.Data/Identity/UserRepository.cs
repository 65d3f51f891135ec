using Dapper;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Store;

namespace ValueStreams.Data.Identity;

/// <summary>Users, their roles and group memberships. Usernames are unique regardless of case.</summary>
public sealed class UserRepository(ConnectionFactory connections, TimeProvider clock)
{
    /// <summary>A user with the hash needed to check a password.</summary>
    public sealed record Credentials(UserAccount User, string PasswordHash);

    public async Task<Credentials?> FindCredentialsAsync(string username, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<UserRow>(new CommandDefinition(
            """
            SELECT id, username, display_name AS DisplayName, email, password_hash AS PasswordHash, created_at AS CreatedAt
            FROM users WHERE normalized_username = @normalized
            """,
            new { normalized = Normalize(username) }, cancellationToken: cancellationToken));
        if (row is null)
            return null;
        var user = await CompleteAsync(connection, row, cancellationToken);
        return new Credentials(user, row.PasswordHash);
    }

    public async Task<UserAccount?> FindAsync(string username, CancellationToken cancellationToken = default) =>
        (await FindCredentialsAsync(username, cancellationToken))?.User;

    public async Task<IReadOnlyList<UserAccount>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<UserRow>(new CommandDefinition(
            """
            SELECT id, username, display_name AS DisplayName, email, password_hash AS PasswordHash, created_at AS CreatedAt
            FROM users ORDER BY normalized_username
            """, cancellationToken: cancellationToken));
        // Three queries for the whole directory, not two more per user.
        var roles = (await connection.QueryAsync<(string UserId, string Role)>(new CommandDefinition(
            "SELECT user_id, role FROM user_roles ORDER BY role", cancellationToken: cancellationToken))).ToLookup(r => r.UserId, r => r.Role);
        var groups = (await connection.QueryAsync<(string UserId, string GroupId)>(new CommandDefinition(
            "SELECT user_id, group_id FROM group_members ORDER BY group_id", cancellationToken: cancellationToken))).ToLookup(g => g.UserId, g => g.GroupId);
        return rows.Select(row => new UserAccount(row.Id, row.Username, row.DisplayName, row.Email, roles[row.Id].ToList(), groups[row.Id].ToList(), row.CreatedAt))
            .ToList();
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

    public async Task<bool> SetPasswordHashAsync(string userId, string passwordHash, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE users SET password_hash = @passwordHash WHERE id = @userId",
            new { userId, passwordHash }, cancellationToken: cancellationToken));
        return changed == 1;
    }

    private static string Normalize(string username) => username.Trim().ToLowerInvariant();

    private static async Task<UserAccount> CompleteAsync(System.Data.Common.DbConnection connection, UserRow row, CancellationToken cancellationToken)
    {
        var roles = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT role FROM user_roles WHERE user_id = @id ORDER BY role", new { id = row.Id }, cancellationToken: cancellationToken));
        var groups = await connection.QueryAsync<string>(new CommandDefinition(
            "SELECT group_id FROM group_members WHERE user_id = @id ORDER BY group_id", new { id = row.Id }, cancellationToken: cancellationToken));
        return new UserAccount(row.Id, row.Username, row.DisplayName, row.Email, roles.ToList(), groups.ToList(), row.CreatedAt);
    }

    private sealed class UserRow
    {
        public string Id { get; init; } = "";
        public string Username { get; init; } = "";
        public string DisplayName { get; init; } = "";
        public string? Email { get; init; }
        public string PasswordHash { get; init; } = "";
        public DateTimeOffset CreatedAt { get; init; }
    }
}
