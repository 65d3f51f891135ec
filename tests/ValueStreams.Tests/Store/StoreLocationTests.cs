using ValueStreams.Data.Store;
using ValueStreams.Engine.Storage;

namespace ValueStreams.Tests.Store;

public sealed class StoreLocationTests
{
    [Fact]
    public void The_embedded_default_keeps_store_and_scheduler_files_in_the_data_directory_under_the_product_root()
    {
        var location = StoreLocation.Resolve(new StorageOptions(), "/srv/valuestreams");

        Assert.Equal(StorageProvider.Sqlite, location.Provider);
        Assert.Equal("/srv/valuestreams/data", location.DataDirectory);
        Assert.Equal("Data Source=/srv/valuestreams/data/valuestreams.db", location.ConnectionString);
        Assert.Equal("/srv/valuestreams/data/hangfire.db", location.SchedulerLocation);
    }

    [Fact]
    public void An_absolute_data_directory_is_taken_as_it_is()
    {
        var location = StoreLocation.Resolve(new StorageOptions { DataDirectory = "/var/lib/vs" }, "/srv/valuestreams");

        Assert.Equal("/var/lib/vs", location.DataDirectory);
    }

    [Fact]
    public void PostgreSql_without_a_connection_string_is_refused_naming_the_setting()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            StoreLocation.Resolve(new StorageOptions { Provider = StorageProvider.PostgreSql }, "/srv"));

        Assert.Contains("ConnectionStrings__ValueStreams", error.Message);
    }

    [Fact]
    public void PostgreSql_keeps_the_scheduler_in_the_same_database()
    {
        const string connection = "Host=db;Database=vs;Username=vs;Password=secret";
        var location = StoreLocation.Resolve(new StorageOptions { Provider = StorageProvider.PostgreSql, ConnectionString = connection }, "/srv");

        Assert.Equal(connection, location.ConnectionString);
        Assert.Equal(connection, location.SchedulerLocation);
    }
}
