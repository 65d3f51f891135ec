using Dapper;
using ValueStreams.Core.Records;
using ValueStreams.Core.Records.Changes;
using ValueStreams.Data.Runtime;
using ValueStreams.Data.Store;

namespace ValueStreams.Data.Records.Changes;

/// <summary>A change on the schedule: its planned window and the numbers of the changes it clashes with.</summary>
/// <param name="HiddenClashes">
/// The numbers among <paramref name="Clashes"/> of changes the viewer may not see: the clash is real and named, but the
/// clashing change cannot be opened.
/// </param>
public sealed record ScheduledChange(
    string Id, string Number, string Title, string Type, string State, DateTimeOffset PlannedStart, DateTimeOffset PlannedEnd,
    string? ConfigurationItem, string? Service, IReadOnlyList<string> Clashes, IReadOnlyList<string> HiddenClashes);

/// <summary>Another change whose planned window overlaps this one's on the same configuration item or service.</summary>
/// <param name="On"><c>configurationItem</c> or <c>service</c>: what both changes touch (the CI when both match).</param>
/// <summary>
/// A change that clashes with another, and what they share (<c>configurationItem</c> or <c>service</c>). A clash with a
/// change the viewer may not see is <see cref="Hidden"/>: named by number, without its title or window.
/// </summary>
public sealed record ChangeClash(string Number, string? Title, DateTimeOffset? PlannedStart, DateTimeOffset? PlannedEnd, string On, bool Hidden = false);

/// <summary>
/// The change schedule: changes whose planned window falls in a period, and their clashes. Two changes clash when their
/// windows overlap (one starts before the other ends) on the same configuration item or the same service and neither is
/// closed, rejected or cancelled. Windows are timestamps on PostgreSQL and ISO-8601 UTC text of one width on SQLite,
/// so comparing them compares times on both.
/// </summary>
public sealed class ChangeScheduleRepository(ConnectionFactory connections)
{
    private const string Window = "planned_start IS NOT NULL AND planned_end IS NOT NULL";

    private static readonly RecordKindDescriptor Changes = RecordKindCatalogue.Find("change")!.Descriptor;

    /// <summary>The finished states as SQL literals: constants of the kind, never input.</summary>
    private static readonly string Finished = string.Join(", ", ChangeKind.Finished.Select(s => $"'{s}'"));

    /// <summary>The pairs of clashing changes, the first of each pair being one of the changes the filter on <c>a</c> keeps.</summary>
    private static readonly string ClashPairs =
        "FROM changes a JOIN changes b ON b.id <> a.id AND b.planned_start < a.planned_end AND a.planned_start < b.planned_end " +
        "AND ((a.configuration_item IS NOT NULL AND b.configuration_item = a.configuration_item) OR (a.service IS NOT NULL AND b.service = a.service)) " +
        $"AND b.state NOT IN ({Finished}) AND a.state NOT IN ({Finished})";

    /// <summary>
    /// Whether the viewer may see the clashing change <c>b</c>, as a column <c>Seen</c> (1 or 0). The access condition
    /// names the unaliased table, so it is read here in a sub-query over the changes.
    /// </summary>
    private static string ClashSeen(string accessCondition) =>
        $"CASE WHEN b.id IN (SELECT changes.id FROM changes WHERE {accessCondition}) THEN 1 ELSE 0 END AS Seen";

    /// <summary>
    /// The changes planned in [from, to) that the viewer may see (<see cref="RecordAccess"/>), earliest first, each with
    /// the changes it clashes with; rejected and cancelled changes are left out. A clash with a change the viewer may not
    /// see is still named, by number only, so that nobody schedules into it unawares.
    /// </summary>
    public async Task<IReadOnlyList<ScheduledChange>> ScheduleAsync(DateTimeOffset from, DateTimeOffset to, Viewer viewer, CancellationToken ct = default)
    {
        var parameters = new DynamicParameters(new { from, to });
        var seen = RecordAccess.Condition(Changes, viewer, parameters);
        await using var connection = await connections.OpenAsync(ct);
        var rows = (await connection.QueryAsync<ScheduleRow>(new CommandDefinition(
            "SELECT id AS Id, number AS Number, title AS Title, change_type AS Type, state AS State, planned_start AS PlannedStart, " +
            "planned_end AS PlannedEnd, configuration_item AS ConfigurationItem, service AS Service FROM changes " +
            $"WHERE {Window} AND planned_start < @to AND planned_end > @from AND state NOT IN ('rejected', 'cancelled') AND {seen} " +
            "ORDER BY planned_start, number",
            parameters, cancellationToken: ct))).ToList();
        var clashes = (await connection.QueryAsync<ClashNameRow>(new CommandDefinition(
            $"SELECT a.id AS Id, b.number AS Number, {ClashSeen(seen)} " +
            $"{ClashPairs} AND a.planned_start < @to AND a.planned_end > @from ORDER BY b.number",
            parameters, cancellationToken: ct))).ToLookup(c => c.Id);
        return rows.Select(r => new ScheduledChange(r.Id, r.Number, r.Title, r.Type, r.State, r.PlannedStart, r.PlannedEnd,
            r.ConfigurationItem, r.Service, clashes[r.Id].Select(c => c.Number).Distinct().ToList(),
            clashes[r.Id].Where(c => c.Seen == 0).Select(c => c.Number).Distinct().ToList())).ToList();
    }

    /// <summary>
    /// The changes that clash with one change (by id or number) the viewer may see, earliest first; null when there is
    /// no such change. A clashing change the viewer may not see is named by its number only (<see cref="ChangeClash.Hidden"/>).
    /// </summary>
    public async Task<IReadOnlyList<ChangeClash>?> ClashesAsync(string idOrNumber, Viewer viewer, CancellationToken ct = default)
    {
        var parameters = new DynamicParameters(new { idOrNumber, number = idOrNumber.ToUpperInvariant() });
        var seen = RecordAccess.Condition(Changes, viewer, parameters);
        await using var connection = await connections.OpenAsync(ct);
        var id = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            $"SELECT id FROM changes WHERE (id = @idOrNumber OR number = @number) AND {seen}", parameters, cancellationToken: ct));
        if (id is null)
            return null;
        parameters.Add("id", id);
        var clashes = await connection.QueryAsync<ClashRow>(new CommandDefinition(
            "SELECT b.number AS Number, b.title AS Title, b.planned_start AS PlannedStart, b.planned_end AS PlannedEnd, " +
            "CASE WHEN a.configuration_item IS NOT NULL AND b.configuration_item = a.configuration_item THEN 'configurationItem' ELSE 'service' END AS \"On\", " +
            $"{ClashSeen(seen)} " +
            $"{ClashPairs} AND a.id = @id ORDER BY b.planned_start, b.number",
            parameters, cancellationToken: ct));
        return clashes.Select(c => c.Seen == 1
            ? new ChangeClash(c.Number, c.Title, c.PlannedStart, c.PlannedEnd, c.On)
            : new ChangeClash(c.Number, null, null, null, c.On, Hidden: true)).ToList();
    }

    private sealed class ClashRow
    {
        public string Number { get; init; } = "";
        public string Title { get; init; } = "";
        public DateTimeOffset PlannedStart { get; init; }
        public DateTimeOffset PlannedEnd { get; init; }
        public string On { get; init; } = "";
        public long Seen { get; init; }
    }

    private sealed class ClashNameRow
    {
        public string Id { get; init; } = "";
        public string Number { get; init; } = "";
        public long Seen { get; init; }
    }

    private sealed class ScheduleRow
    {
        public string Id { get; init; } = "";
        public string Number { get; init; } = "";
        public string Title { get; init; } = "";
        public string Type { get; init; } = "";
        public string State { get; init; } = "";
        public DateTimeOffset PlannedStart { get; init; }
        public DateTimeOffset PlannedEnd { get; init; }
        public string? ConfigurationItem { get; init; }
        public string? Service { get; init; }
    }
}
