using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions.Validation;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Engine;

/// <summary>
/// The conformance streams of docs/EXECUTION.md: small streams, each run through the API on both stores with the
/// journal it must leave: joins paired with their forks, children that fail or are cancelled, the call-depth limit
/// and the error port.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class ExecutionSemanticsTests
{
    // ---------------------------------------------------------------- streams

    /// <summary>start → review (yes | no) → both into meet (join) → value → end: the join has no fork.</summary>
    private static StreamFile JoinWithoutFork() => new StreamFile("sem-no-fork")
        .Start().Task("review", outcomes: ["yes", "no"]).Join("meet", "all").Milestone().End()
        .Connect("start", "review").Connect("review", "meet", "yes").Connect("review", "meet", "no").Chain("meet", "value", "end");

    /// <summary>start → fork (b1: review, both outcomes into the join | b2: check) → join → value → end.</summary>
    private static StreamFile TwoOutcomesIntoTheJoin() => new StreamFile("sem-two-outcomes")
        .Start().Fork("fork", "b1", "b2").Task("review", outcomes: ["ok", "redo"]).Task("check").Join("join", "all").Milestone().End()
        .Connect("start", "fork").Connect("fork", "review", "b1").Connect("fork", "check", "b2")
        .Connect("review", "join", "ok").Connect("review", "join", "redo").Connect("check", "join")
        .Chain("join", "value", "end");

    /// <summary>
    /// start → outer (o1: inner (x | y) → inner-join → outer-join | o2: work (ok → outer-join, again → rework → work))
    /// → value → end: nested forks, and a join after a branch that loops.
    /// </summary>
    private static StreamFile NestedForksAndALoop() => new StreamFile("sem-nested")
        .Start().Fork("outer", "o1", "o2").Fork("inner", "i1", "i2").Task("x").Task("y").Join("inner-join", "all")
        .Task("work", outcomes: ["ok", "again"]).Task("rework").Join("outer-join", "all").Milestone().End()
        .Connect("start", "outer").Connect("outer", "inner", "o1").Connect("outer", "work", "o2")
        .Connect("inner", "x", "i1").Connect("inner", "y", "i2").Connect("x", "inner-join").Connect("y", "inner-join")
        .Connect("inner-join", "outer-join")
        .Connect("work", "outer-join", "ok").Connect("work", "rework", "again").Connect("rework", "work")
        .Chain("outer-join", "value", "end");

    /// <summary>start → fork (a: task-a → join | b: task-b → join | c: straight to an end) → join → value → end.</summary>
    private static StreamFile ABranchThatEndsOnItsOwn() => new StreamFile("sem-branch-ends")
        .Start().Fork("fork", "a", "b", "c").Task("task-a").Task("task-b").Join("join", "all").Milestone().End().End("side-end")
        .Connect("start", "fork").Connect("fork", "task-a", "a").Connect("fork", "task-b", "b").Connect("fork", "side-end", "c")
        .Connect("task-a", "join").Connect("task-b", "join").Chain("join", "value", "end");

    /// <summary>The child that fails: start → boom (a script that throws) → value → end.</summary>
    private static StreamFile FailingChild() => new StreamFile("sem-child-fails")
        .Start().Script("boom", "throw new Error('the supplier is out of stock')").Milestone().End().Chain("start", "boom", "value", "end");

    /// <summary>The child that waits: start → answer (task) → value → end.</summary>
    private static StreamFile WaitingChild() => new StreamFile("sem-child-waits")
        .Start().Task("answer").Milestone().End().Chain("start", "answer", "value", "end");

    /// <summary>start → call (child, wait) → value → end; with <paramref name="errorPort"/>, call/error → handled (keeps the error) → value.</summary>
    private static StreamFile Caller(string id, string child, bool errorPort = false)
    {
        var file = new StreamFile(id).Variable("why", "string")
            .Start()
            .Step("call", "call-value-stream", new JsonObject { ["valueStream"] = child, ["mode"] = "wait" });
        if (errorPort)
            file.SetVariables("handled", ("why", "outputs['call'].error.message"));
        file.Milestone().End().Chain("start", "call", "value", "end");
        return errorPort ? file.Connect("call", "handled", "error").Connect("handled", "value") : file;
    }

    /// <summary>start → call (itself, wait) → value → end.</summary>
    private static StreamFile CallsItself() => new StreamFile("sem-recursive")
        .Start().Step("call", "call-value-stream", new JsonObject { ["valueStream"] = "sem-recursive", ["mode"] = "wait" }).Milestone().End()
        .Chain("start", "call", "value", "end");

    /// <summary>start → boom (script that throws) → value → end, and boom/error → handled (keeps message and attempts) → value.</summary>
    private static StreamFile ScriptWithErrorPort() => new StreamFile("sem-error-port")
        .Variable("why", "string").Variable("attempts", "number")
        .Start().Script("boom", "throw new Error('the ledger is locked')")
        .SetVariables("handled", ("why", "outputs.boom.error.message"), ("attempts", "outputs.boom.error.attempts"))
        .Milestone().End()
        .Chain("start", "boom", "value", "end").Connect("boom", "handled", "error").Connect("handled", "value");

    /// <summary>start → confirm (task, timeout P2D: confirmed → value | timeout → closed) → end.</summary>
    private static StreamFile ConfirmationWithDeadline()
    {
        var file = new StreamFile("sem-confirm").Start().Task("confirm", outcomes: ["confirmed"]);
        return file.Milestone().Milestone("closed").End()
            .WithProperty("confirm", "timeout", "P2D")
            .Connect("start", "confirm").Connect("confirm", "value", "confirmed").Connect("confirm", "closed", "timeout")
            .Connect("value", "end").Connect("closed", "end");
    }

    /// <summary>start → await-ack (event 'ack', timeout PT4H: done → value | timeout → closed) → end.</summary>
    private static StreamFile EventWithDeadline() => new StreamFile("sem-event-deadline")
        .Start().WaitEvent("await-ack", "ack").Milestone().Milestone("closed").End()
        .WithProperty("await-ack", "timeout", "PT4H")
        .Connect("start", "await-ack").Connect("await-ack", "value").Connect("await-ack", "closed", "timeout")
        .Connect("value", "end").Connect("closed", "end");

    // ---------------------------------------------------------------- helpers

    private static string? Fault(JsonElement instance) =>
        instance.GetProperty("activeSteps").EnumerateArray().Select(s => s.GetProperty("fault").GetString()).FirstOrDefault(f => f is not null);

    /// <summary>The journal's lines at the given steps, as "step event" (and "(detail)" for branch arrivals).</summary>
    private static async Task<List<string>> JournalAtAsync(EngineApi api, string instanceId, params string[] steps) =>
        (await api.JournalAsync(instanceId))
            .Where(l => l.GetProperty("stepId").GetString() is { } step && steps.Contains(step) && l.GetProperty("event").GetString() != "step-entered")
            .Select(l => $"{l.GetProperty("stepId").GetString()} {l.GetProperty("event").GetString()}")
            .ToList();

    private static async Task<string> ChildOfAsync(EngineApi api, string instanceId) =>
        (await api.JournalOfAsync(instanceId, "child-started", "call")).Single().GetProperty("detail").GetString()!.Split(' ')[1];

    // ---------------------------------------------------------------- joins

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_join_whose_paths_do_not_come_from_a_fork_is_refused_naming_the_join(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var owner = await api.As("owner");

        var response = await owner.PostAsync("/api/value-streams/import", new StringContent(JoinWithoutFork().ToJson(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await BodyAsync(response)).GetProperty("errors").EnumerateArray().ToList();
        var error = Assert.Single(errors, e => e.GetProperty("path").GetString() == "steps[2]");
        Assert.Contains("join 'meet' is not paired with a fork: the paths into it part at 'review'", error.GetProperty("message").GetString());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_join_fed_by_both_outcomes_of_one_branch_waits_for_its_forks_two_branches_and_reaches_the_end(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(TwoOutcomesIntoTheJoin());
        var id = IdOf(await api.StartAsync("sem-two-outcomes"));

        await api.CompleteStepAsync(id, "check");
        Assert.Equal("waiting", await api.StatusAsync(id));
        var done = await api.CompleteStepAsync(id, "review", "redo");

        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(["join branch-joined", "join step-completed", "value value-realised", "value step-completed", "end step-completed"],
            await JournalAtAsync(api, id, "join", "value", "end"));
        var arrival = Assert.Single(await api.JournalOfAsync(id, "branch-joined", "join"));
        Assert.Equal("1 of 2", arrival.GetProperty("detail").GetString());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Nested_forks_and_a_join_after_a_branch_that_loops_each_join_once_and_reach_the_end(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(NestedForksAndALoop());
        var id = IdOf(await api.StartAsync("sem-nested"));

        await api.CompleteStepAsync(id, "x");
        await api.CompleteStepAsync(id, "work", "again");
        await api.CompleteStepAsync(id, "y");
        await api.CompleteStepAsync(id, "rework");
        Assert.Equal("waiting", await api.StatusAsync(id));
        var done = await api.CompleteStepAsync(id, "work", "ok");

        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(
        [
            "inner-join branch-joined", "inner-join step-completed", "outer-join branch-joined", "outer-join step-completed",
            "value value-realised", "value step-completed", "end step-completed",
        ], await JournalAtAsync(api, id, "inner-join", "outer-join", "value", "end"));
        Assert.Single(await api.JournalOfAsync(id, "instance-completed"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_join_does_not_wait_for_a_branch_that_ended_on_its_own(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(ABranchThatEndsOnItsOwn());
        var id = IdOf(await api.StartAsync("sem-branch-ends"));

        await api.CompleteStepAsync(id, "task-b");
        var done = await api.CompleteStepAsync(id, "task-a");

        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal(["side-end step-completed", "join branch-joined", "join step-completed", "value value-realised", "value step-completed", "end step-completed"],
            await JournalAtAsync(api, id, "side-end", "join", "value", "end"));
    }

    // ---------------------------------------------------------------- children

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_child_that_faults_faults_its_parents_call_step_with_the_childs_reason(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(FailingChild());
        await api.PublishAsync(Caller("sem-caller", "sem-child-fails"));
        var id = IdOf(await api.StartAsync("sem-caller"));

        var parent = await api.WaitForStatusAsync(id, "faulted", TimeSpan.FromSeconds(30));

        var fault = Fault(parent);
        Assert.Contains($"child instance {await ChildOfAsync(api, id)} of 'sem-child-fails' faulted", fault);
        Assert.Contains("the supplier is out of stock", fault);
        Assert.Equal("call", Assert.Single(await api.JournalOfAsync(id, "step-faulted")).GetProperty("stepId").GetString());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_child_fault_caught_by_the_error_port_lets_the_parent_go_on_with_the_reason(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(FailingChild());
        await api.PublishAsync(Caller("sem-caller-catches", "sem-child-fails", errorPort: true));
        var id = IdOf(await api.StartAsync("sem-caller-catches"));

        var parent = await api.WaitForStatusAsync(id, "completed", TimeSpan.FromSeconds(30));

        Assert.Contains("the supplier is out of stock", parent.GetProperty("variables").GetProperty("why").GetString());
        var left = Assert.Single(await api.JournalOfAsync(id, "step-completed", "call"));
        Assert.Equal("error", left.GetProperty("outcome").GetString());
        Assert.Equal(["handled step-completed", "value value-realised", "value step-completed", "end step-completed"],
            await JournalAtAsync(api, id, "handled", "value", "end"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_cancelled_child_faults_its_parents_call_step(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(WaitingChild());
        await api.PublishAsync(Caller("sem-caller", "sem-child-waits"));
        var id = IdOf(await api.StartAsync("sem-caller"));
        var childId = await ChildOfAsync(api, id);
        await api.WaitForAsync(childId, i => ActiveSteps(i).Contains("answer"), "the child reaching its task");

        Assert.Equal(HttpStatusCode.OK, (await api.ControlAsync("admin", childId, "cancel")).StatusCode);

        var parent = await api.WaitForStatusAsync(id, "faulted", TimeSpan.FromSeconds(30));
        Assert.Contains($"child instance {childId} of 'sem-child-waits' was cancelled", Fault(parent));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Cancelling_a_parent_cancels_the_child_it_waits_for_and_the_childs_task_at_once(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(WaitingChild());
        await api.PublishAsync(Caller("sem-caller", "sem-child-waits"));
        var id = IdOf(await api.StartAsync("sem-caller"));
        var childId = await ChildOfAsync(api, id);
        await api.WaitForAsync(childId, i => ActiveSteps(i).Contains("answer"), "the child reaching its task");

        Assert.Equal(HttpStatusCode.OK, (await api.ControlAsync("admin", id, "cancel")).StatusCode);

        // The same transaction: no waiting for background work.
        Assert.Equal("cancelled", await api.StatusAsync(childId));
        Assert.Empty(await api.TasksOfAsync(childId));
        var line = Assert.Single(await api.JournalOfAsync(childId, "instance-cancelled"));
        Assert.Equal($"its parent {id} was cancelled", line.GetProperty("detail").GetString());
        Assert.Equal("cancelled", await api.StatusAsync(id));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_stream_that_calls_itself_stops_at_the_call_depth_limit_and_every_level_faults(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider, new Dictionary<string, string?> { ["ValueStreams:Engine:MaxCallDepth"] = "3" });
        await api.PublishAsync(CallsItself());
        var root = IdOf(await api.StartAsync("sem-recursive"));

        await api.WaitForStatusAsync(root, "faulted", TimeSpan.FromSeconds(60));

        var chain = new List<string> { root };
        while (chain.Count <= 4 && (await api.JournalOfAsync(chain[^1], "child-started", "call")).Count == 1)
            chain.Add(await ChildOfAsync(api, chain[^1]));
        Assert.Equal(4, chain.Count); // depths 0 to 3; the fourth call was refused
        var deepest = await api.InstanceAsync(chain[^1]);
        Assert.Equal("faulted", deepest.GetProperty("status").GetString());
        Assert.Contains("would nest value streams 4 deep; the limit is 3", Fault(deepest));
        foreach (var level in chain)
            Assert.Equal("faulted", await api.StatusAsync(level));
    }

    [Fact]
    public void Validation_warns_where_a_stream_calls_itself()
    {
        var report = new ValueStreamValidator(ItilCatalogue.Default).ValidateFile(Encoding.UTF8.GetBytes(CallsItself().ToJson()));

        Assert.Empty(report.Errors);
        var warning = Assert.Single(report.Warnings, w => w.Path.StartsWith("steps", StringComparison.Ordinal));
        Assert.Equal("steps[1].valueStream", warning.Path);
        Assert.Contains("calls 'sem-recursive', the stream it is in", warning.Message);
    }

    // ---------------------------------------------------------------- deadlines

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_task_whose_deadline_passes_leaves_the_inbox_as_timed_out_and_the_step_leaves_by_timeout(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(ConfirmationWithDeadline());
        var id = IdOf(await api.StartAsync("sem-confirm"));
        var task = IdOf(await api.OpenTaskAsync(id, "confirm"));

        Assert.Equal(1, await api.FireTimersAsync(id));

        Assert.Equal("completed", await api.StatusAsync(id));
        Assert.Equal(["confirm step-timed-out", "confirm step-completed", "closed value-realised", "closed step-completed", "end step-completed"],
            (await JournalAtAsync(api, id, "confirm", "closed", "end")).Where(l => !l.EndsWith("task-created") && !l.EndsWith("timer-scheduled")).ToList());
        Assert.Empty(await api.TasksOfAsync(id));
        Assert.Equal("timed-out", Assert.Single(await api.TasksOfAsync(id, "done")).GetProperty("status").GetString());
        var history = await (await api.As("admin")).GetFromJsonAsync<JsonElement>($"/api/tasks/{task}/history");
        Assert.Contains(history.EnumerateArray(), e => e.GetProperty("action").GetString() == "timed-out");
        Assert.Equal(HttpStatusCode.Conflict, (await api.TryCompleteAsync("agent", task, "confirmed")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_task_completed_before_its_deadline_goes_on_and_the_deadline_changes_nothing(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(ConfirmationWithDeadline());
        var id = IdOf(await api.StartAsync("sem-confirm"));

        await api.CompleteStepAsync(id, "confirm", "confirmed");
        await api.FireTimersAsync(id);

        Assert.Equal("completed", await api.StatusAsync(id));
        Assert.Empty(await api.JournalOfAsync(id, "step-timed-out"));
        Assert.Single(await api.JournalOfAsync(id, "value-realised", "value"));
        Assert.Empty(await api.JournalOfAsync(id, "value-realised", "closed"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_event_wait_whose_deadline_passes_first_leaves_by_timeout_and_the_late_event_resumes_nothing(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(EventWithDeadline());
        var id = IdOf(await api.StartAsync("sem-event-deadline", correlationId: "INC-7"));

        Assert.Equal(1, await api.FireTimersAsync(id));
        var late = await (await api.As("agent")).PostAsJsonAsync("/api/events", new { name = "ack", correlationId = "INC-7" });

        Assert.Equal(0, (await BodyAsync(late)).GetProperty("resumed").GetInt32());
        Assert.Equal("completed", await api.StatusAsync(id));
        Assert.Single(await api.JournalOfAsync(id, "value-realised", "closed"));
        Assert.Empty(await api.JournalOfAsync(id, "event-received"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_event_that_arrives_before_the_deadline_wins_and_the_deadline_changes_nothing(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(EventWithDeadline());
        var id = IdOf(await api.StartAsync("sem-event-deadline", correlationId: "INC-8"));

        var response = await (await api.As("agent")).PostAsJsonAsync("/api/events", new { name = "ack", correlationId = "INC-8" });
        await api.FireTimersAsync(id);

        Assert.Equal(1, (await BodyAsync(response)).GetProperty("resumed").GetInt32());
        Assert.Equal("completed", await api.StatusAsync(id));
        Assert.Single(await api.JournalOfAsync(id, "value-realised", "value"));
        Assert.Empty(await api.JournalOfAsync(id, "step-timed-out"));
    }

    // ---------------------------------------------------------------- error port

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_failing_step_with_an_error_port_leaves_by_it_with_the_message_and_attempts(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(ScriptWithErrorPort());

        var instance = await api.StartAsync("sem-error-port");

        Assert.Equal("completed", instance.GetProperty("status").GetString());
        var variables = instance.GetProperty("variables");
        Assert.Contains("the ledger is locked", variables.GetProperty("why").GetString());
        Assert.Equal(1, variables.GetProperty("attempts").GetDouble());
        var left = Assert.Single(await api.JournalOfAsync(IdOf(instance), "step-completed", "boom"));
        Assert.Equal("error", left.GetProperty("outcome").GetString());
        Assert.Empty(await api.JournalOfAsync(IdOf(instance), "step-faulted"));
    }
}
