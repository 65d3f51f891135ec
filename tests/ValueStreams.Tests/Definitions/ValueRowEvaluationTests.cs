using System.Text;
using System.Text.Json.Nodes;
using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions.Validation;

namespace ValueStreams.Tests.Definitions;

/// <summary>
/// The book prints some Value rows with practices and roles but no value chain activity ("effectiveness is evaluated").
/// The human task that does that evaluation names its milestone in <c>evaluates</c> and is then held to the milestone's
/// rule (nothing, or only 'improve') instead of R3. Starts from the sample of <see cref="CanonicalFormatTests"/>, whose
/// task 'reset' leads to the milestone 'working'.
/// </summary>
public sealed class ValueRowEvaluationTests
{
    private static readonly ValueStreamValidator Validator = new(ItilCatalogue.Default);

    [Fact]
    public void A_task_that_evaluates_a_value_milestone_may_carry_no_value_chain_activity()
    {
        var report = Validate(reset =>
        {
            reset["evaluates"] = "working";
            reset["valueChainActivities"] = new JsonArray();
        });

        Assert.Empty(report.Errors);
    }

    [Fact]
    public void A_task_that_leads_to_a_value_milestone_without_evaluating_it_still_needs_an_activity()
    {
        var report = Validate(reset => reset["valueChainActivities"] = new JsonArray());

        Assert.Contains(report.Errors, e => e.ToString() == "steps[1].valueChainActivities: an activity step needs at least one value chain activity");
    }

    [Fact]
    public void A_task_that_evaluates_a_value_milestone_may_carry_improve_but_no_other_activity()
    {
        var improve = Validate(reset =>
        {
            reset["evaluates"] = "working";
            reset["valueChainActivities"] = new JsonArray("improve");
        });
        var engage = Validate(reset =>
        {
            reset["evaluates"] = "working";
            reset["valueChainActivities"] = new JsonArray("engage", "improve");
        });

        Assert.Empty(improve.Errors);
        var error = Assert.Single(engage.Errors);
        Assert.Equal("steps[1].valueChainActivities[0]: a task that evaluates a value milestone may carry only 'improve', not 'engage'", error.ToString());
    }

    [Theory]
    [InlineData("done")]
    [InlineData("nowhere")]
    public void Evaluates_must_name_a_value_milestone_of_the_stream(string target)
    {
        var report = Validate(reset =>
        {
            reset["evaluates"] = target;
            reset["valueChainActivities"] = new JsonArray();
        });

        Assert.Contains(report.Errors, e => e.ToString() == $"steps[1].evaluates: '{target}' is not a value milestone of this stream");
        Assert.Contains(report.Errors, e => e.Path == "steps[1].valueChainActivities");
    }

    private static ValidationReport Validate(Action<JsonObject> changeReset)
    {
        var root = JsonNode.Parse(CanonicalFormatTests.Sample)!.AsObject();
        changeReset(root["steps"]!.AsArray().Select(s => s!.AsObject()).First(s => (string?)s["id"] == "reset"));
        return Validator.ValidateFile(Encoding.UTF8.GetBytes(root.ToJsonString()));
    }
}
