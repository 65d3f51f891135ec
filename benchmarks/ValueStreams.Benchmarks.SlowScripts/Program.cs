// Slow scripts on the embedded store (SQLite): how long an unrelated start waits while 1-second scripts run,
// with scripts inside the run's write transaction (before) and outside it (after). In-process engine and store,
// no HTTP. Usage: dotnet run -c Release --project benchmarks/ValueStreams.Benchmarks.SlowScripts [-- --rounds 3]
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using ValueStreams.Data.Migrations;
using ValueStreams.Data.Runtime;
using ValueStreams.Data.Store;
using ValueStreams.Data.Definitions;
using ValueStreams.Engine.Expressions;
using ValueStreams.Engine.Runtime;
using ValueStreams.Engine.Storage;

ThreadPool.SetMinThreads(32, 32); // the eight starts and the unrelated ones each get a thread at once, as a host's requests do
var rounds = args.SkipWhile(a => a != "--rounds").Skip(1).Select(int.Parse).FirstOrDefault(3);
Console.WriteLine($"machine: {Environment.ProcessorCount} CPUs, {Environment.OSVersion}, .NET {Environment.Version}; {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
foreach (var outside in new[] { false, true })
{
    var folder = Directory.CreateTempSubdirectory("vs-slow-scripts-");
    try
    {
        DapperSetup.Apply();
        using var connections = new ConnectionFactory(StorageProvider.Sqlite, $"Data Source={Path.Combine(folder.FullName, "bench.db")}");
        await new DatabaseMigrator(connections, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
        var repository = new ValueStreamRepository(connections, TimeProvider.System);
        foreach (var (id, content) in new[] { ("slow", Stream("slow", true)), ("quick", Stream("quick", false)) })
            await repository.PublishAsync(id, id, content, id, "bench", fromDraft: false);
        var sessions = new RunSessionFactory(connections, new NoDispatch(), new ValueStreams.Core.Records.RecordSettings(), NullLogger<RunSessionFactory>.Instance);
        var limits = new ExpressionLimits { Timeout = TimeSpan.FromSeconds(30), MaxStatements = 0, MemoryBytes = 0 };
        var engine = new WorkflowEngine(sessions,
            new Interpreter(new JintExpressionEvaluator(limits), TimeProvider.System, new EngineOptions { ScriptsOutsideTransaction = outside }),
            TimeProvider.System);
        await engine.StartAsync("quick", null, null, "bench"); // warm up
        await engine.StartAsync("slow", null, null, "bench");

        var mode = outside ? "scripts outside the transaction (after)" : "scripts inside the transaction (before)";
        var single = new List<double>();
        for (var i = 0; i < rounds; i++)
        {
            var slow = Task.Run(() => engine.StartAsync("slow", null, null, "bench")); // each start on its own thread, as requests are
            await Task.Delay(100);
            single.Add(await TimeAsync(() => Task.Run(() => engine.StartAsync("quick", null, null, "bench"))));
            await slow;
        }
        Console.WriteLine($"{mode}: one 1 s script, unrelated start took {Describe(single)}");

        for (var i = 0; i < rounds; i++)
        {
            var clock = Stopwatch.StartNew();
            var eight = Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => engine.StartAsync("slow", null, null, "bench"))));
            var others = new List<double>();
            while (!eight.IsCompleted)
            {
                await Task.Delay(250);
                others.Add(await TimeAsync(() => Task.Run(() => engine.StartAsync("quick", null, null, "bench"))));
            }
            await eight;
            Console.WriteLine($"{mode}: eight 1 s scripts took {clock.Elapsed.TotalSeconds:F2} s in all; {others.Count} unrelated starts meanwhile took {Describe(others)}");
        }
    }
    finally
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        folder.Delete(recursive: true);
    }
}

static async Task<double> TimeAsync(Func<Task> work)
{
    var clock = Stopwatch.StartNew();
    await work();
    return clock.Elapsed.TotalSeconds;
}

static string Describe(List<double> seconds) => seconds.Count == 0 ? "n/a" : string.Create(CultureInfo.InvariantCulture,
    $"median {seconds.Order().ElementAt(seconds.Count / 2):F3} s, max {seconds.Max():F3} s");

static string Stream(string id, bool slow) => $$"""
    {
      "id": "{{id}}", "name": "{{id}}",
      "variables": [{ "name": "done", "type": "boolean" }],
      "roles": [{ "id": "desk", "name": "Desk", "group": "service-desk" }],
      "steps": [
        { "id": "start", "type": "start", "name": "Start", "roles": ["desk"], "trigger": "manual" },
        {{(slow
            ? """{ "id": "work", "type": "script", "name": "Work", "roles": ["desk"], "script": "const until = Date.now() + 1000; while (Date.now() < until) { } vars.done = true;" },"""
            : """{ "id": "work", "type": "human-task", "name": "Work", "roles": ["desk"], "group": "service-desk", "title": "Work", "outcomes": [{ "id": "done", "label": "Done" }] },""")}}
        { "id": "end", "type": "end", "name": "End" }
      ],
      "connections": [{ "from": "start", "to": "work" }, { "from": "work", "to": "end" }]
    }
    """;

sealed class NoDispatch : IJobDispatcher
{
    public void Dispatch(IReadOnlyList<OutboxJob> jobs)
    {
    }
}
