using ValueStreams.Core.Definitions.StepTypes;

namespace ValueStreams.Core.Definitions.Validation;

/// <summary>R1: exactly one demand (start) step and at least one value milestone; and at least one end to finish on.</summary>
internal static class StreamShapeRules
{
    public static void Check(ValidationContext context)
    {
        var starts = new List<int>();
        bool hasValue = false, hasEnd = false;
        for (var i = 0; i < context.Steps.Count; i++)
        {
            switch (context.KindOf(i))
            {
                case StepKind.Demand:
                    starts.Add(i);
                    break;
                case StepKind.Value:
                    hasValue = true;
                    break;
            }
            hasEnd |= context.IsType(i, GraphRules.EndType);
        }

        if (starts.Count == 0)
            context.Error("steps", "a value stream needs exactly one start (demand) step; it has none");
        foreach (var extra in starts.Skip(1))
            context.Error($"{ValidationContext.StepPath(extra)}.type",
                $"a second start (demand) step; a value stream has exactly one, and it is '{context.Steps[starts[0]].Id}'");
        if (!hasValue)
            context.Error("steps", "a value stream needs at least one value milestone (a step of kind value)");
        if (!hasEnd)
            context.Error("steps", "a value stream needs at least one end step");
    }
}
