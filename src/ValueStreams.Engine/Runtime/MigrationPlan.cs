using ValueStreams.Core.Definitions;

namespace ValueStreams.Engine.Runtime;

/// <summary>Where one token stands and whether the target version has a step of the same id and type for it.</summary>
public sealed record TokenMove(string TokenId, string StepId, string? StepType, bool Moves);

/// <summary>
/// What moving an instance to another version would do with each of its tokens: a token moves when the target has
/// its step with the same type. The migration itself and the instance page's preview read the same plan.
/// </summary>
public static class MigrationPlan
{
    public static IReadOnlyList<TokenMove> Of(InstanceState instance, ValueStreamDefinition current, ValueStreamDefinition target) =>
        instance.Tokens.Select(t =>
        {
            var type = current.FindStep(t.StepId)?.Type;
            return new TokenMove(t.Id, t.StepId, type, target.FindStep(t.StepId)?.Type == type);
        }).ToList();
}
