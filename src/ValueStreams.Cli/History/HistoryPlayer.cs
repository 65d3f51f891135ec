using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Records;
using ValueStreams.Data.Definitions;
using ValueStreams.Data.Runtime;
using ValueStreams.Data.ServiceLevels;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Expressions;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Cli.History;

/// <summary>What a played history asked for: how many instances, started over which time, from which seed.</summary>
internal sealed record HistoryPlan(int Instances, DateTimeOffset From, DateTimeOffset To, int Seed);

/// <summary>What the played history did.</summary>
internal sealed record HistoryPlayed(int Started, int Completed, int StillOpen, int Faulted, int TasksDone, int ServiceLevelsMissed, int Refused);

/// <summary>
/// Plays months of work through the real engine on a played clock: people raise work for the shipped streams, agents of each
/// task's group pick it up after a wait and complete it with an outcome, and the engine's own jobs (continuations, timers,
/// service-level checks, children ending) run when the played clock reaches them. Everything is stored as if it had happened
/// then; instances still open when the history ends stay open. Messages to people are kept undelivered: no one is mailed.
/// </summary>
internal sealed class HistoryPlayer
{
    /// <summary>How often each shipped stream is raised, relative to the others; streams not listed are not played.</summary>
    public static readonly IReadOnlyList<(string Stream, int Weight)> Mix =
    [
        ("incident-resolution", 40), ("service-request-fulfilment", 25), ("normal-change", 10), ("problem-management", 8),
        ("third-party-software-error", 6), ("continual-improvement", 6), ("regulatory-change", 3), ("new-it-service", 2),
    ];

    private readonly ConnectionFactory _connections;
    private readonly PlayedClock _clock;
    private readonly PlayedJobs _jobs = new();
    private readonly WorkflowEngine _engine;
    private readonly TaskRepository _tasks;
    private readonly OutboxJobRunner _runner;
    private readonly AgentHabits _habits;
    private readonly PriorityQueue<Func<Task>, (DateTimeOffset At, long Order)> _agenda = new();
    private readonly HashSet<string> _seenTasks = new(StringComparer.Ordinal);
    private readonly HistoryPlan _plan;
    private IReadOnlyDictionary<string, IReadOnlyList<string>> _known = new Dictionary<string, IReadOnlyList<string>>();
    private long _order;
    private DateTimeOffset _tasksSeenUntil;
    private int _tasksDone;
    private int _refused;

    public HistoryPlayer(ConnectionFactory connections, HistoryPlan plan)
    {
        _connections = connections;
        _plan = plan;
        _clock = new PlayedClock(plan.From);
        _tasksSeenUntil = plan.From;
        _habits = new AgentHabits(plan.Seed);
        var policies = new ServiceLevelRepository(connections, _clock);
        var sessions = new RunSessionFactory(connections, _jobs, new RecordSettings(), NullLogger<RunSessionFactory>.Instance);
        var interpreter = new Interpreter(new JintExpressionEvaluator(new ExpressionLimits(), _clock), _clock, new EngineOptions(), policies);
        _engine = new WorkflowEngine(sessions, interpreter, _clock);
        _tasks = new TaskRepository(connections, _clock, policies);
        _runner = new OutboxJobRunner(_engine, new HttpStepRunner(sessions, interpreter.Expressions, _engine, new HttpClient()),
            new UndeliveredMessages(), new ServiceLevelWatch(connections, _clock));
    }

    public async Task<HistoryPlayed> PlayAsync(TextWriter progress, CancellationToken cancellationToken)
    {
        var streams = await PlayableStreamsAsync(cancellationToken);
        if (streams.Count == 0)
            throw new InvalidOperationException("No shipped value stream is published in this store: start the host once, or import workflows/.");
        var people = await PeopleByGroupAsync(cancellationToken);
        _known = await EstateAsync();
        var started = new List<string>();
        var arrivals = Enumerable.Range(0, _plan.Instances)
            .Select(_ => (At: _habits.Arrival(_plan.From, _plan.To), Stream: _habits.Weighted(streams)))
            .OrderBy(a => a.At)
            .ToList();
        foreach (var (at, stream) in arrivals)
            Plan(at, async () =>
            {
                if (await StartAsync(stream, people) is { } id)
                    started.Add(id);
                if (started.Count % Math.Max(1, _plan.Instances / 10) == 0)
                    await progress.WriteLineAsync($"history: {started.Count} of {_plan.Instances} started, played up to {_clock.GetUtcNow():yyyy-MM-dd HH:mm}Z");
            });

        while (_agenda.TryDequeue(out var work, out var when) && when.At < _plan.To)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _clock.MoveTo(when.At);
            try
            {
                await work();
            }
            catch (Exception ex) when (ex is EngineException or RecordRefusedException)
            {
                // The work moved on before this person acted (a timeout, a deadline, a parallel branch): nothing to do.
                _refused++;
            }
            await RunJobsAsync(cancellationToken);
            await PickUpNewTasksAsync(people, cancellationToken);
        }
        _clock.MoveTo(_plan.To);
        return await SummaryAsync(started.Count, cancellationToken);
    }

    private void Plan(DateTimeOffset at, Func<Task> work) => _agenda.Enqueue(work, (at, _order++));

    private async Task<IReadOnlyList<(StreamStart Start, int Weight)>> PlayableStreamsAsync(CancellationToken cancellationToken)
    {
        var repository = new ValueStreamRepository(_connections, _clock);
        var playable = new List<(StreamStart, int)>();
        foreach (var (id, weight) in Mix)
        {
            if (await repository.GetPublishedAsync(id, null, cancellationToken) is not { Version: { } version }
                || await repository.ReadPublishedAsync(id, version, cancellationToken) is not { } definition)
                continue;
            playable.Add((new StreamStart(definition, definition.Steps.Single(s => s.Type == "start")), weight));
        }
        return playable;
    }

    private async Task<Dictionary<string, List<string>>> PeopleByGroupAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _connections.OpenAsync(cancellationToken);
        var members = await connection.QueryAsync<(string GroupId, string Username)>(new CommandDefinition(
            "SELECT gm.group_id AS GroupId, u.username AS Username FROM group_members gm JOIN users u ON u.id = gm.user_id ORDER BY gm.group_id, u.username",
            cancellationToken: cancellationToken));
        return members.GroupBy(m => m.GroupId, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(m => m.Username).ToList(), StringComparer.Ordinal);
    }

    /// <summary>
    /// The estate the played people work on, registered when the history starts: configuration items, which the forms'
    /// configuration item fields name, and services, which the application a third-party error is in names. Fields naming
    /// records a played person could not know (a related incident, a register entry) are left empty.
    /// </summary>
    private async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> EstateAsync()
    {
        async Task<IReadOnlyList<string>> RegisterAsync(string kind, IEnumerable<JsonObject> records)
        {
            var numbers = new List<string>();
            foreach (var fields in records)
            {
                var (record, _) = await _engine.CreateRecordAsync(kind, fields, "history");
                numbers.Add(record.Number ?? record.Id);
            }
            return numbers;
        }
        var items = await RegisterAsync("configuration-item", ConfigurationItems.Select(i =>
            new JsonObject { ["title"] = i.Title, ["ciType"] = i.Type, ["description"] = $"{i.Title} (played history)" }));
        var services = await RegisterAsync("service", Services.Select(s => new JsonObject { ["title"] = s, ["description"] = $"{s} (played history)" }));
        var known = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["relatedRecord"] = [], ["improvementId"] = [], ["application"] = services,
        };
        foreach (var field in (string[])["ciName", "affectedCi", "serviceName"])
            known[field] = items;
        return known;
    }

    private static readonly IReadOnlyList<(string Title, string Type)> ConfigurationItems =
    [
        ("Warehouse access point AP-01", "network"), ("Warehouse access point AP-02", "network"), ("Office access point AP-11", "network"),
        ("Core switch SW-1", "network"), ("Mail service", "service"), ("Website", "service"), ("Order database", "database"),
        ("Warehouse scanners", "hardware"),
    ];

    private static readonly IReadOnlyList<string> Services = ["Room booking calendar 4.2", "Mail 2024", "Intranet 3.1"];

    /// <summary>Someone of the start step's starters raises the work: a record for record-created streams, else the stream itself.</summary>
    private async Task<string?> StartAsync(StreamStart stream, Dictionary<string, List<string>> people)
    {
        var starters = (stream.Start.Properties["starters"] as JsonArray ?? []).Select(s => s?.GetValue<string>()).OfType<string>();
        var who = _habits.Anyone(starters.SelectMany(g => people.GetValueOrDefault(g) ?? []).Distinct().ToList()) ?? "history";
        var input = _habits.Fill(stream.Start.Properties["form"] as JsonArray, _clock.GetUtcNow(), _known, raising: true);
        if (stream.Start.Properties["trigger"]?.GetValue<string>() == "record-created"
            && stream.Start.Properties["recordType"]?.GetValue<string>() is { } kind)
        {
            var (_, instances) = await _engine.CreateRecordAsync(kind, input, who);
            return instances.FirstOrDefault(i => i.ValueStreamId == stream.Definition.Id)?.Id;
        }
        return (await _engine.StartAsync(stream.Definition.Id, input, null, who)).Id;
    }

    /// <summary>Runs the jobs the engine committed: those due now at once (they may commit more), later ones at their moment.</summary>
    private async Task RunJobsAsync(CancellationToken cancellationToken)
    {
        for (var jobs = _jobs.Take(); jobs.Count > 0; jobs = _jobs.Take())
            foreach (var job in jobs)
            {
                if (job.DueAt is { } due && due > _clock.GetUtcNow())
                {
                    Plan(due, () => _runner.RunAsync(job.Kind, job.TargetId, cancellationToken));
                    continue;
                }
                try
                {
                    await _runner.RunAsync(job.Kind, job.TargetId, cancellationToken);
                }
                catch (EngineException)
                {
                    _refused++;
                }
            }
    }

    /// <summary>Every task opened since the last look gets its pick-up and completion planned by someone of its group.</summary>
    private async Task PickUpNewTasksAsync(Dictionary<string, List<string>> people, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        await using var connection = await _connections.OpenAsync(cancellationToken);
        // In a stable order, so the same seed gives each task the same draws.
        var opened = (await connection.QueryAsync<OpenedTask>(new CommandDefinition(
            """
            SELECT t.id AS Id, t.candidate_group AS CandidateGroup, t.assignee AS Assignee, t.outcomes AS Outcomes, t.form AS Form,
                   t.respond_by AS RespondBy, t.resolve_by AS ResolveBy
            FROM tasks t JOIN instances i ON i.id = t.instance_id
            WHERE t.status = 'open' AND t.created_at >= @since
            ORDER BY t.created_at, i.created_at, t.step_id, t.candidate_group
            """, new { since = _tasksSeenUntil }, cancellationToken: cancellationToken))).ToList();
        _tasksSeenUntil = now;
        foreach (var task in opened.Where(t => _seenTasks.Add(t.Id)))
        {
            var who = task.Assignee ?? _habits.Anyone(task.CandidateGroup is { } g ? people.GetValueOrDefault(g) ?? [] : [])
                ?? $"{task.CandidateGroup ?? "history"}-agent";
            var pickUp = now + _habits.Wait(task.RespondBy - now);
            var done = pickUp + _habits.Touch(task.ResolveBy - pickUp);
            Plan(pickUp, async () =>
            {
                if (await _tasks.ClaimAsync(task.Id, who, asOverride: false, cancellationToken) == ClaimOutcome.Refused)
                    return;
                Plan(done, async () =>
                {
                    var outcomes = (JsonNode.Parse(task.Outcomes) as JsonArray ?? []).OfType<JsonObject>()
                        .Select(o => o["id"]?.GetValue<string>()).OfType<string>().ToList();
                    if (outcomes.Count == 0)
                        return;
                    await _engine.CompleteTaskAsync(task.Id, _habits.Outcome(outcomes),
                        _habits.Fill(JsonNode.Parse(task.Form) as JsonArray, _clock.GetUtcNow(), _known), who, ct: cancellationToken);
                    _tasksDone++;
                });
            });
        }
    }

    private async Task<HistoryPlayed> SummaryAsync(int started, CancellationToken cancellationToken)
    {
        await using var connection = await _connections.OpenAsync(cancellationToken);
        var counts = (await connection.QueryAsync<(string Status, long Count)>(new CommandDefinition(
                "SELECT status AS Status, COUNT(*) AS Count FROM instances WHERE created_at >= @from AND created_at < @to GROUP BY status",
                new { from = _plan.From, to = _plan.To }, cancellationToken: cancellationToken)))
            .ToDictionary(c => c.Status, c => (int)c.Count, StringComparer.Ordinal);
        var missed = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COUNT(*) FROM journal WHERE event = @missed AND at >= @from AND at < @to",
            new { missed = JournalEntry.ServiceLevelMissed, from = _plan.From, to = _plan.To }, cancellationToken: cancellationToken));
        var completed = counts.GetValueOrDefault(InstanceStatus.Completed);
        var faulted = counts.GetValueOrDefault(InstanceStatus.Faulted);
        return new HistoryPlayed(started, completed, counts.Values.Sum() - completed - faulted - counts.GetValueOrDefault(InstanceStatus.Cancelled), faulted,
            _tasksDone, (int)missed, _refused);
    }

    private sealed record StreamStart(ValueStreamDefinition Definition, StepDefinition Start);

    private sealed class OpenedTask
    {
        public string Id { get; init; } = "";
        public string? CandidateGroup { get; init; }
        public string? Assignee { get; init; }
        public string Outcomes { get; init; } = "[]";
        public string Form { get; init; } = "[]";
        public DateTimeOffset? RespondBy { get; init; }
        public DateTimeOffset? ResolveBy { get; init; }
    }

    /// <summary>A played history tells no one: its messages stay undelivered.</summary>
    private sealed class UndeliveredMessages : IPeopleNotifier
    {
        public Task DeliverMessageAsync(string messageId, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task EmailNotificationsAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
