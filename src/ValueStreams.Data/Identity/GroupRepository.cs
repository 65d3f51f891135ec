using System.Data.Common;
using Dapper;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Store;

namespace ValueStreams.Data.Identity;

/// <summary>Groups as admins manage them: name, manager and members, each named by user name.</summary>
public sealed class GroupRepository(ConnectionFactory connections)
{
    /// <summary>How a group change ended.</summary>
    public enum Change { Done, NotFound, Duplicate }

    public async Task<IReadOnlyList<GroupDetails>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await ReadAsync(connection, null, null, cancellationToken);
    }

    public async Task<GroupDetails?> FindAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return (await ReadAsync(connection, null, id, cancellationToken)).SingleOrDefault();
    }

    /// <summary>Creates a group with its manager and members (existing user names); <see cref="Change.Duplicate"/> when the id is taken.</summary>
    public async Task<Change> CreateAsync(string id, string name, string? manager, IReadOnlyList<string> members, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO user_groups (id, name, manager_id)
            VALUES (@id, @name, (SELECT u.id FROM users u WHERE u.normalized_username = @manager))
            ON CONFLICT (id) DO NOTHING
            """, new { id, name, manager = Normalize(manager) }, transaction, cancellationToken: cancellationToken));
        if (inserted == 0)
            return Change.Duplicate;
        await SetMembersAsync(connection, transaction, id, members, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return Change.Done;
    }

    /// <summary>
    /// Renames a group, sets or clears (empty) its manager, and replaces its members; null leaves a value as it is.
    /// </summary>
    public async Task<Change> UpdateAsync(string id, string? name, string? manager, IReadOnlyList<string>? members, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            """
            UPDATE user_groups SET
                name = COALESCE(@name, name),
                manager_id = CASE WHEN @setManager
                                  THEN (SELECT u.id FROM users u WHERE u.normalized_username = @manager)
                                  ELSE manager_id END
            WHERE id = @id
            """, new { id, name, setManager = manager is not null, manager = Normalize(manager) }, transaction, cancellationToken: cancellationToken));
        if (changed == 0)
            return Change.NotFound;
        if (members is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM group_members WHERE group_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
            await SetMembersAsync(connection, transaction, id, members, cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
        return Change.Done;
    }

    private static Task SetMembersAsync(DbConnection connection, DbTransaction transaction, string id, IReadOnlyList<string> members, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO group_members (group_id, user_id)
            SELECT @id, u.id FROM users u WHERE u.normalized_username = @member
            ON CONFLICT (group_id, user_id) DO NOTHING
            """,
            members.Select(member => new { id, member = Normalize(member) }), transaction, cancellationToken: cancellationToken));

    private static async Task<IReadOnlyList<GroupDetails>> ReadAsync(DbConnection connection, DbTransaction? transaction, string? id, CancellationToken cancellationToken)
    {
        var groups = await connection.QueryAsync<(string Id, string Name, string? Manager)>(new CommandDefinition(
            """
            SELECT g.id, g.name, u.username FROM user_groups g LEFT JOIN users u ON u.id = g.manager_id
            WHERE CAST(@id AS TEXT) IS NULL OR g.id = @id ORDER BY g.id
            """, new { id }, transaction, cancellationToken: cancellationToken));
        var members = (await connection.QueryAsync<(string GroupId, string Username)>(new CommandDefinition(
            """
            SELECT m.group_id, u.username FROM group_members m JOIN users u ON u.id = m.user_id
            WHERE CAST(@id AS TEXT) IS NULL OR m.group_id = @id ORDER BY u.normalized_username
            """, new { id }, transaction, cancellationToken: cancellationToken))).ToLookup(m => m.GroupId, m => m.Username);
        return groups.Select(g => new GroupDetails(g.Id, g.Name, g.Manager, members[g.Id].ToList())).ToList();
    }

    private static string? Normalize(string? username) => username?.Trim().ToLowerInvariant();
}
