using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Engine.Expressions;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Tests.Engine;

/// <summary>
/// Per-step behaviour on the in-memory run sessions (<see cref="InMemoryRunStore"/>): the real interpreter, behaviours
/// and expression sandbox, with no database, so each test takes milliseconds. The store contract is tested over HTTP.
/// </summary>
public sealed class InMemoryStepTests
{
    private static (WorkflowEngine Engine, InMemoryRunStore Store) Engine(StreamFile file, bool scriptsOutside = true)
    {
        var store = new InMemoryRunStore();
        var read = ValueStreamReader.Read(file.ToJson());
        Assert.Empty(read.Errors);
        store.Publish(read.Definition!);
        var options = new EngineOptions { ScriptsOutsideTransaction = scriptsOutside };
        return (new WorkflowEngine(store, new Interpreter(new JintExpressionEvaluator(), TimeProvider.System, options), TimeProvider.System), store);
    }

    private static List<string> Trail(InMemoryRunStore store, string instanceId) =>
        store.JournalOf(instanceId).Where(j => j.StepId is not null && j.Event == JournalEntry.Completed)
            .Select(j => $"{j.StepId}:{j.Outcome}").ToList();

    [Theory]
    [InlineData(9, "high")]
    [InlineData(6, "medium")]
    [InlineData(1, "low")]
    public async Task A_decision_leaves_by_the_first_condition_that_holds_else_by_its_default(int score, string port)
    {
        var (engine, store) = Engine(new StreamFile("m-decision")
            .Variable("score", "number")
            .Start()
            .Step("route", "decision", new JsonObject
            {
                ["conditions"] = new JsonArray(
                    new JsonObject { ["port"] = "high", ["expression"] = "vars.score >= 8" },
                    new JsonObject { ["port"] = "medium", ["expression"] = "vars.score >= 5" }),
                ["defaultPort"] = "low",
            })
            .Milestone().End()
            .Connect("start", "route")
            .Connect("route", "value", "high").Connect("route", "value", "medium").Connect("route", "value", "low")
            .Connect("value", "end"));

        var instance = await engine.StartAsync("m-decision", new JsonObject { ["score"] = score }, null, "agent");

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Contains($"route:{port}", Trail(store, instance.Id));
    }

    [Fact]
    public async Task Set_variables_assigns_in_order_so_a_later_one_sees_an_earlier_one()
    {
        var (engine, _) = Engine(new StreamFile("m-set")
            .Variable("a", "number").Variable("b", "number")
            .Start()
            .SetVariables("set", ("a", "20"), ("b", "vars.a + 1"))
            .Milestone().End()
            .Chain("start", "set", "value", "end"));

        var instance = await engine.StartAsync("m-set", null, null, "agent");

        Assert.Equal(21, instance.Variables["b"]!.GetValue<double>());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_failing_script_leaves_by_its_error_port_with_the_message_in_outputs(bool scriptsOutside)
    {
        var (engine, store) = Engine(new StreamFile("m-boom")
            .Variable("why", "string")
            .Start()
            .Script("boom", "vars.why = 'not me'; throw new Error('no printer');")
            .SetVariables("handled", ("why", "outputs.boom.error.message"))
            .Milestone().End()
            .Connect("start", "boom")
            .Connect("boom", "handled", "error")
            .Connect("boom", "value")
            .Chain("handled", "value", "end"), scriptsOutside);

        var instance = await engine.StartAsync("m-boom", null, null, "agent");

        Assert.Equal(InstanceStatus.Completed, instance.Status);
        Assert.Equal("Error: no printer (line 1, column 28)", instance.Variables["why"]!.GetValue<string>());
        Assert.Equal(["start:done", "boom:error", "handled:done", "value:done", "end:"], Trail(store, instance.Id).Select(t => t.TrimEnd()).ToList());
        Assert.Equal(instance.Revision, store.Instance(instance.Id).Revision); // the answer is the stored state
    }

    [Fact]
    public async Task A_script_outside_the_transaction_waits_at_its_step_between_two_commits_and_applies_once()
    {
        var (engine, store) = Engine(new StreamFile("m-script")
            .Variable("count", "number", 1)
            .Start()
            .Script("double", "vars.count = vars.count * 2;")
            .Milestone().End()
            .Chain("start", "double", "value", "end"));

        var instance = await engine.StartAsync("m-script", null, null, "agent");

        Assert.Equal(2, instance.Variables["count"]!.GetValue<double>());
        // A second run of the same token (the recovery job) finds nothing waiting and changes nothing.
        var token = store.Committed.Outbox.Single(j => j.Kind == OutboxJob.RunScript);
        Assert.Null(await engine.RunScriptsAsync(instance.Id, OutboxJob.SplitTarget(token.TargetId).ItemId));
        Assert.Equal(2, store.Instance(instance.Id).Variables["count"]!.GetValue<double>());
        Assert.Single(store.JournalOf(instance.Id), j => j.StepId == "double" && j.Event == JournalEntry.Completed);
    }

    [Fact]
    public async Task Conditions_read_a_task_outcome_as_outcomes_dot_step()
    {
        var (engine, store) = Engine(new StreamFile("m-outcome")
            .Start()
            .Task("review", outcomes: ["approved", "rejected"])
            .Step("route", "decision", new JsonObject
            {
                ["conditions"] = new JsonArray(new JsonObject { ["port"] = "yes", ["expression"] = "outcomes.review === 'rejected'" }),
                ["defaultPort"] = "no",
            })
            .Milestone().End()
            .Chain("start", "review", "route")
            .Connect("review", "route", "rejected")
            .Connect("route", "value", "yes").Connect("route", "value", "no").Connect("value", "end"));
        var started = await engine.StartAsync("m-outcome", null, null, "agent");
        var task = store.Committed.Tasks.Values.Single().Task;

        var done = await engine.CompleteTaskAsync(task.Id, "rejected", [], "agent");

        Assert.Equal(InstanceStatus.Completed, done.Status);
        Assert.Contains("route:yes", Trail(store, started.Id));
    }
}
