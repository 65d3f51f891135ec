using Dapper;
using Npgsql;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Store;

public sealed class ConnectionFactoryTests
{
    [Fact]
    public void A_PostgreSql_connection_string_keeps_its_password_and_gets_the_pool_defaults()
    {
        using var connections = new ConnectionFactory(StorageProvider.PostgreSql, "Host=db;Database=vs;Username=vs;Password=secret");

        var settings = new NpgsqlConnectionStringBuilder(connections.ConnectionString);
        Assert.Equal("secret", settings.Password);
        Assert.Equal(64, settings.MaxAutoPrepare);
        Assert.True(settings.NoResetOnClose);
    }

    [Fact]
    public void Pool_settings_written_in_the_connection_string_win()
    {
        using var connections = new ConnectionFactory(StorageProvider.PostgreSql,
            "Host=db;Database=vs;Username=vs;Max Auto Prepare=8;No Reset On Close=false");

        var settings = new NpgsqlConnectionStringBuilder(connections.ConnectionString);
        Assert.Equal(8, settings.MaxAutoPrepare);
        Assert.False(settings.NoResetOnClose);
    }

    [Fact]
    public async Task PostgreSql_sessions_run_without_JIT_unless_the_connection_string_sets_options()
    {
        await using var store = await TestStore.CreateAsync(StorageProvider.PostgreSql);
        await using (var connection = await store.Connections.OpenAsync())
            Assert.Equal("off", await connection.ExecuteScalarAsync<string>("SHOW jit"));

        using var own = new ConnectionFactory(StorageProvider.PostgreSql, "Host=db;Database=vs;Username=vs;Options=-c statement_timeout=5000");
        Assert.Equal("-c statement_timeout=5000", new NpgsqlConnectionStringBuilder(own.ConnectionString).Options);
    }

    [Fact]
    public async Task Exclusive_work_holds_the_advisory_lock_only_while_it_runs()
    {
        await using var store = await TestStore.CreateAsync(StorageProvider.PostgreSql);
        const long key = 771_077;
        async Task<long> HeldAsync()
        {
            await using var connection = await store.Connections.OpenAsync();
            return await connection.ExecuteScalarAsync<long>(
                "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = @key AND granted", new { key = (int)key });
        }

        long during = -1;
        await store.Connections.RunExclusivelyAsync(key, async () => during = await HeldAsync());

        Assert.Equal(1, during);
        Assert.Equal(0, await HeldAsync());
    }
}
