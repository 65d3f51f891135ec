using ValueStreams.Engine.Storage;

namespace ValueStreams.Data.Store;

/// <summary>
/// Where PostgreSQL's and SQLite's SQL differ, in one place: repositories write SQL both accept and ask the dialect
/// for the rest. Only column and parameter names reach these fragments; values stay bound parameters.
/// </summary>
public sealed class SqlDialect
{
    public static readonly SqlDialect PostgreSql = new(StorageProvider.PostgreSql);
    public static readonly SqlDialect Sqlite = new(StorageProvider.Sqlite);

    private SqlDialect(StorageProvider provider) => Provider = provider;

    public static SqlDialect For(StorageProvider provider) => provider == StorageProvider.PostgreSql ? PostgreSql : Sqlite;

    public StorageProvider Provider { get; }

    private bool IsPostgres => Provider == StorageProvider.PostgreSql;

    /// <summary>
    /// A row lock for the rest of the transaction, appended to a SELECT (" FOR UPDATE [OF table]"). SQLite needs none:
    /// its transactions here are IMMEDIATE, so the writer lock is already held.
    /// </summary>
    public string ForUpdate(string? of = null) => !IsPostgres ? "" : of is null ? " FOR UPDATE" : $" FOR UPDATE OF {of}";

    /// <summary>
    /// A statement that takes a lock held until the transaction ends, for work one node at a time may do (a PostgreSQL advisory
    /// lock on the key parameter); null on SQLite, whose IMMEDIATE transactions already hold the writer lock.
    /// </summary>
    public string? TransactionLock(string keyParameter) => IsPostgres ? $"SELECT pg_advisory_xact_lock({keyParameter})" : null;

    /// <summary>A JSON text parameter as the column's JSON type (jsonb on PostgreSQL, text on SQLite).</summary>
    public string Json(string parameter) => IsPostgres ? $"CAST(@{parameter} AS jsonb)" : $"@{parameter}";

    /// <summary>
    /// "column is one of the list parameter": Npgsql takes the list as one array parameter, while Dapper expands it
    /// into separate parameters for SQLite.
    /// </summary>
    public string InList(string column, string parameter) => IsPostgres ? $"{column} = ANY(@{parameter})" : $"{column} IN @{parameter}";

    /// <summary>Seconds from one timestamp column to another, as a double (to the millisecond on SQLite, whose date arithmetic keeps no finer).</summary>
    public string SecondsBetween(string from, string to) =>
        IsPostgres ? $"CAST(EXTRACT(EPOCH FROM ({to} - {from})) AS double precision)" : $"((julianday({to}) - julianday({from})) * 86400.0)";

    /// <summary>The UTC day of a timestamp column as 'yyyy-MM-dd' text (SQLite keeps timestamps as UTC ISO-8601 text).</summary>
    public string UtcDay(string column) =>
        IsPostgres ? $"to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')" : $"substr({column}, 1, 10)";

    /// <summary>"column contains the pattern parameter", case-insensitive on both (pass <see cref="Contains"/> of the text).</summary>
    public string Like(string column, string parameter) =>
        IsPostgres ? $"{column} ILIKE @{parameter} ESCAPE '\\'" : $"{column} LIKE @{parameter} ESCAPE '\\'";

    /// <summary>
    /// A statement that makes the rest of the transaction read rows in an index's order and stop early rather than gather
    /// and sort them (PostgreSQL's planner chooses by estimates, which for trigram searches are far too low), in this
    /// process alone (parallel workers cost more to start than so short a read takes); none where the store has no such
    /// choice.
    /// </summary>
    public string? PreferIndexOrder => IsPostgres ? "SET LOCAL enable_sort = off; SET LOCAL max_parallel_workers_per_gather = 0" : null;

    /// <summary>The LIKE pattern that finds <paramref name="text"/> anywhere, its wildcards escaped.</summary>
    public static string Contains(string text) =>
        "%" + text.Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
}
