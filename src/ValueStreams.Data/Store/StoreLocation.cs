using ValueStreams.Engine.Storage;

namespace ValueStreams.Data.Store;

/// <summary>Where this node's store and scheduler live, resolved from <see cref="StorageOptions"/>.</summary>
public sealed record StoreLocation(StorageProvider Provider, string ConnectionString, string SchedulerLocation, string DataDirectory)
{
    public static StoreLocation Resolve(StorageOptions options, string productRoot)
    {
        var dataDirectory = Path.GetFullPath(Path.Combine(productRoot, options.DataDirectory));
        if (options.Provider == StorageProvider.PostgreSql)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
                throw new InvalidOperationException(
                    "ValueStreams__Storage__Provider is PostgreSql but no connection string is set: set ConnectionStrings__ValueStreams.");
            return new StoreLocation(StorageProvider.PostgreSql, options.ConnectionString, options.ConnectionString, dataDirectory);
        }

        var connectionString = string.IsNullOrWhiteSpace(options.ConnectionString)
            ? $"Data Source={Path.Combine(dataDirectory, "valuestreams.db")}"
            : options.ConnectionString;
        return new StoreLocation(StorageProvider.Sqlite, connectionString, Path.Combine(dataDirectory, "hangfire.db"), dataDirectory);
    }
}
