using System.Data.Common;
using Dapper;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Storage;

namespace ValueStreams.Data.Records;

/// <summary>
/// Hands out readable record numbers, one counter per kind. On PostgreSQL each number is taken in a short transaction of
/// its own, so a long write (a new incident that starts its stream) does not hold the kind's counter and make every
/// other writer of the kind wait; a number whose write then rolls back is skipped, as numbers in most service desks are.
/// SQLite has one writer at a time, so there the number is taken in the writing transaction.
/// </summary>
public sealed class RecordNumbers(ConnectionFactory connections)
{
    internal async Task<long> NextAsync(DbConnection connection, DbTransaction transaction, string kind, CancellationToken ct = default)
    {
        if (connections.Provider != StorageProvider.PostgreSql)
            return await NextInAsync(connection, transaction, kind, ct);
        await using var own = await connections.OpenAsync(ct);
        return await NextInAsync(own, null, kind, ct);
    }

    /// <summary>Takes the kind's next number in the given transaction (or on its own, without one).</summary>
    internal static Task<long> NextInAsync(DbConnection connection, DbTransaction? transaction, string kind, CancellationToken ct = default) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "INSERT INTO record_numbers (kind, last_number) VALUES (@kind, 1) " +
            "ON CONFLICT (kind) DO UPDATE SET last_number = record_numbers.last_number + 1 RETURNING last_number",
            new { kind }, transaction, cancellationToken: ct));
}
