using System.Data.Common;
using System.Text.Json.Nodes;
using Dapper;
using ValueStreams.Core.Records;
using ValueStreams.Core.ServiceLevels;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Data.ServiceLevels;

/// <summary>A calendar or policy as stored: its definition as written, its revision (the ETag) and its last change.</summary>
public sealed record StoredServiceLevel(string Id, string Name, JsonObject Definition, int Revision, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>What became of a change to a calendar or policy.</summary>
public abstract record ServiceLevelWrite
{
    public sealed record Saved(StoredServiceLevel Document) : ServiceLevelWrite;
    public sealed record Deleted : ServiceLevelWrite;
    public sealed record Invalid(IReadOnlyList<ServiceLevelError> Errors) : ServiceLevelWrite;
    public sealed record Stale(int Revision) : ServiceLevelWrite;
    public sealed record NotFound : ServiceLevelWrite;

    /// <summary>The change would leave the calendars and policies inconsistent (an id taken, a calendar in use).</summary>
    public sealed record Conflict(string Message) : ServiceLevelWrite;
}

/// <summary>
/// Business calendars and service level policies kept by admins, each a checked definition in its own row. The shipped
/// ones (<see cref="ServiceLevelCatalogue"/>) seed an empty store and stand in while no policy is stored; a policy's
/// calendars must exist, and a calendar a policy uses cannot be removed.
/// </summary>
public sealed class ServiceLevelRepository(ConnectionFactory connections, TimeProvider clock) : IServiceLevelPolicies
{
    public const int MaxDocuments = 500;

    /// <summary>What a policy may apply to: a record kind, or human tasks whose step names it.</summary>
    public static IReadOnlyList<string> PolicyKinds { get; } =
        [.. RecordKindCatalogue.All.Where(k => !k.Descriptor.Catalogue).Select(k => k.Descriptor.Name), ServiceLevelPolicy.HumanTasks];

    private static string Table(ServiceLevelDocument document) => document == ServiceLevelDocument.Calendar ? "sla_calendars" : "sla_policies";

    public async Task<IReadOnlyList<StoredServiceLevel>> ListAsync(ServiceLevelDocument document, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await ListAsync(connection, null, document, ct);
    }

    public async Task<StoredServiceLevel?> GetAsync(ServiceLevelDocument document, string id, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await GetAsync(connection, null, document, id, ct);
    }

    /// <summary>The calendars and policies in force: the stored ones, or the shipped ones while no policy is stored.</summary>
    public async Task<ServiceLevelSet> CurrentAsync(CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        return await CurrentAsync(connection, null, ct);
    }

    /// <summary>The stages of a record's clocks' warning ladders (the caller has checked that the viewer may see the record).</summary>
    public async Task<IReadOnlyList<ClockStage>> StagesAsync(string kind, string recordId, CancellationToken ct = default) =>
        await ThresholdPlans.StagesAsync(connections, await CurrentAsync(ct), kind, recordId, ct);

    /// <summary>
    /// The calendars and policies in force, read in the caller's transaction (one statement). Building the set parses every
    /// definition, so the set last built is kept with the definitions it was built from and reused while they read the same.
    /// </summary>
    internal static async Task<ServiceLevelSet> CurrentAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct = default)
    {
        var stored = (await connection.QueryAsync<StoredDefinition>(new CommandDefinition(
            $"""
            SELECT document AS Document, definition AS Definition FROM (
                SELECT * FROM (SELECT 'calendar' AS document, id, definition FROM sla_calendars ORDER BY id LIMIT {MaxDocuments}) c
                UNION ALL
                SELECT * FROM (SELECT 'policy' AS document, id, definition FROM sla_policies ORDER BY id LIMIT {MaxDocuments}) p) d
            ORDER BY document, id
            """, transaction: transaction, cancellationToken: ct))).ToList();
        var calendarDefinitions = stored.Where(d => d.Document == "calendar").Select(d => d.Definition).ToArray();
        var policyDefinitions = stored.Where(d => d.Document == "policy").Select(d => d.Definition).ToArray();
        if (policyDefinitions.Length == 0)
            return ServiceLevelCatalogue.Set;
        if (_lastBuilt is { } built && built.Calendars.SequenceEqual(calendarDefinitions, StringComparer.Ordinal)
            && built.Policies.SequenceEqual(policyDefinitions, StringComparer.Ordinal))
            return built.Set;
        var calendars = calendarDefinitions.Select(d => BusinessCalendarReader.Read(JsonNode.Parse(d)!.AsObject()).Calendar).OfType<BusinessCalendar>().ToList();
        var ids = calendars.Select(c => c.Id).Append(BusinessCalendar.AlwaysOpen.Id).ToHashSet(StringComparer.Ordinal);
        var set = new ServiceLevelSet(calendars, policyDefinitions.Select(d => ServiceLevelPolicy.Read(JsonNode.Parse(d)!.AsObject(), ids).Policy).OfType<ServiceLevelPolicy>());
        _lastBuilt = new BuiltSet(calendarDefinitions, policyDefinitions, set);
        return set;
    }

    private sealed record BuiltSet(string[] Calendars, string[] Policies, ServiceLevelSet Set);

    private static volatile BuiltSet? _lastBuilt;

    private sealed class StoredDefinition
    {
        public string Document { get; init; } = "";
        public string Definition { get; init; } = "";
    }

    /// <summary>Stores the shipped calendars and policies when none are stored (a new store, or one whose admins removed them all).</summary>
    public async Task SeedIfEmptyAsync(CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var stored = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT (SELECT COUNT(*) FROM sla_calendars) + (SELECT COUNT(*) FROM sla_policies)", transaction: transaction, cancellationToken: ct));
        if (stored > 0)
            return;
        foreach (var calendar in ServiceLevelCatalogue.Calendars.Values.Where(c => c.Id != BusinessCalendar.AlwaysOpen.Id))
            await InsertAsync(connection, transaction, ServiceLevelDocument.Calendar, calendar.Id, calendar.Name, null, BusinessCalendarReader.Write(calendar), "system", ct);
        foreach (var policy in ServiceLevelCatalogue.Policies)
            await InsertAsync(connection, transaction, ServiceLevelDocument.Policy, policy.Id, policy.Name, policy.RecordKind, ServiceLevelPolicy.Write(policy), "system", ct);
        await transaction.CommitAsync(ct);
    }

    public async Task<ServiceLevelWrite> CreateAsync(ServiceLevelDocument document, JsonObject? definition, string actor, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        var (id, name, kind, errors) = await CheckAsync(connection, transaction, document, definition, ct);
        if (errors.Count > 0)
            return new ServiceLevelWrite.Invalid(errors);
        if (await GetAsync(connection, transaction, document, id!, ct) is not null)
            return new ServiceLevelWrite.Conflict($"There is already a {Word(document)} '{id}'.");
        if (await CountAsync(connection, transaction, document, ct) >= MaxDocuments)
            return new ServiceLevelWrite.Conflict($"At most {MaxDocuments} {Word(document)}s are kept.");
        await InsertAsync(connection, transaction, document, id!, name!, kind, definition!, actor, ct);
        var saved = await GetAsync(connection, transaction, document, id!, ct);
        await transaction.CommitAsync(ct);
        return new ServiceLevelWrite.Saved(saved!);
    }

    /// <summary>Replaces the definition when <paramref name="expectedRevision"/> is still the stored one; the id stays.</summary>
    public async Task<ServiceLevelWrite> UpdateAsync(ServiceLevelDocument document, string id, JsonObject? definition, int expectedRevision, string actor,
        CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await GetAsync(connection, transaction, document, id, ct) is not { } stored)
            return new ServiceLevelWrite.NotFound();
        if (definition is not null && definition["id"] is null)
            definition["id"] = id;
        var (newId, name, kind, errors) = await CheckAsync(connection, transaction, document, definition, ct);
        if (newId is not null && newId != id)
            errors = [.. errors, new ServiceLevelError("id", $"The id cannot change; it is '{id}'.")];
        if (errors.Count > 0)
            return new ServiceLevelWrite.Invalid(errors);
        if (stored.Revision != expectedRevision)
            return new ServiceLevelWrite.Stale(stored.Revision);
        var changed = await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE {Table(document)} SET name = @name, definition = @definition, revision = revision + 1, updated_at = @at, updated_by = @actor" +
            (document == ServiceLevelDocument.Policy ? ", record_kind = @kind" : "") +
            " WHERE id = @id AND revision = @expectedRevision",
            new { id, name, kind, definition = definition!.ToJsonString(), at = clock.GetUtcNow(), actor, expectedRevision }, transaction, cancellationToken: ct));
        if (changed == 0)
            return new ServiceLevelWrite.Stale(stored.Revision);
        var saved = await GetAsync(connection, transaction, document, id, ct);
        await transaction.CommitAsync(ct);
        return new ServiceLevelWrite.Saved(saved!);
    }

    /// <summary>Removes a calendar or policy at the expected revision; a calendar a policy still uses stays.</summary>
    public async Task<ServiceLevelWrite> DeleteAsync(ServiceLevelDocument document, string id, int expectedRevision, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        if (await GetAsync(connection, transaction, document, id, ct) is not { } stored)
            return new ServiceLevelWrite.NotFound();
        if (stored.Revision != expectedRevision)
            return new ServiceLevelWrite.Stale(stored.Revision);
        if (document == ServiceLevelDocument.Calendar)
        {
            var users = (await ListAsync(connection, transaction, ServiceLevelDocument.Policy, ct))
                .Where(p => Calendars(p.Definition).Contains(id)).Select(p => p.Id).ToList();
            if (users.Count > 0)
                return new ServiceLevelWrite.Conflict($"The calendar '{id}' is used by {string.Join(", ", users)}; change those policies first.");
        }
        await connection.ExecuteAsync(new CommandDefinition($"DELETE FROM {Table(document)} WHERE id = @id AND revision = @expectedRevision",
            new { id, expectedRevision }, transaction, cancellationToken: ct));
        await transaction.CommitAsync(ct);
        return new ServiceLevelWrite.Deleted();
    }

    /// <summary>Checks a definition as written: its id, name and (for a policy) kind, or every problem by its path.</summary>
    private async Task<(string? Id, string? Name, string? Kind, IReadOnlyList<ServiceLevelError> Errors)> CheckAsync(DbConnection connection,
        DbTransaction transaction, ServiceLevelDocument document, JsonObject? definition, CancellationToken ct)
    {
        if (document == ServiceLevelDocument.Calendar)
        {
            var (calendar, errors) = BusinessCalendarReader.Read(definition);
            return (calendar?.Id ?? Text(definition, "id"), calendar?.Name, null, errors);
        }
        if (definition is null)
            return (null, null, null, [new ServiceLevelError("", "A policy must be a JSON object with id, name, recordKind and clocks.")]);
        var calendars = (await ListAsync(connection, transaction, ServiceLevelDocument.Calendar, ct)).Select(c => c.Id)
            .Append(BusinessCalendar.AlwaysOpen.Id).ToHashSet(StringComparer.Ordinal);
        var (policy, policyErrors) = ServiceLevelPolicy.Read(definition, calendars, PolicyKinds);
        return (policy?.Id ?? Text(definition, "id"), policy?.Name, policy?.RecordKind, [.. policyErrors, .. UnknownStates(policy)]);
    }

    /// <summary>Every state a record policy's clocks name must be a state of its kind, so a misspelt state is not silently never reached.</summary>
    private static IEnumerable<ServiceLevelError> UnknownStates(ServiceLevelPolicy? policy)
    {
        if (policy is null || RecordKindCatalogue.Find(policy.RecordKind) is not { } kind)
            yield break;
        var states = kind.Descriptor.States.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
        for (var i = 0; i < policy.Clocks.Count; i++)
            foreach (var (list, values) in new[] { ("startIn", policy.Clocks[i].StartIn), ("pauseIn", policy.Clocks[i].PauseIn),
                         ("stopIn", policy.Clocks[i].StopIn), ("resetIn", policy.Clocks[i].ResetIn) })
                foreach (var state in values.Where(v => !states.Contains(v)))
                    yield return new ServiceLevelError($"clocks[{i}].{list}",
                        $"'{state}' is not a state of {kind.Descriptor.WithArticle}; its states are {string.Join(", ", states)}.");
    }

    private static string? Text(JsonObject? json, string name) => json?[name] is JsonValue v && v.TryGetValue<string>(out var s) ? s.Trim() : null;

    private static IEnumerable<string> Calendars(JsonObject policy) =>
        new[] { Text(policy, "calendar") }.Concat((policy["clocks"] as JsonArray ?? []).OfType<JsonObject>()
            .SelectMany(c => (c["targets"] as JsonObject ?? []).Select(t => t.Value?["calendar"] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null)))
            .OfType<string>();

    private static string Word(ServiceLevelDocument document) => document == ServiceLevelDocument.Calendar ? "calendar" : "policy";

    private async Task InsertAsync(DbConnection connection, DbTransaction transaction, ServiceLevelDocument document, string id, string name, string? kind,
        JsonObject definition, string actor, CancellationToken ct) =>
        await connection.ExecuteAsync(new CommandDefinition(document == ServiceLevelDocument.Calendar
                ? "INSERT INTO sla_calendars (id, name, definition, revision, updated_at, updated_by) VALUES (@id, @name, @definition, 1, @at, @actor)"
                : "INSERT INTO sla_policies (id, name, record_kind, definition, revision, updated_at, updated_by) VALUES (@id, @name, @kind, @definition, 1, @at, @actor)",
            new { id, name, kind, definition = definition.ToJsonString(), at = clock.GetUtcNow(), actor }, transaction, cancellationToken: ct));

    private static async Task<long> CountAsync(DbConnection connection, DbTransaction transaction, ServiceLevelDocument document, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM {Table(document)}", transaction: transaction, cancellationToken: ct));

    private static async Task<IReadOnlyList<StoredServiceLevel>> ListAsync(DbConnection connection, DbTransaction? transaction, ServiceLevelDocument document,
        CancellationToken ct) =>
        (await connection.QueryAsync<Row>(new CommandDefinition(
            $"{Select} FROM {Table(document)} ORDER BY id LIMIT {MaxDocuments}",
            transaction: transaction, cancellationToken: ct))).Select(r => r.ToStored()).ToList();

    private static async Task<StoredServiceLevel?> GetAsync(DbConnection connection, DbTransaction? transaction, ServiceLevelDocument document, string id,
        CancellationToken ct) =>
        (await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            $"{Select} FROM {Table(document)} WHERE id = @id",
            new { id }, transaction, cancellationToken: ct)))?.ToStored();

    private const string Select = "SELECT id AS Id, name AS Name, definition AS Definition, revision AS Revision, updated_at AS UpdatedAt, updated_by AS UpdatedBy";

    private sealed class Row
    {
        public string Id { get; init; } = "";
        public string Name { get; init; } = "";
        public string Definition { get; init; } = "";
        public int Revision { get; init; }
        public DateTimeOffset UpdatedAt { get; init; }
        public string UpdatedBy { get; init; } = "";

        public StoredServiceLevel ToStored() => new(Id, Name, JsonNode.Parse(Definition)!.AsObject(), Revision, UpdatedAt, UpdatedBy);
    }
}
