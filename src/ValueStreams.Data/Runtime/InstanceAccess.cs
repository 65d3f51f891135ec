using Dapper;
using ValueStreams.Data.Store;

namespace ValueStreams.Data.Runtime;

/// <summary>Who is asking: the user's name and groups, and whether the user is an admin.</summary>
public sealed record Viewer(string Username, IReadOnlyList<string> Groups, bool IsAdmin);

/// <summary>
/// Who may see an instance: its variables, journal, work log and tasks, and resume it with an event. That is its
/// starter, the candidates of its tasks (members of a task's group, its assignee or delegate, whoever claimed or
/// completed one) and admins; nobody else, process owners included. The one rule, as a SQL condition for lists
/// and as a check of one instance.
/// </summary>
public sealed class InstanceAccess(ConnectionFactory connections)
{
    /// <summary>
    /// A condition on the instance row aliased <paramref name="instance"/> that holds when the viewer may see it;
    /// adds its parameters (<c>@viewer</c>, <c>@viewerGroup0</c>…) to <paramref name="parameters"/>.
    /// </summary>
    public static string Condition(string instance, Viewer viewer, DynamicParameters parameters)
    {
        if (viewer.IsAdmin)
            return "1 = 1";
        parameters.Add("viewer", viewer.Username);
        // One parameter per group, written out, so the same SQL runs on both stores; only parameter names reach the SQL.
        var groups = new List<string>();
        for (var i = 0; i < viewer.Groups.Count; i++)
        {
            parameters.Add($"viewerGroup{i}", viewer.Groups[i]);
            groups.Add($"@viewerGroup{i}");
        }
        var inGroups = groups.Count == 0 ? "" : $" OR seen.candidate_group IN ({string.Join(", ", groups)})";
        return $"""
            ({instance}.created_by = @viewer OR EXISTS (
                SELECT 1 FROM tasks seen WHERE seen.instance_id = {instance}.id
                AND (seen.assignee = @viewer OR seen.claimed_by = @viewer OR seen.completed_by = @viewer{inGroups})))
            """;
    }

    /// <summary>True when the instance exists and the viewer may see it.</summary>
    public async Task<bool> MaySeeAsync(string instanceId, Viewer viewer, CancellationToken cancellationToken = default)
    {
        var parameters = new DynamicParameters(new { instanceId });
        var condition = Condition("i", viewer, parameters);
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            $"SELECT COUNT(*) FROM instances i WHERE i.id = @instanceId AND {condition}", parameters, cancellationToken: cancellationToken)) > 0;
    }
}
