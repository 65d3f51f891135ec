using Npgsql;

namespace ValueStreams.ResilienceTests.Support;

/// <summary>
/// A fresh PostgreSQL database shared by every node a test starts on it; each node has a data folder of its
/// own, as separate machines would, so a bearer token one node issued is accepted by the others only through
/// the key ring in the database. Disposing kills the nodes, drops the database and removes the folders.
/// </summary>
public sealed class Cluster : IAsyncDisposable
{
    public const string PostgresVariable = "VALUESTREAMS_TEST_POSTGRES";

    private readonly List<HostNode> _nodes = [];

    private readonly string _server;

    private Cluster(string server, string connectionString, string dataDirectory)
    {
        _server = server;
        ConnectionString = connectionString;
        DataDirectory = dataDirectory;
    }

    public string ConnectionString { get; }

    public string DataDirectory { get; }

    public IReadOnlyList<HostNode> Nodes => _nodes;

    /// <summary>The server from <c>VALUESTREAMS_TEST_POSTGRES</c>; without it the tests fail, they never skip.</summary>
    public static string ServerConnectionString =>
        Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{PostgresVariable} is not set. The resilience tests need PostgreSQL: run ./scripts/test.sh, which starts a throwaway " +
                $"server, or point {PostgresVariable} at one (e.g. \"Host=127.0.0.1;Port=55432;Username=postgres;Database=postgres\").");

    /// <summary>A new database on the shared server, or on <paramref name="server"/> (a server of the test's own).</summary>
    public static async Task<Cluster> CreateAsync(string? server = null)
    {
        server ??= ServerConnectionString;
        var name = $"vs_resilience_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await command.ExecuteNonQueryAsync();
        }
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
        var dataDirectory = Directory.CreateTempSubdirectory("vs-resilience-").FullName;
        return new Cluster(server, connectionString, dataDirectory);
    }

    /// <summary>Starts one more node on this database, with a data folder of its own, and waits until it is ready.</summary>
    public async Task<HostNode> StartNodeAsync(string name)
    {
        var node = await HostNode.StartAsync(name, ConnectionString, Directory.CreateDirectory(Path.Combine(DataDirectory, name)).FullName);
        _nodes.Add(node);
        return node;
    }

    /// <summary>The last output of every node, for failure messages.</summary>
    public string Outputs() =>
        string.Join("\n", _nodes.Select(n => $"--- {n.Name} (pid {n.ProcessId}{(n.HasExited ? ", exited" : "")}) ---\n{n.Output}"));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        try
        {
            var name = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
            await using var connection = new NpgsqlConnection(_server);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }
        finally
        {
            try { Directory.Delete(DataDirectory, recursive: true); }
            catch (IOException) { /* the temp area is swept anyway */ }
        }
    }
}
