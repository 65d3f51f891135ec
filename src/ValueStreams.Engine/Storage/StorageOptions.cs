namespace ValueStreams.Engine.Storage;

/// <summary>Which database holds definitions, instances, tasks, records and the scheduler's jobs.</summary>
public enum StorageProvider
{
    /// <summary>The embedded default: SQLite files under the data directory.</summary>
    Sqlite,

    /// <summary>PostgreSQL via Npgsql: production and scale-out.</summary>
    PostgreSql,
}

/// <summary>Settings bound from <c>ValueStreams:Storage</c> plus <c>ConnectionStrings:ValueStreams</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "ValueStreams:Storage";
    public const string ConnectionStringName = "ValueStreams";

    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>Where the embedded default keeps its files; relative paths are resolved against the product root.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Connection string for either provider; on SQLite it defaults to <c>valuestreams.db</c> in the data directory.</summary>
    public string? ConnectionString { get; set; }
}
