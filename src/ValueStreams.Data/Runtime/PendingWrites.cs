using System.Collections.Concurrent;
using System.Data.Common;
using System.Reflection;
using Dapper;
using Npgsql;
using ValueStreams.Engine.Storage;

namespace ValueStreams.Data.Runtime;

/// <summary>
/// The writes of a run whose results the run does not read back (inserts, guarded updates), kept in order
/// and sent together: on PostgreSQL as one batch, one round trip, before the run next reads and before it
/// commits. A write may say how many rows it must change; the batch fails when it changes another number,
/// so a guard (such as the instance's revision) still stops the run.
/// </summary>
internal sealed class PendingWrites(DbConnection connection, DbTransaction transaction, StorageProvider provider)
{
    private readonly List<Write> _writes = [];

    /// <param name="parameters">Read when the batch is sent, so a write may take the state of things at that moment.</param>
    public void Add(string sql, Func<object> parameters, int? expectedRows = null, string? whenNotExpected = null) =>
        _writes.Add(new Write(sql, parameters, expectedRows, whenNotExpected));

    public void Add(string sql, object parameters) => Add(sql, () => parameters);

    public async Task FlushAsync()
    {
        if (_writes.Count == 0)
            return;
        var writes = _writes.ToList();
        _writes.Clear();
        if (provider == StorageProvider.PostgreSql)
            await FlushAsBatchAsync(writes);
        else
            foreach (var write in writes)
                Check(write, await connection.ExecuteAsync(new CommandDefinition(write.Sql, write.Parameters(), transaction)));
    }

    private async Task FlushAsBatchAsync(List<Write> writes)
    {
        await using var batch = new NpgsqlBatch((NpgsqlConnection)connection, (NpgsqlTransaction)transaction);
        foreach (var write in writes)
        {
            var command = new NpgsqlBatchCommand(write.Sql);
            foreach (var (name, value) in Values(write.Parameters()))
                command.Parameters.Add(new NpgsqlParameter(name, value switch
                {
                    null => DBNull.Value,
                    DateTimeOffset time => time.ToUniversalTime(),
                    _ => value,
                }));
            batch.BatchCommands.Add(command);
        }
        await batch.ExecuteNonQueryAsync();
        for (var i = 0; i < writes.Count; i++)
            Check(writes[i], batch.BatchCommands[i].RecordsAffected);
    }

    private static void Check(Write write, int changed)
    {
        if (write.ExpectedRows is { } expected && changed != expected)
            throw new InvalidOperationException(write.WhenNotExpected ?? $"A write changed {changed} rows where {expected} were expected.");
    }

    private static IEnumerable<KeyValuePair<string, object?>> Values(object parameters) =>
        parameters is IEnumerable<KeyValuePair<string, object?>> pairs ? pairs : Readers.GetOrAdd(parameters.GetType(), ReaderFor)(parameters);

    /// <summary>Reads the properties of a parameter object (an anonymous type or a record) as name/value pairs.</summary>
    private static readonly ConcurrentDictionary<Type, Func<object, IEnumerable<KeyValuePair<string, object?>>>> Readers = new();

    private static Func<object, IEnumerable<KeyValuePair<string, object?>>> ReaderFor(Type type)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0).ToArray();
        return value => properties.Select(p => new KeyValuePair<string, object?>(p.Name, p.GetValue(value)));
    }

    private sealed record Write(string Sql, Func<object> Parameters, int? ExpectedRows, string? WhenNotExpected);
}
