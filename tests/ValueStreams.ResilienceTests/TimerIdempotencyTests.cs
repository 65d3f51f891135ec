using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.States;
using Microsoft.Extensions.Logging.Abstractions;
using ValueStreams.Data.Runtime;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Expressions;
using ValueStreams.Engine.Runtime;
using ValueStreams.Engine.Storage;
using ValueStreams.ResilienceTests.Support;
using ValueStreams.Scheduling.Engine;
using Xunit.Abstractions;

namespace ValueStreams.ResilienceTests;

/// <summary>Every Hangfire job is idempotent: the same fire-timer job run many times, at once, on several nodes, fires once.</summary>
public sealed class TimerIdempotencyTests(ITestOutputHelper output)
{
    /// <summary>Half the instances see every kind of caller at once; the other half only copies of the Hangfire job.</summary>
    private const int Instances = 40;
    private const int HangfireOnlyCopies = 4;

    [Fact]
    public async Task A_timer_job_that_runs_twice_fires_once()
    {
        var progress = new Progress(output);
        await using var cluster = await Cluster.CreateAsync();
        var db = new Db(cluster.ConnectionString);
        var a = await cluster.StartNodeAsync("node-a");
        var token = await Api.TokenAsync(a, "admin");
        var b = await cluster.StartNodeAsync("node-b");
        using var apiA = Api.For(a, token);
        using var apiB = Api.For(b, token);
        await apiA.ImportAsync(Streams.Timer);

        var instances = new List<string>();
        for (var i = 0; i < Instances; i++)
            instances.Add(await (i % 2 == 0 ? apiA : apiB).StartAsync(Streams.TimerId));
        var timers = (await db.TimersAsync(Streams.TimerId)).ToDictionary(t => t.InstanceId, t => t.Id);
        Assert.Equal(Instances, timers.Count);
        progress.Log($"{Instances} instances wait on a two-second timer");
        // A fire-timer job does nothing before the timer is due (it schedules itself again), so the race below
        // starts once every timer is due; the nodes' own scheduled jobs join the race as further callers.
        await Task.Delay(TimeSpan.FromSeconds(2.5));

        // First half: the same job, four ways at once: the Hangfire job itself (twice, served by both nodes' servers),
        // the outbox job runner and the engine in this process (twice each), and the admin endpoint of each node.
        // Second half: only copies of the Hangfire job, so the workers of both nodes race each other.
        var jobs = HangfireClient(cluster.ConnectionString);
        using var connections = new ConnectionFactory(StorageProvider.PostgreSql, cluster.ConnectionString);
        var engine = InProcessEngine(connections, jobs, out var runner);
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var jobIds = new ConcurrentBag<string>();
        var firedInProcess = new ConcurrentDictionary<string, int>();
        var firedByEndpoint = new ConcurrentDictionary<string, int>();
        var problems = new ConcurrentQueue<string>();

        var attempts = new List<Task>();
        foreach (var instanceId in instances.Skip(Instances / 2))
        {
            var target = OutboxJob.Target(instanceId, timers[instanceId]);
            for (var copy = 0; copy < HangfireOnlyCopies; copy++)
                attempts.Add(Task.Run(async () =>
                {
                    await go.Task;
                    jobIds.Add(jobs.Enqueue<EngineJobs>(j => j.RunAsync(OutboxJob.FireTimer, target, CancellationToken.None)));
                }));
        }
        foreach (var instanceId in instances.Take(Instances / 2))
        {
            var target = OutboxJob.Target(instanceId, timers[instanceId]);
            for (var copy = 0; copy < 2; copy++)
            {
                attempts.Add(Task.Run(async () =>
                {
                    await go.Task;
                    jobIds.Add(jobs.Enqueue<EngineJobs>(j => j.RunAsync(OutboxJob.FireTimer, target, CancellationToken.None)));
                }));
                attempts.Add(Task.Run(async () =>
                {
                    await go.Task;
                    await runner.RunAsync(OutboxJob.FireTimer, target, CancellationToken.None);
                }));
                attempts.Add(Task.Run(async () =>
                {
                    await go.Task;
                    if (await engine.FireTimerAsync(instanceId, timers[instanceId]))
                        firedInProcess.AddOrUpdate(instanceId, 1, (_, n) => n + 1);
                }));
                var api = copy == 0 ? apiA : apiB;
                attempts.Add(Task.Run(async () =>
                {
                    await go.Task;
                    using var response = await api.PostAsync($"/api/instances/{instanceId}/timers/fire");
                    var body = await response.Content.ReadAsStringAsync();
                    if (response.StatusCode != HttpStatusCode.OK)
                        problems.Enqueue($"fire {instanceId}: {(int)response.StatusCode} {body}");
                    else if (JsonDocument.Parse(body).RootElement.GetProperty("fired").GetInt32() is var fired and > 0)
                        firedByEndpoint.AddOrUpdate(instanceId, fired, (_, n) => n + fired);
                }));
            }
        }
        go.SetResult();
        await Task.WhenAll(attempts);
        progress.Log($"{attempts.Count} firing attempts made; waiting for {jobIds.Count} Hangfire jobs");

        // Every Hangfire job must end Succeeded: the copies that came second find the timer fired and change nothing.
        var storage = JobStorage.Current;
        await Wait.UntilAsync(
            () =>
            {
                using var connection = storage.GetConnection();
                var states = jobIds.Select(id => connection.GetStateData(id)?.Name).ToList();
                var failed = states.Count(s => s == FailedState.StateName);
                if (failed > 0)
                    throw new Xunit.Sdk.XunitException($"{failed} fire-timer job(s) failed\n{cluster.Outputs()}");
                return Task.FromResult(states.All(s => s == SucceededState.StateName));
            },
            TimeSpan.FromSeconds(90),
            () =>
            {
                using var connection = storage.GetConnection();
                return Task.FromResult(string.Join(", ", jobIds.Select(id => connection.GetStateData(id)?.Name ?? "none")
                    .GroupBy(s => s).Select(g => $"{g.Key} {g.Count()}")) + "\n" + cluster.Outputs());
            });
        progress.Log("every Hangfire job succeeded");

        var violations = new Violations();
        foreach (var problem in problems)
            violations.Add(problem);
        var journal = (await db.JournalCountsAsync(Streams.TimerId)).ToLookup(c => c.InstanceId);
        var tasks = (await db.TasksAsync(Streams.TimerId)).ToLookup(t => t.InstanceId);
        var stored = (await db.TimersAsync(Streams.TimerId)).ToDictionary(t => t.Id);
        var variables = await db.VariablesAsync(Streams.TimerId);
        foreach (var instanceId in instances)
        {
            var counts = journal[instanceId].ToDictionary(c => (c.StepId, c.Event), c => c.N);
            long N(string? step, string @event) => counts.GetValueOrDefault((step, @event));
            violations.Check(N("wait", "timer-fired") == 1, () => $"{instanceId}: {N("wait", "timer-fired")} timer-fired entries");
            violations.Check(N("wait", "step-completed") == 1, () => $"{instanceId}: timer step completed {N("wait", "step-completed")} times");
            violations.Check(N("count", "step-completed") == 1, () => $"{instanceId}: the step after the timer ran {N("count", "step-completed")} times");
            violations.Check(N("follow-up", "task-created") == 1, () => $"{instanceId}: {N("follow-up", "task-created")} follow-up tasks announced");
            violations.Check(tasks[instanceId].Count() == 1, () => $"{instanceId}: {tasks[instanceId].Count()} task rows");
            var timer = stored[timers[instanceId]];
            violations.Check(timer.Status == "fired" && timer.HasFiredAt, () => $"{instanceId}: timer is {timer.Status}");
            var resumed = variables[instanceId]["resumed"];
            violations.Check(resumed is JsonValue v && v.TryGetValue<double>(out var n) && n == 1,
                () => $"{instanceId}: the path after the timer counted {resumed?.ToJsonString() ?? "nothing"}");
            var claimed = firedInProcess.GetValueOrDefault(instanceId) + firedByEndpoint.GetValueOrDefault(instanceId);
            violations.Check(claimed <= 1, () => $"{instanceId}: {claimed} callers were told they fired the timer");
        }
        violations.AssertNone("a timer fires once however often its job runs", cluster.Outputs());
        progress.Log($"checked; of the {Instances / 2} mixed races the engine in this process won {firedInProcess.Count}, " +
                     $"the endpoints {firedByEndpoint.Count}, a Hangfire job or the runner the rest");
    }

    /// <summary>A Hangfire client on the nodes' job storage, serialising jobs as the host does.</summary>
    private static BackgroundJobClient HangfireClient(string connectionString)
    {
        var storage = GlobalConfiguration.Configuration
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UsePostgreSqlStorage(bootstrap => bootstrap.UseNpgsqlConnection(connectionString),
                new PostgreSqlStorageOptions { SchemaName = "hangfire", PrepareSchemaIfNecessary = false })
            .Entry;
        return new BackgroundJobClient(storage);
    }

    /// <summary>The engine in this process on the same database, as a third node without a Hangfire server.</summary>
    private static WorkflowEngine InProcessEngine(ConnectionFactory connections, IBackgroundJobClient jobs, out OutboxJobRunner runner)
    {
        DapperSetup.Apply();
        var sessions = new RunSessionFactory(connections, new HangfireJobDispatcher(jobs, TimeProvider.System), new ValueStreams.Core.Records.RecordSettings(), NullLogger<RunSessionFactory>.Instance);
        var expressions = new JintExpressionEvaluator();
        var engine = new WorkflowEngine(sessions, new Interpreter(expressions, TimeProvider.System), TimeProvider.System);
        runner = new OutboxJobRunner(engine, new HttpStepRunner(sessions, expressions, engine, new HttpClient()), new NoPeople(),
            new ServiceLevelWatch(connections, TimeProvider.System));
        return engine;
    }

    /// <summary>Fire-timer jobs tell nobody anything; the runs write the follow-up tasks' notifications themselves.</summary>
    private sealed class NoPeople : IPeopleNotifier
    {
        public Task DeliverMessageAsync(string messageId, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not expected in this test");

        public Task EmailNotificationsAsync(CancellationToken cancellationToken) =>
            throw new InvalidOperationException("not expected in this test");
    }
}
