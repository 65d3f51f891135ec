using ValueStreams.Core.Definitions.Flow;

namespace ValueStreams.Core.Definitions.Validation;

/// <summary>
/// Joins wait for at least two inbound branches (and n-of-m for no more than arrive), and each is paired with the fork
/// whose branches it brings together; fork branches are distinct.
/// </summary>
internal static class FlowStepRules
{
    private const string JoinType = "join";
    private const string ForkType = "fork";

    public static void Check(ValidationContext context)
    {
        var inbound = new int[context.Steps.Count];
        foreach (var connection in context.Definition.Connections)
            if (context.IndexOf(connection.To) is var to and >= 0)
                inbound[to]++;

        var pairing = ForkJoinPairing.Of(context.Definition);
        for (var i = 0; i < context.Steps.Count; i++)
        {
            if (context.IsType(i, JoinType))
            {
                CheckJoin(i, inbound[i], context);
                if (pairing.PartingOf(context.Steps[i].Id) is { } parting && inbound[i] >= 2)
                    context.Error(ValidationContext.StepPath(i),
                        $"join '{context.Steps[i].Id}' is not paired with a fork: the paths into it part at '{parting}', not at a fork; " +
                        "a join brings together the branches of one fork (choices that meet again connect straight to the next step)");
            }
            else if (context.IsType(i, ForkType))
                CheckFork(i, context);
        }
    }

    private static void CheckJoin(int index, int inbound, ValidationContext context)
    {
        var path = ValidationContext.StepPath(index);
        if (inbound < 2)
            context.Error(path, $"a join needs at least two inbound connections; it has {inbound}");
        var step = context.Steps[index];
        if (StepPropertyRules.AsString(step.Properties["mode"]) == "n-of-m" && StepPropertyRules.AsNumber(step.Properties["count"]) is { } count)
        {
            if (count < 1)
                context.Error($"{path}.count", $"count {count} must be at least 1");
            else if (count > inbound)
                context.Error($"{path}.count", $"count {count} is more than the {inbound} inbound connections");
        }
    }

    private static void CheckFork(int index, ValidationContext context)
    {
        if (context.Steps[index].Properties["branches"] is not System.Text.Json.Nodes.JsonArray branches)
            return;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < branches.Count; k++)
            if (StepPropertyRules.AsString(branches[k]) is { Length: > 0 } branch && !seen.Add(branch))
                context.Error($"{ValidationContext.StepPath(index)}.branches[{k}]", $"duplicate branch '{branch}'");
    }
}
