using Npgsql;

namespace ValueStreams.Tests.Support;

/// <summary>
/// The PostgreSQL server the tests use, from <c>VALUESTREAMS_TEST_POSTGRES</c> (set by scripts/test.sh,
/// which starts a throwaway cluster). Without it, PostgreSQL tests fail: they never skip.
/// </summary>
public static class TestPostgres
{
    public const string Variable = "VALUESTREAMS_TEST_POSTGRES";

    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{Variable} is not set. Run ./scripts/test.sh, which starts a throwaway PostgreSQL, or point {Variable} at a server.");

    /// <summary>
    /// Creates a database and returns a connection string for it: a copy of <paramref name="template"/> (see
    /// <see cref="MigratedTemplates"/>), or an empty one.
    /// </summary>
    public static async Task<string> CreateDatabaseAsync(string? template = null)
    {
        var name = $"vs_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(ServerConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}{(template is null ? "" : $" TEMPLATE {template}")}", connection);
            await command.ExecuteNonQueryAsync();
        }
        return new NpgsqlConnectionStringBuilder(ServerConnectionString) { Database = name }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
