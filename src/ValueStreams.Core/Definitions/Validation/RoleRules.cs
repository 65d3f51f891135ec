using ValueStreams.Core.Definitions.StepTypes;

namespace ValueStreams.Core.Definitions.Validation;

/// <summary>R6: demand, value and human-task steps name at least one role; every step role is declared; declared roles are used.</summary>
internal static class RoleRules
{
    public static void Check(ValidationContext context)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < context.Steps.Count; i++)
        {
            var step = context.Steps[i];
            var path = $"{ValidationContext.StepPath(i)}.roles";
            if (step.Roles.Count == 0 && NeedsRole(i, context) is { } what)
                context.Error(path, $"{what} needs at least one role");

            var seen = new HashSet<string>(StringComparer.Ordinal);
            for (var k = 0; k < step.Roles.Count; k++)
            {
                var role = step.Roles[k];
                used.Add(role);
                if (context.FindRole(role) is null)
                    context.Error($"{path}[{k}]", $"unknown role '{role}'");
                else if (!seen.Add(role))
                    context.Error($"{path}[{k}]", $"duplicate role '{role}'");
            }
        }

        var roles = context.Definition.Roles;
        for (var i = 0; i < roles.Count; i++)
            if (roles[i].Id.Length > 0 && !used.Contains(roles[i].Id))
                context.Warning($"roles[{i}]", $"role '{roles[i].Id}' is declared but no step uses it");
    }

    private static string? NeedsRole(int index, ValidationContext context) => context.KindOf(index) switch
    {
        StepKind.Demand => "a start (demand) step",
        StepKind.Value => "a value milestone",
        _ when context.IsType(index, HumanTaskRules.HumanTaskType) => "a human task",
        _ => null,
    };
}
