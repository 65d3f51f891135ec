using System.Text.Json.Nodes;
using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.Validation;
using ValueStreams.Tests.Engine;

namespace ValueStreams.Tests.Definitions;

/// <summary>Validation knows <c>outcomes</c>: reading the outcome of a step that has none is a warning, naming it.</summary>
public sealed class OutcomeReferenceTests
{
    private static ValidationReport Validate(string condition) =>
        new ValueStreamValidator(ItilCatalogue.Default).Validate(ValueStreamReader.Read(new StreamFile("or-check")
            .Start()
            .Task("branch-c-review", outcomes: ["approved", "rejected"])
            .Task("review", outcomes: ["approved", "rejected"])
            .Step("route", "decision", new JsonObject
            {
                ["conditions"] = new JsonArray(new JsonObject { ["port"] = "yes", ["expression"] = condition }),
                ["defaultPort"] = "no",
            })
            .Milestone().End()
            .Chain("start", "branch-c-review")
            .Connect("branch-c-review", "review", "approved").Connect("branch-c-review", "review", "rejected")
            .Connect("review", "route", "approved").Connect("review", "route", "rejected")
            .Connect("route", "value", "yes").Connect("route", "value", "no").Connect("value", "end")
            .ToJson()).Definition!);

    [Theory]
    [InlineData("outcomes.review === 'approved'")]
    [InlineData("outcomes['branch-c-review'] === 'approved' && outcomes[\"review\"] !== 'rejected'")]
    public void Reading_a_task_outcome_is_clean(string condition)
    {
        var report = Validate(condition);

        Assert.Empty(report.Errors);
        Assert.DoesNotContain(report.Warnings, w => w.Message.StartsWith("outcomes.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("outcomes.route === 'yes'", "outcomes.route: step 'route' is a decision step, which has no outcome (only human tasks have one)")]
    [InlineData("outcomes['reveiw'] === 'approved'", "outcomes.reveiw: there is no step 'reveiw'")]
    [InlineData("outcomes.branch-c-review === 'approved'", "outcomes.branch: there is no step 'branch' (a step id with '-' is read as outcomes['branch-…'])")]
    public void Reading_the_outcome_of_a_step_without_one_is_a_warning_naming_it(string condition, string warning)
    {
        var report = Validate(condition);

        Assert.Empty(report.Errors);
        Assert.Contains(report.Warnings, w => w.Path == "steps[3].conditions[0].expression" && w.Message == warning);
    }
}
