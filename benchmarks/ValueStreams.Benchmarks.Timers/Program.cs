// Timer lateness with many timers pending: how late after its moment each timer fires, on PostgreSQL and on SQLite,
// through the real host in-process (its wake-up clock, and Hangfire's schedule behind it).
//
// Usage: dotnet run -c Release --project benchmarks/ValueStreams.Benchmarks.Timers -- "<PostgreSQL server connection string>"
//        [--pending 10000] [--measured 1000] [--stores postgres,sqlite]
//
// For each store:
//   1. a fresh store and host; a stream start -> timer (until the input's dueAt) -> milestone -> end;
//   2. `pending` instances whose timers are due in a day: what the store holds while the measured ones fire (their
//      creation rate is the "timers created" throughput);
//   3. `measured` instances, eight clients at once, each timer due 8-20 s after its instance starts;
//   4. waits until every measured timer fired, then reads each one's due and fired time from the timers table;
//   5. cancels 1,000 of the pending instances, eight clients at once (the "timers cancelled" throughput);
//   6. service level clocks: a policy for problems with one resolution clock and the default warning ladder (50 %, 75 %,
//      breach: three thresholds per clock); `pending` / 3 problems whose thresholds are hours away (the "clocks
//      created" throughput), then `measured` / 3 problems, eight clients at once, whose 20-second target puts their
//      thresholds 10, 15 and 20 s after each is logged; waits until every one of those fired and reads due and fired
//      times from sla_thresholds; then re-plans 1,000 pending clocks (a priority change moves each unfired threshold)
//      and stops 1,000 (closing the problem removes its unfired thresholds), eight clients at once.
// Lateness = fired_at - due_at. Results go to stdout as Markdown, progress to stderr.

using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

internal static class TimersBenchmark
{
    public static async Task<int> Main(string[] args)
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

        if (args.Length < 1 || args[0].StartsWith("--", StringComparison.Ordinal))
        {
            Console.Error.WriteLine("usage: ValueStreams.Benchmarks.Timers \"Host=...;Username=...;Database=postgres\" [--pending 10000] [--measured 1000] [--stores postgres,sqlite]");
            return 2;
        }
        var server = args[0];
        int Option(string name, int fallback) => Array.IndexOf(args, name) is var i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
        var pending = Option("--pending", 10_000);
        var measured = Option("--measured", 1_000);
        var stores = Array.IndexOf(args, "--stores") is var s and >= 0 ? args[s + 1].Split(',') : ["postgres", "sqlite"];
        const int Clients = 8;

        var root = FindRoot();
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_VALUESTREAMS_HOST", Path.Combine(root, "src", "ValueStreams.Host"));
        var rows = new List<string>();
        var clockRows = new List<string>();
        foreach (var store in stores)
        {
            var (timerRow, clockRow) = await RunAsync(store);
            rows.Add(timerRow);
            clockRows.Add(clockRow);
        }

        Console.WriteLine($"| store | pending timers | measured timers | lateness p50 ms | p99 ms | max ms | early | timers created /s | timers cancelled /s |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in rows)
            Console.WriteLine(row);
        Console.WriteLine();
        Console.WriteLine("| store | pending thresholds | measured thresholds | lateness p50 ms | p99 ms | max ms | early | never fired | clocks created /s | re-planned /s | stopped /s |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var row in clockRows)
            Console.WriteLine(row);
        Console.WriteLine();
        Console.WriteLine($"{Environment.ProcessorCount} CPUs, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC; load average at the end: {File.ReadAllText("/proc/loadavg").Trim()}");
        return 0;

        async Task<(string Timers, string Clocks)> RunAsync(string store)
        {
            var postgres = store == "postgres";
            var data = Directory.CreateTempSubdirectory("valuestreams-timers-bench-").FullName;
            string? database = null;
            var settings = new Dictionary<string, string?>
            {
                ["ValueStreams:Root"] = root,
                ["ValueStreams:Storage:Provider"] = postgres ? "PostgreSql" : "Sqlite",
                ["ValueStreams:Storage:DataDirectory"] = data,
                ["ValueStreams:DemoUsers"] = "true",
                ["Logging:LogLevel:Default"] = "Warning",
            };
            if (postgres)
            {
                database = $"vs_timers_bench_{DateTime.UtcNow:yyyyMMddHHmmss}";
                await using (var connection = new NpgsqlConnection(server))
                {
                    await connection.OpenAsync();
                    await connection.ExecuteAsync($"CREATE DATABASE {database}");
                }
                settings["ConnectionStrings:ValueStreams"] = new NpgsqlConnectionStringBuilder(server) { Database = database }.ConnectionString;
            }
            try
            {
                await using var host = new BenchHost(settings);
                host.Server.ToString();
                var owner = await host.ClientAsync("owner");
                (await owner.PostAsync("/api/value-streams/import", new StringContent(Stream(), Encoding.UTF8, "application/json"))).EnsureSuccessStatusCode();
                var agents = new HttpClient[Clients];
                for (var c = 0; c < Clients; c++)
                    agents[c] = await host.ClientAsync("agent");

                Console.Error.WriteLine($"[{store}] creating {pending:N0} pending timers");
                var far = DateTimeOffset.UtcNow.AddDays(1);
                var pendingIds = new string[pending];
                var created = Stopwatch.StartNew();
                await ForEachClientAsync(pending, async (client, i) => pendingIds[i] = await StartAsync(client, far.AddSeconds(i)));
                var createRate = pending / created.Elapsed.TotalSeconds;

                Console.Error.WriteLine($"[{store}] starting {measured:N0} measured timers, due 8-20 s after each start");
                var random = new Random(11);
                var offsets = Enumerable.Range(0, measured).Select(_ => TimeSpan.FromMilliseconds(8_000 + random.Next(12_000))).ToArray();
                var measuredIds = new string[measured];
                await ForEachClientAsync(measured, async (client, i) => measuredIds[i] = await StartAsync(client, DateTimeOffset.UtcNow + offsets[i]));

                var deadline = DateTime.UtcNow.AddMinutes(5);
                List<(DateTimeOffset Due, DateTimeOffset? Fired)> timers;
                while (true)
                {
                    timers = await TimersAsync(postgres, settings, data, measuredIds);
                    if (timers.All(t => t.Fired is not null) || DateTime.UtcNow > deadline)
                        break;
                    await Task.Delay(1000);
                }
                var unfired = timers.Count(t => t.Fired is null);
                if (unfired > 0)
                    throw new InvalidOperationException($"{unfired} of {measured} timers had not fired five minutes after the last was due");
                var lateness = timers.Select(t => (t.Fired!.Value - t.Due).TotalMilliseconds).Order().ToArray();
                var early = lateness.Count(l => l < 0);

                Console.Error.WriteLine($"[{store}] cancelling {Math.Min(1_000, pending):N0} pending instances");
                var admins = new HttpClient[Clients];
                for (var c = 0; c < Clients; c++)
                    admins[c] = await host.ClientAsync("admin");
                var cancelCount = Math.Min(1_000, pending);
                var cancelling = Stopwatch.StartNew();
                await ForEachClientAsync(cancelCount, async (_, i) =>
                    (await admins[i % Clients].PostAsync($"/api/instances/{pendingIds[i]}/cancel", null)).EnsureSuccessStatusCode());
                var cancelRate = cancelCount / cancelling.Elapsed.TotalSeconds;

                var timerRow = $"| {(postgres ? "PostgreSQL" : "SQLite")} | {pending:N0} | {measured:N0} | {P(lateness, 0.50):F0} | {P(lateness, 0.99):F0} | {lateness[^1]:F0} | {early} | {createRate:F0} | {cancelRate:F0} |";

                // Service level clocks with warning ladders on problems (no stream starts on a problem).
                var policy = await admins[0].PostAsync("/api/service-levels/policies", new StringContent(LadderPolicy(), Encoding.UTF8, "application/json"));
                if (!policy.IsSuccessStatusCode)
                    throw new InvalidOperationException($"the policy was refused: {(int)policy.StatusCode} {await policy.Content.ReadAsStringAsync()}");
                var pendingClocks = (pending + 2) / 3;
                Console.Error.WriteLine($"[{store}] logging {pendingClocks:N0} problems with three thresholds each, hours away");
                var farProblems = new (string Number, string ETag)[pendingClocks];
                var clocksCreating = Stopwatch.StartNew();
                await ForEachClientAsync(pendingClocks, async (client, i) => farProblems[i] = await LogProblemAsync(client, "low"));
                var clocksCreatedRate = pendingClocks / clocksCreating.Elapsed.TotalSeconds;

                var measuredClocks = (measured + 2) / 3;
                Console.Error.WriteLine($"[{store}] logging {measuredClocks:N0} problems whose thresholds fall due 10, 15 and 20 s later");
                await ForEachClientAsync(measuredClocks, async (client, _) => await LogProblemAsync(client, "high"));
                deadline = DateTime.UtcNow.AddMinutes(5);
                List<(DateTimeOffset Due, DateTimeOffset? Fired)> thresholds;
                while (true)
                {
                    thresholds = await ThresholdsAsync(postgres, settings, data);
                    if ((thresholds.Count == measuredClocks * 3 && thresholds.All(t => t.Fired is not null)) || DateTime.UtcNow > deadline)
                        break;
                    await Task.Delay(1000);
                }
                var neverFired = measuredClocks * 3 - thresholds.Count(t => t.Fired is not null);
                var thresholdLateness = thresholds.Where(t => t.Fired is not null).Select(t => (t.Fired!.Value - t.Due).TotalMilliseconds).Order().ToArray();

                var changes = Math.Min(1_000, pendingClocks / 2);
                Console.Error.WriteLine($"[{store}] re-planning {changes:N0} clocks and stopping {changes:N0}");
                var replanning = Stopwatch.StartNew();
                await ForEachClientAsync(changes, async (client, i) => await ChangeProblemAsync(client, farProblems[i], new { urgency = "high" }));
                var replanRate = changes / replanning.Elapsed.TotalSeconds;
                var stopping = Stopwatch.StartNew();
                await ForEachClientAsync(changes, async (client, i) => await ChangeProblemAsync(client, farProblems[changes + i], new { state = "not-a-problem" }));
                var stopRate = changes / stopping.Elapsed.TotalSeconds;
                // The changes took effect: the re-planned clocks' thresholds are on the P3 target, the stopped ones' are gone.
                var replanned = await CountAsync(postgres, settings, data, "SELECT COUNT(*) FROM sla_thresholds WHERE target = '6 hours' AND fired_at IS NULL");
                var left = await CountAsync(postgres, settings, data, "SELECT COUNT(*) FROM sla_thresholds WHERE target = '8 hours' AND fired_at IS NULL");
                if (replanned != changes * 3 || left != (pendingClocks - 2 * changes) * 3)
                    throw new InvalidOperationException($"expected {changes * 3} re-planned and {(pendingClocks - 2 * changes) * 3} untouched thresholds, found {replanned} and {left}");

                foreach (var client in agents.Concat(admins).Append(owner))
                    client.Dispose();
                var clockRow = $"| {(postgres ? "PostgreSQL" : "SQLite")} | {pendingClocks * 3:N0} | {measuredClocks * 3:N0} | {P(thresholdLateness, 0.50):F0} | " +
                               $"{P(thresholdLateness, 0.99):F0} | {thresholdLateness[^1]:F0} | {thresholdLateness.Count(l => l < 0)} | {neverFired} | " +
                               $"{clocksCreatedRate:F0} | {replanRate:F0} | {stopRate:F0} |";
                return (timerRow, clockRow);

                async Task ForEachClientAsync(int count, Func<HttpClient, int, Task> work)
                {
                    var next = -1;
                    await Task.WhenAll(agents.Select(async client =>
                    {
                        int i;
                        while ((i = Interlocked.Increment(ref next)) < count)
                            await work(client, i);
                    }));
                }
            }
            finally
            {
                if (database is not null)
                {
                    NpgsqlConnection.ClearAllPools();
                    await using var connection = new NpgsqlConnection(server);
                    await connection.OpenAsync();
                    await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
                }
                SqliteConnection.ClearAllPools();
                try { Directory.Delete(data, recursive: true); } catch (IOException) { }
            }
        }

        static double P(double[] sorted, double q) => sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * q))];

        static async Task<string> StartAsync(HttpClient client, DateTimeOffset dueAt)
        {
            var response = await client.PostAsJsonAsync("/api/value-streams/bench-timer/instances", new { input = new { dueAt = dueAt.ToString("O") } });
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"start answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;
        }

        static async Task<(string Number, string ETag)> LogProblemAsync(HttpClient client, string level)
        {
            var response = await client.PostAsJsonAsync("/api/problems", new { title = "Benchmark problem", impact = level, urgency = level });
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"logging a problem answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            return ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!, response.Headers.ETag!.ToString());
        }

        static async Task ChangeProblemAsync(HttpClient client, (string Number, string ETag) problem, object change)
        {
            using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/problems/{problem.Number}") { Content = JsonContent.Create(change) };
            request.Headers.TryAddWithoutValidation("If-Match", problem.ETag);
            var response = await client.SendAsync(request);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"changing {problem.Number} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        // The measured thresholds are those of the 20-second target.
        static async Task<List<(DateTimeOffset Due, DateTimeOffset? Fired)>> ThresholdsAsync(bool postgres, Dictionary<string, string?> settings, string data)
        {
            const string Sql = "SELECT due_at, fired_at FROM sla_thresholds WHERE target = 'PT20S' AND due_at IS NOT NULL";
            await using var connection = Connection(postgres, settings, data);
            if (postgres)
                return (await connection.QueryAsync<(DateTimeOffset, DateTimeOffset?)>(Sql)).ToList();
            // SQLite keeps moments as ISO 8601 text.
            return (await connection.QueryAsync<(string, string?)>(Sql)).Select(r => (DateTimeOffset.Parse(r.Item1, CultureInfo.InvariantCulture),
                r.Item2 is null ? (DateTimeOffset?)null : DateTimeOffset.Parse(r.Item2, CultureInfo.InvariantCulture))).ToList();
        }

        static async Task<long> CountAsync(bool postgres, Dictionary<string, string?> settings, string data, string sql)
        {
            await using var connection = Connection(postgres, settings, data);
            return await connection.ExecuteScalarAsync<long>(sql);
        }

        // The store the host under test writes: its PostgreSQL database, or its SQLite file opened read-only.
        static System.Data.Common.DbConnection Connection(bool postgres, Dictionary<string, string?> settings, string data) => postgres
            ? new NpgsqlConnection(settings["ConnectionStrings:ValueStreams"])
            : new SqliteConnection($"Data Source={Path.Combine(data, "valuestreams.db")};Mode=ReadOnly");

        // One resolution clock on round-the-clock time with the default ladder: 20 seconds for a P1, hours for the rest.
        static string LadderPolicy() => new JsonObject
        {
            ["id"] = "bench-ladder", ["name"] = "Benchmark ladder", ["recordKind"] = "problem", ["calendar"] = "24x7",
            ["clocks"] = new JsonArray(new JsonObject
            {
                ["name"] = "resolution", ["stopIn"] = new JsonArray("closed", "not-a-problem"),
                ["targets"] = new JsonObject
                {
                    ["P1"] = new JsonObject { ["within"] = "PT20S" }, ["P2"] = new JsonObject { ["within"] = "4 hours" },
                    ["P3"] = new JsonObject { ["within"] = "6 hours" }, ["P4"] = new JsonObject { ["within"] = "8 hours" },
                },
            }),
        }.ToJsonString();

        static async Task<List<(DateTimeOffset Due, DateTimeOffset? Fired)>> TimersAsync(bool postgres, Dictionary<string, string?> settings, string data, string[] ids)
        {
            const string Sql = "SELECT due_at AS Due, fired_at AS Fired FROM timers WHERE instance_id = ANY(@ids)";
            if (postgres)
            {
                await using var connection = new NpgsqlConnection(settings["ConnectionStrings:ValueStreams"]);
                return (await connection.QueryAsync<(DateTimeOffset, DateTimeOffset?)>(Sql, new { ids })).ToList();
            }
            await using var sqlite = new SqliteConnection($"Data Source={Path.Combine(data, "valuestreams.db")};Mode=ReadOnly");
            var result = new List<(DateTimeOffset, DateTimeOffset?)>();
            foreach (var chunk in ids.Chunk(500))
            {
                var rows = await sqlite.QueryAsync<(string, string?)>("SELECT due_at, fired_at FROM timers WHERE instance_id IN @chunk", new { chunk });
                result.AddRange(rows.Select(r => (DateTimeOffset.Parse(r.Item1, CultureInfo.InvariantCulture),
                    r.Item2 is null ? (DateTimeOffset?)null : DateTimeOffset.Parse(r.Item2, CultureInfo.InvariantCulture))));
            }
            return result;
        }


        static string Stream()
        {
            JsonObject Step(string id, string type, int x, JsonObject? properties = null)
            {
                var step = new JsonObject
                {
                    ["id"] = id, ["type"] = type, ["name"] = id, ["valueChainActivities"] = new JsonArray(), ["practices"] = new JsonArray(),
                    ["roles"] = new JsonArray(type is "start" or "milestone" ? ["requester"] : Array.Empty<JsonNode?>()),
                };
                foreach (var (key, value) in properties ?? [])
                    step[key] = value?.DeepClone();
                step["position"] = new JsonObject { ["x"] = x, ["y"] = 0 };
                return step;
            }
            JsonObject Connect(string from, string to) => new() { ["from"] = from, ["port"] = "done", ["to"] = to };
            return new JsonObject
            {
                ["id"] = "bench-timer",
                ["name"] = "Timer benchmark",
                ["variables"] = new JsonArray(new JsonObject { ["name"] = "dueAt", ["type"] = "string" }),
                ["roles"] = new JsonArray(new JsonObject { ["id"] = "requester", ["name"] = "Requester" }),
                ["steps"] = new JsonArray(
                    Step("start", "start", 0, new JsonObject { ["trigger"] = "manual" }),
                    Step("wait", "timer", 200, new JsonObject { ["until"] = "vars.dueAt" }),
                    Step("value", "milestone", 400, new JsonObject { ["value"] = "Waited" }),
                    Step("end", "end", 600)),
                ["connections"] = new JsonArray(Connect("start", "wait"), Connect("wait", "value"), Connect("value", "end")),
            }.ToJsonString();
        }

        static string FindRoot()
        {
            for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "ValueStreams.sln")))
                    return dir.FullName;
            throw new InvalidOperationException("Run from inside the repository.");
        }
    }
}
