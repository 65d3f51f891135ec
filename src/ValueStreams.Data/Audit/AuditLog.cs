using Dapper;
using ValueStreams.Core.Audit;
using ValueStreams.Data.Store;

namespace ValueStreams.Data.Audit;

/// <summary>
/// The audit log: publishes, imports, task completions, admin overrides, admin actions and sign-ins. It only
/// grows: the store's triggers refuse every update and delete of its lines.
/// </summary>
public sealed class AuditLog(ConnectionFactory connections, TimeProvider clock)
{
    public async Task<AuditEntry> RecordAsync(string actor, string action, string? target, string? details = null, CancellationToken cancellationToken = default)
    {
        var entry = new AuditEntry(Guid.CreateVersion7().ToString("N"), clock.GetUtcNow(), actor, action, target, details);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO audit_log (id, at, actor, action, target, details) VALUES (@Id, @At, @Actor, @Action, @Target, @Details)",
            entry, cancellationToken: cancellationToken));
        return entry;
    }

    public async Task<AuditPage> FindAsync(AuditQuery query, CancellationToken cancellationToken = default)
    {
        const string Where =
            """
            WHERE (CAST(@Actor AS TEXT) IS NULL OR actor = @Actor)
              AND (CAST(@Action AS TEXT) IS NULL OR action = @Action)
              AND (@HasFrom = 0 OR at >= @From)
              AND (@HasTo = 0 OR at < @To)
            """;
        var parameters = new
        {
            query.Actor, query.Action,
            HasFrom = query.From is null ? 0 : 1, From = query.From ?? DateTimeOffset.UnixEpoch,
            HasTo = query.To is null ? 0 : 1, To = query.To ?? DateTimeOffset.UnixEpoch,
            query.Offset, query.Limit,
        };
        await using var connection = await connections.OpenAsync(cancellationToken);
        var total = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
            $"SELECT COUNT(*) FROM audit_log {Where}", parameters, cancellationToken: cancellationToken));
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(
            $"""
            SELECT id AS Id, at AS At, actor AS Actor, action AS Action, target AS Target, details AS Details
            FROM audit_log {Where}
            ORDER BY at DESC, id DESC LIMIT @Limit OFFSET @Offset
            """, parameters, cancellationToken: cancellationToken));
        return new AuditPage(rows.Select(r => new AuditEntry(r.Id, r.At, r.Actor, r.Action, r.Target, r.Details)).ToList(),
            total, query.Offset, query.Limit);
    }

    private sealed class AuditRow
    {
        public string Id { get; init; } = "";
        public DateTimeOffset At { get; init; }
        public string Actor { get; init; } = "";
        public string Action { get; init; } = "";
        public string? Target { get; init; }
        public string? Details { get; init; }
    }
}
