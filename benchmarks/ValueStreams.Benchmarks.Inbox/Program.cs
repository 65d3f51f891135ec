// The group inbox query (TaskRepository.ListAsync, scope "group", open tasks) against a PostgreSQL
// database holding 1,000,000 tasks of which 100,000 are open, spread over 20 groups.
// Usage: dotnet run -c Release --project benchmarks/ValueStreams.Benchmarks.Inbox -- "<server connection string>" [--tasks N] [--open N] [--queries N] [--keep]
using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using ValueStreams.Data.Migrations;
using ValueStreams.Data.Runtime;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Storage;

if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
{
    Console.Error.WriteLine("usage: ValueStreams.Benchmarks.Inbox \"Host=...;Username=...;Database=postgres\" [--tasks 1000000] [--open 100000] [--queries 500]");
    return 2;
}
var server = args[0];
var total = Option("--tasks", 1_000_000);
var open = Option("--open", 100_000);
var queries = Option("--queries", 500);
var keep = args.Contains("--keep");
const int Groups = 20;
const int TasksPerInstance = 10;

var database = $"vs_inbox_bench_{DateTime.UtcNow:yyyyMMddHHmmss}";
await Execute(server, $"CREATE DATABASE {database}");
var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
try
{
    DapperSetup.Apply();
    using var connections = new ConnectionFactory(StorageProvider.PostgreSql, connectionString);
    await new DatabaseMigrator(connections, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();

    var loading = Stopwatch.StartNew();
    await LoadAsync(connectionString, total, open);
    await Execute(connectionString, "ANALYZE");
    Console.Error.WriteLine($"loaded {total:N0} tasks ({open:N0} open) in {loading.Elapsed.TotalSeconds:F0} s");

    var repository = new TaskRepository(connections, TimeProvider.System);
    var random = new Random(42);
    for (var i = 0; i < 50; i++) // warm-up
        await repository.ListAsync(TaskScope.Group, true, "user0", [$"group-{random.Next(Groups)}"]);
    var times = new double[queries];
    var rows = 0;
    for (var i = 0; i < queries; i++)
    {
        var groups = new[] { $"group-{random.Next(Groups)}", $"group-{random.Next(Groups)}" };
        var started = Stopwatch.GetTimestamp();
        rows += (await repository.ListAsync(TaskScope.Group, true, $"user{random.Next(100)}", groups)).Count;
        times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
    Array.Sort(times);
    double P(double q) => times[Math.Min(times.Length - 1, (int)(times.Length * q))];
    Console.WriteLine($"| group inbox query ({total:N0} tasks, {open:N0} open, {Groups} groups; 2 groups per user; first 200 by due) | ms |");
    Console.WriteLine("|---|---:|");
    Console.WriteLine($"| p50 | {P(0.50):F2} |");
    Console.WriteLine($"| p95 | {P(0.95):F2} |");
    Console.WriteLine($"| p99 | {P(0.99):F2} |");
    Console.WriteLine($"| max | {times[^1]:F2} |");
    Console.WriteLine();
    Console.WriteLine($"rows per query: {rows / queries}; goal p95 < 20 ms: {(P(0.95) < 20 ? "met" : "NOT met")}");
    await using var version = new NpgsqlConnection(connectionString);
    await version.OpenAsync();
    Console.WriteLine($"PostgreSQL {version.PostgreSqlVersion}, {Environment.ProcessorCount} CPUs, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
    return 0;
}
finally
{
    NpgsqlConnection.ClearAllPools();
    if (keep)
        Console.Error.WriteLine($"kept database {database}");
    else
        await Execute(server, $"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
}

// One value stream version, one instance per ten tasks, tasks loaded with binary COPY; the open ones
// are spread over 20 groups with due times across the next two weeks.
static async Task LoadAsync(string connectionString, int total, int open)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using (var setup = new NpgsqlCommand(
        """
        INSERT INTO value_streams (id, name, published_version, created_at, created_by) VALUES ('bench', 'Bench', 1, now(), 'bench');
        INSERT INTO value_stream_versions (value_stream_id, version, content, content_hash, published_at, published_by)
        VALUES ('bench', 1, '{}', 'x', now(), 'bench');
        """, connection))
        await setup.ExecuteNonQueryAsync();

    var instances = total / TasksPerInstance;
    await using (var writer = await connection.BeginBinaryImportAsync(
        "COPY instances (id, value_stream_id, version, status, created_by, created_at, updated_at, revision, state) FROM STDIN (FORMAT BINARY)"))
    {
        for (var i = 0; i < instances; i++)
        {
            await writer.StartRowAsync();
            await writer.WriteAsync($"i{i}", NpgsqlDbType.Text);
            await writer.WriteAsync("bench", NpgsqlDbType.Text);
            await writer.WriteAsync(1, NpgsqlDbType.Integer);
            await writer.WriteAsync("waiting", NpgsqlDbType.Text);
            await writer.WriteAsync("bench", NpgsqlDbType.Text);
            await writer.WriteAsync(DateTime.UtcNow, NpgsqlDbType.TimestampTz);
            await writer.WriteAsync(DateTime.UtcNow, NpgsqlDbType.TimestampTz);
            await writer.WriteAsync(0, NpgsqlDbType.Integer);
            await writer.WriteAsync("{}", NpgsqlDbType.Text);
        }
        await writer.CompleteAsync();
    }

    var random = new Random(7);
    var now = DateTime.UtcNow;
    await using (var writer = await connection.BeginBinaryImportAsync(
        "COPY tasks (id, instance_id, step_id, token_id, title, candidate_group, status, completion, outcomes, form, due_at, created_at, completed_at, completed_by) FROM STDIN (FORMAT BINARY)"))
    {
        for (var t = 0; t < total; t++)
        {
            var isOpen = t % (total / open) == 0;
            await writer.StartRowAsync();
            await writer.WriteAsync($"t{t}", NpgsqlDbType.Text);
            await writer.WriteAsync($"i{t / TasksPerInstance}", NpgsqlDbType.Text);
            await writer.WriteAsync($"step-{t % TasksPerInstance}", NpgsqlDbType.Text);
            await writer.WriteAsync($"t{t % TasksPerInstance}", NpgsqlDbType.Text);
            await writer.WriteAsync($"Task {t}: check the access point", NpgsqlDbType.Text);
            await writer.WriteAsync($"group-{random.Next(Groups)}", NpgsqlDbType.Text);
            await writer.WriteAsync(isOpen ? "open" : "completed", NpgsqlDbType.Text);
            await writer.WriteAsync("any", NpgsqlDbType.Text);
            await writer.WriteAsync("""[{"id":"done","label":"Done"}]""", NpgsqlDbType.Text);
            await writer.WriteAsync("[]", NpgsqlDbType.Text);
            await writer.WriteAsync(now.AddMinutes(random.Next(-600, 20_160)), NpgsqlDbType.TimestampTz);
            await writer.WriteAsync(now.AddDays(-random.Next(0, 365)), NpgsqlDbType.TimestampTz);
            if (isOpen) await writer.WriteNullAsync(); else await writer.WriteAsync(now, NpgsqlDbType.TimestampTz);
            if (isOpen) await writer.WriteNullAsync(); else await writer.WriteAsync("bench", NpgsqlDbType.Text);
        }
        await writer.CompleteAsync();
    }
}

static async Task Execute(string connectionString, string sql)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
    await command.ExecuteNonQueryAsync();
}

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) ? value : fallback;
}
