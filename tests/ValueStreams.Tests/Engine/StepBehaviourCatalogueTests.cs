using ValueStreams.Core.Definitions.StepTypes;
using ValueStreams.Engine.Steps;

namespace ValueStreams.Tests.Engine;

/// <summary>The start-up check that every step type the designer offers can run.</summary>
public sealed class StepBehaviourCatalogueTests
{
    [Fact]
    public void Every_step_type_in_the_catalogue_has_exactly_one_behaviour()
    {
        StepBehaviours.EnsureEveryStepTypeHasOne();

        Assert.Equal(StepTypeCatalogue.All.Select(t => t.Name).Order(), StepBehaviours.All.Select(b => b.Type).Order());
    }

    [Fact]
    public void The_start_up_check_fails_naming_a_step_type_without_a_behaviour()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => StepBehaviours.EnsureEveryStepTypeHasOne(["human-task", "teleport"]));

        Assert.Equal("No behaviour runs the step type(s) 'teleport'.", failure.Message);
    }
}
