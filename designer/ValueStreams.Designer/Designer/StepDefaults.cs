using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.StepTypes;

namespace ValueStreams.Designer.Designer;

/// <summary>The properties a new step starts with: required choices set to their first option, required lists empty.</summary>
public static class StepDefaults
{
    /// <summary>A new step of a type, named after it, with a fresh kebab-case id and the type's required defaults.</summary>
    public static StepDefinition NewStep(ValueStreamDefinition definition, StepType type, CanvasPosition position) => new()
    {
        Id = StepIds.NewId(definition, type.Descriptor.Type),
        Type = type.Descriptor.Type,
        Name = StepIds.NewName(definition, type.Descriptor.DisplayName),
        Properties = For(type.Descriptor),
        Position = position,
    };

    public static JsonObject For(StepTypeDescriptor descriptor)
    {
        var properties = new JsonObject();
        foreach (var input in descriptor.Inputs.Where(i => i.Required))
        {
            switch (input.Kind)
            {
                case InputKind.Enum when input.Options is { Count: > 0 } options:
                    properties[input.Name] = options[0];
                    break;
                case InputKind.ObjectList or InputKind.StringList:
                    properties[input.Name] = new JsonArray();
                    break;
            }
        }
        return properties;
    }
}
