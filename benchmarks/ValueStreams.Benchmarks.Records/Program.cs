// Incident records at scale on PostgreSQL, through the real host in-process (HTTP pipeline, access rule, engine):
// loads N incidents with binary COPY, then times
//   1. a filtered, sorted list page (GET /api/incidents?state=…&priority=…&sort=…), as an admin and as a service-desk agent;
//   2. text search (GET /api/incidents?q=…), as an admin and as an agent;
//   3. creating an incident that starts incident resolution (POST /api/incidents), 8 clients at once.
// Usage: dotnet run -c Release --project benchmarks/ValueStreams.Benchmarks.Records -- "<server connection string>" [--incidents N] [--queries N] [--creates N] [--warm-up N] [--keep]
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;
using NpgsqlTypes;

namespace ValueStreams.Benchmarks.Records;

internal static partial class RecordsBenchmark
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("usage: ValueStreams.Benchmarks.Records \"Host=...;Username=...;Database=postgres\" [--incidents 100000] [--queries 400] [--creates 2000] [--warm-up 2000]");
            return 2;
        }
        var server = args[0];
        var incidents = Option("--incidents", 100_000);
        var queries = Option("--queries", 400);
        var creates = Option("--creates", 2000);
        var warmUp = Option("--warm-up", 2000);
        var keep = args.Contains("--keep");
        const int Clients = 8;

        var database = $"vs_records_bench_{DateTime.UtcNow:yyyyMMddHHmmss}";
        await Execute(server, $"CREATE DATABASE {database}");
        var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
        var root = FindRoot();
        var data = Directory.CreateTempSubdirectory("valuestreams-records-bench-").FullName;
        // The host's content root (its wwwroot and settings files), which the test host would otherwise look for beside the solution.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_VALUESTREAMS_HOST", Path.Combine(root, "src", "ValueStreams.Host"));
        try
        {
            await using var host = new BenchHost(new Dictionary<string, string?>
            {
                ["ValueStreams:Root"] = root,
                ["ValueStreams:Storage:Provider"] = "PostgreSql",
                ["ValueStreams:Storage:DataDirectory"] = data,
                ["ConnectionStrings:ValueStreams"] = connectionString,
                ["ValueStreams:DemoUsers"] = "true",
                ["Logging:LogLevel:Default"] = "Warning",
            });
            host.Server.ToString(); // migrate and publish the shipped streams now

            var loading = Stopwatch.StartNew();
            await LoadAsync(connectionString, incidents);
            // As autovacuum leaves a table after a bulk insert: statistics, and a visibility map that lets counts read the index alone.
            await Execute(connectionString, "VACUUM ANALYZE");
            Console.Error.WriteLine($"loaded {incidents:N0} incidents in {loading.Elapsed.TotalSeconds:F0} s");

            var admin = await host.ClientAsync("admin");
            var agent = await host.ClientAsync("agent"); // service-desk

            var random = new Random(42);
            string ListUrl()
            {
                var states = new[] { "new", "in-progress", "on-hold", "resolved" };
                var sorts = new[] { "-createdAt", "priority", "-updatedAt", "number" };
                return $"/api/incidents?state={states[random.Next(states.Length)]},{states[random.Next(states.Length)]}" +
                       $"&priority=P{random.Next(1, 5)},P{random.Next(1, 5)}&sort={sorts[random.Next(sorts.Length)]}&page={random.Next(1, 4)}&pageSize=50";
            }
            // What people search for: part of a number, a place or a caller; and, as the worst case, a word in a third of all titles.
            string SpecificSearchUrl() => $"/api/incidents?q={Uri.EscapeDataString(random.Next(3) switch
            {
            0 => $"INC-0{random.Next(1000, 9999)}",
            1 => Site(random.Next(Sites)),
            _ => $"{Person(random.Next(500))}@",
            })}&pageSize=50";
            string CommonSearchUrl() => $"/api/incidents?q={Uri.EscapeDataString(Words[random.Next(Words.Length)])}&pageSize=50";

            var rows = new List<string>();
            rows.Add(await TimeGetsAsync("filtered, sorted list page (2 states, 2 priorities, 50 rows), admin", admin, ListUrl, queries, 30));
            rows.Add(await TimeGetsAsync("filtered, sorted list page, service-desk agent (access rule applied)", agent, ListUrl, queries, 30));
            rows.Add(await TimeGetsAsync("text search for part of a number, a place or a caller (number, title and text fields), admin", admin, SpecificSearchUrl, queries, 50));
            rows.Add(await TimeGetsAsync("the same searches, service-desk agent (access rule applied)", agent, SpecificSearchUrl, queries, 50));
            rows.Add(await TimeGetsAsync("text search for a word in a third of all incidents (worst case), admin", admin, CommonSearchUrl, queries, 50));
            rows.Add(await TimeCreatesAsync(host, creates, warmUp));

            Console.WriteLine($"| {incidents:N0} incidents, through the host in-process | p50 ms | p95 ms | p99 ms | max ms | goal |");
            Console.WriteLine("|---|---:|---:|---:|---:|---|");
            foreach (var row in rows)
                Console.WriteLine(row);
            await using var version = new NpgsqlConnection(connectionString);
            await version.OpenAsync();
            Console.WriteLine();
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
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }

        // Times GETs one at a time after a warm-up; every answer must be 200.
        static async Task<string> TimeGetsAsync(string name, HttpClient client, Func<string> url, int count, double goalP95)
        {
            for (var i = 0; i < 30; i++)
                (await client.GetAsync(url())).EnsureSuccessStatusCode();
            var times = new double[count];
            for (var i = 0; i < count; i++)
            {
                var target = url();
                var started = Stopwatch.GetTimestamp();
                var response = await client.GetAsync(target);
                await response.Content.ReadAsByteArrayAsync();
                times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                response.EnsureSuccessStatusCode();
            }
            return Row(name, times, $"p95 < {goalP95} ms: {(Percentile(times, 0.95) < goalP95 ? "met" : "NOT met")}");
        }

        // Eight clients create incidents at once; each POST starts incident resolution in the same transaction. The same eight
        // clients first create warmUp incidents unmeasured: on two CPUs the runtime needs thousands of requests before its
        // tiered compiler has optimised the hot paths, and a running service is measured, not one just started.
        static async Task<string> TimeCreatesAsync(BenchHost host, int count, int warmUp)
        {
            var clients = new HttpClient[Clients];
            for (var c = 0; c < Clients; c++)
                clients[c] = await host.ClientAsync("agent");
            await CreateConcurrentlyAsync(clients, warmUp, new double[warmUp]);
            await Task.Delay(TimeSpan.FromSeconds(15));
            var times = new double[count];
            await CreateConcurrentlyAsync(clients, count, times);
            return Row($"create an incident that starts incident resolution ({Clients} clients at once, {count} creates after {warmUp} unmeasured)", times,
                $"p99 < 25 ms: {(Percentile(times, 0.99) < 25 ? "met" : "NOT met")}");
        }

        static async Task CreateConcurrentlyAsync(HttpClient[] clients, int count, double[] times)
        {
            var next = -1;
            await Task.WhenAll(clients.Select(client => Task.Run(async () =>
            {
                int i;
                while ((i = Interlocked.Increment(ref next)) < count)
                {
                    var started = Stopwatch.GetTimestamp();
                    await CreateAsync(client, i);
                    times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }
            })));
        }

        static async Task CreateAsync(HttpClient client, int i)
        {
            var response = await client.PostAsJsonAsync("/api/incidents", new
            {
                title = $"Benchmark incident {i}: scanner offline", description = "Created by the records benchmark.", impact = "medium", urgency = "high",
            });
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"create answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            if (body.GetProperty("instances").GetArrayLength() != 1)
                throw new InvalidOperationException("the new incident did not start exactly one instance");
        }

        static string Row(string name, double[] times, string goal)
        {
            Array.Sort(times);
            return $"| {name} | {Percentile(times, 0.50):F1} | {Percentile(times, 0.95):F1} | {Percentile(times, 0.99):F1} | {times[^1]:F1} | {goal} |";
        }

        static double Percentile(double[] sorted, double q)
        {
            var copy = sorted.ToArray();
            Array.Sort(copy);
            return copy[Math.Min(copy.Length - 1, (int)(copy.Length * q))];
        }


        // Incidents spread over states, priorities, 20 groups, 400 places and 500 callers, with titles and descriptions from a word list.
        static async Task LoadAsync(string connectionString, int count)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            var random = new Random(7);
            var now = DateTime.UtcNow;
            var states = new[] { "new", "in-progress", "on-hold", "resolved", "closed", "closed", "closed" };
            var levels = new[] { "high", "medium", "low" };
            await using (var writer = await connection.BeginBinaryImportAsync(
                "COPY incidents (id, number, title, state, revision, created_at, created_by, updated_at, updated_by, description, caller, location, category, " +
                "impact, urgency, priority, on_hold_reason, assignment_group, assignee, major_incident) FROM STDIN (FORMAT BINARY)"))
            {
                for (var i = 1; i <= count; i++)
                {
                    var state = states[random.Next(states.Length)];
                    var impact = random.Next(3);
                    var urgency = random.Next(3);
                    var created = now.AddMinutes(-random.Next(0, 525_600));
                    await writer.StartRowAsync();
                    await writer.WriteAsync(Guid.CreateVersion7().ToString("N"), NpgsqlDbType.Text);
                    await writer.WriteAsync($"INC-{i:D6}", NpgsqlDbType.Text);
                    var site = Site(random.Next(Sites));
                    await writer.WriteAsync($"{Pick(random)} {Pick(random)} at {site}", NpgsqlDbType.Text);
                    await writer.WriteAsync(state, NpgsqlDbType.Text);
                    await writer.WriteAsync(1, NpgsqlDbType.Integer);
                    await writer.WriteAsync(created, NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync("bench", NpgsqlDbType.Text);
                    await writer.WriteAsync(created.AddMinutes(random.Next(0, 600)), NpgsqlDbType.TimestampTz);
                    await writer.WriteAsync("bench", NpgsqlDbType.Text);
                    var caller = Person(random.Next(500));
                    await writer.WriteAsync($"{Pick(random)} {Pick(random)} {Pick(random)} since this morning; {Pick(random)} {Pick(random)}. Reported by {caller}@example.com.", NpgsqlDbType.Text);
                    await writer.WriteAsync(caller, NpgsqlDbType.Text);
                    await writer.WriteAsync(site, NpgsqlDbType.Text);
                    await writer.WriteAsync(Pick(random), NpgsqlDbType.Text);
                    await writer.WriteAsync(levels[impact], NpgsqlDbType.Text);
                    await writer.WriteAsync(levels[urgency], NpgsqlDbType.Text);
                    await writer.WriteAsync($"P{Math.Min(4, impact + urgency + 1)}", NpgsqlDbType.Text);
                    if (state == "on-hold") await writer.WriteAsync("Waiting for the caller", NpgsqlDbType.Text); else await writer.WriteNullAsync();
                    await writer.WriteAsync(random.Next(10) == 0 ? "service-desk" : $"group-{random.Next(20)}", NpgsqlDbType.Text);
                    await writer.WriteAsync($"user{random.Next(200)}", NpgsqlDbType.Text);
                    await writer.WriteAsync(random.Next(200) == 0, NpgsqlDbType.Boolean);
                }
                await writer.CompleteAsync();
            }
            await using var numbers = new NpgsqlCommand(
                "INSERT INTO record_numbers (kind, last_number) VALUES ('incident', @n) ON CONFLICT (kind) DO UPDATE SET last_number = @n", connection);
            numbers.Parameters.AddWithValue("n", (long)count);
            await numbers.ExecuteNonQueryAsync();
        }

        static string Pick(Random random) => Words[random.Next(Words.Length)];

        static async Task Execute(string connectionString, string sql)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
            await command.ExecuteNonQueryAsync();
        }

        static string FindRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "ValueStreams.sln")))
                    return dir.FullName;
            throw new InvalidOperationException("Run from inside the repository: ValueStreams.sln was not found above the program.");
        }

        int Option(string name, int fallback)
        {
            var at = Array.IndexOf(args, name);
            return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) ? value : fallback;
        }
    }
}

internal static partial class RecordsBenchmark
{
    private const int Sites = 400;

    /// <summary>One of 400 places: "Hamburg bay 17".</summary>
    private static string Site(int i) => $"{Cities[i % Cities.Length]} bay {i / Cities.Length + 1}";

    /// <summary>One of 500 people: "ann.berg".</summary>
    private static string Person(int i) => $"{FirstNames[i % FirstNames.Length]}.{LastNames[i / FirstNames.Length % LastNames.Length]}";

    private static readonly string[] FirstNames =
        ["ann", "bo", "cara", "dev", "eli", "fay", "gus", "hana", "ivo", "jon", "kim", "lea", "mo", "nina", "otto", "pia", "quinn", "rui", "sam", "tove"];

    private static readonly string[] LastNames =
    [
        "berg", "costa", "dahl", "evans", "fischer", "garcia", "holm", "ito", "jansen", "kowal", "lund", "moreau", "novak",
        "olsen", "perez", "quist", "rossi", "silva", "tanaka", "unger", "vidal", "weber", "xu", "yilmaz", "zeller",
    ];

    private static readonly string[] Cities = ["Hamburg", "Leeds", "Lyon", "Porto", "Krakow", "Gent", "Aarhus", "Bilbao", "Turin", "Graz"];

    private static readonly string[] Words =
    [
        "printer", "scanner", "laptop", "wifi", "vpn", "mail", "password", "monitor", "keyboard", "server", "database", "network",
        "warehouse", "office", "invoice", "payroll", "phone", "badge", "license", "backup", "router", "switch", "firewall", "portal",
    ];
}
