using System.Text.Json.Nodes;
using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.StepTypes;
using ValueStreams.Core.Definitions.Validation;
using ValueStreams.Engine.Expressions;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Tests.Engine;

/// <summary>
/// Every assignee rule validation accepts is one the engine honours, and no other is accepted (the old
/// <c>record-assignment-group</c> is refused); a task's service level has no <c>policy</c>, which nothing read.
/// </summary>
public sealed class AssigneeRuleTests
{
    private static StreamFile Assigned(string rule) => new StreamFile("ar-assigned")
        .Variable("owner", "string", "dana")
        .Start()
        .Task("work", assignee: rule)
        .Milestone().End()
        .Chain("start", "work", "value", "end");

    private static ValidationReport Validate(string json) =>
        new ValueStreamValidator(ItilCatalogue.Default).Validate(ValueStreamReader.Read(json).Definition!);

    [Theory]
    [InlineData("initiator", "alex")]
    [InlineData("user:sam", "sam")]
    [InlineData("variable:owner", "dana")]
    public async Task Each_rule_validation_accepts_assigns_the_task_at_run_time(string rule, string assignee)
    {
        var file = Assigned(rule);
        Assert.Empty(Validate(file.ToJson()).Errors);
        var store = new InMemoryRunStore();
        store.Publish(ValueStreamReader.Read(file.ToJson()).Definition!);
        var engine = new WorkflowEngine(store, new Interpreter(new JintExpressionEvaluator(), TimeProvider.System), TimeProvider.System);

        await engine.StartAsync("ar-assigned", null, null, "alex");

        Assert.Equal(assignee, store.Committed.Tasks.Values.Single().Task.Assignee);
    }

    [Theory]
    [InlineData("record-assignment-group")]
    [InlineData("group:service-desk")]
    [InlineData("variable:")]
    public void A_rule_the_engine_does_not_know_is_refused_naming_the_rules(string rule)
    {
        var report = Validate(Assigned(rule).ToJson());

        var error = Assert.Single(report.Errors, e => e.Path == "steps[1].assignee");
        Assert.Equal($"unknown assignee rule '{rule}' (rules: initiator, variable:<name>, user:<name>)", error.Message);
    }

    [Fact]
    public void A_task_may_name_a_service_level_policy_and_its_targets_beside_it()
    {
        var file = JsonNode.Parse(Assigned("initiator").ToJson())!.AsObject();
        file["steps"]![1]!["sla"] = new JsonObject { ["policy"] = "gold", ["resolveWithin"] = "PT4H" };

        var report = Validate(file.ToJsonString());

        Assert.DoesNotContain(report.Errors, e => e.Path.StartsWith("steps[1].sla", StringComparison.Ordinal));
        var sla = StepTypeCatalogue.Find("human-task")!.Descriptor.Inputs.Single(i => i.Name == "sla");
        Assert.Contains(sla.Fields!, f => f.Name == "policy");
    }
}
