using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.StepTypes;

namespace ValueStreams.Designer.Designer;

/// <summary>
/// What a new value stream starts from: the demand, one value milestone and an end, connected in that order, so the
/// shape every stream needs is there before the first step is added and its gaps (roles, the value) show as issues.
/// </summary>
public static class StreamTemplate
{
    public static ValueStreamDefinition New(string id, string name)
    {
        var definition = new ValueStreamDefinition { Id = id, Name = name };
        string? previous = null;
        var column = 0;
        foreach (var type in new[] { "start", "milestone", "end" })
        {
            var step = StepDefaults.NewStep(definition, StepTypeCatalogue.Find(type)!, new CanvasPosition(column++ * AutoLayout.ColumnWidth, 0));
            definition.Steps.Add(step);
            if (previous is not null)
                definition.Connections.Add(new ConnectionDefinition(previous, step.Id));
            previous = step.Id;
        }
        return definition;
    }
}
