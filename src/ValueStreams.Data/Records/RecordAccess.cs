using Dapper;
using ValueStreams.Core.Records;
using ValueStreams.Data.Runtime;

namespace ValueStreams.Data.Records;

/// <summary>
/// Who may see and work a record, decided here for every kind, list and page. Admins see every record. A kind with an
/// assignment group is worked by its group: an agent sees such a record when it is assigned to one of the agent's
/// groups, names the agent in one of its people fields (caller, assignee, requested for…), was created by the agent, is
/// worked by a value stream instance the agent may see (<see cref="InstanceAccess"/>), or has no group yet (the triage
/// queue every agent shares). Records of kinds without an assignment group (configuration
/// items, releases, knowledge…) are seen by every agent. Catalogue kinds are read by everyone who may read records and
/// changed by admins only. Streams act with their own authority and are not held by this rule.
/// </summary>
public static class RecordAccess
{
    /// <summary>The field that names the group that works a record.</summary>
    public const string GroupField = "assignmentGroup";

    /// <summary>True when records of the kind are seen by their group only (and the people they name).</summary>
    public static bool IsGroupWorked(RecordKindDescriptor d) => d.Field(GroupField) is { Type: RecordFieldType.Group };

    /// <summary>True when the viewer may create or change records of the kind at all (catalogues are for admins).</summary>
    public static bool MayChangeKind(RecordKindDescriptor d, Viewer viewer) => !d.Catalogue || viewer.IsAdmin;

    /// <summary>
    /// A condition on the kind's table (unaliased) that holds when the viewer may see the row; adds its parameters
    /// (<c>@accessViewer</c>, <c>@accessGroup0</c>…) to <paramref name="parameters"/>. Only column names from the
    /// descriptor and parameter names reach the SQL.
    /// </summary>
    public static string Condition(RecordKindDescriptor d, Viewer viewer, DynamicParameters parameters)
    {
        if (viewer.IsAdmin || !IsGroupWorked(d))
            return "1 = 1";
        parameters.Add("accessViewer", viewer.Username);
        var group = d.Field(GroupField)!.Column;
        var terms = new List<string> { $"{group} IS NULL", "created_by = @accessViewer" };
        terms.AddRange(d.Fields.Where(f => f.Type == RecordFieldType.User).Select(f => $"{f.Column} = @accessViewer"));
        if (viewer.Groups.Count > 0)
        {
            var names = new List<string>();
            for (var i = 0; i < viewer.Groups.Count; i++)
            {
                parameters.Add($"accessGroup{i}", viewer.Groups[i]);
                names.Add($"@accessGroup{i}");
            }
            terms.Add($"{group} IN ({string.Join(", ", names)})");
        }
        // Whoever may see a value stream instance that works on the record sees the record too.
        parameters.Add("accessKind", d.Name);
        terms.Add($"""
            EXISTS (SELECT 1 FROM record_instances worked JOIN instances i ON i.id = worked.instance_id
                WHERE worked.record_kind = @accessKind AND worked.record_id = {d.Table}.id AND {InstanceAccess.Condition("i", viewer, parameters)})
            """);
        return "(" + string.Join(" OR ", terms) + ")";
    }
}
