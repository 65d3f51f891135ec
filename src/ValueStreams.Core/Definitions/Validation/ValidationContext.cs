using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.StepTypes;

namespace ValueStreams.Core.Definitions.Validation;

/// <summary>
/// What every rule family shares while one definition is validated: the definition, the catalogue,
/// look-ups built once (so rules stay linear in steps and connections) and the issues found so far.
/// </summary>
internal sealed class ValidationContext
{
    private readonly Dictionary<string, int> _stepIndex = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RoleDefinition> _roles = new(StringComparer.Ordinal);
    private readonly Dictionary<string, VariableDefinition> _variables = new(StringComparer.Ordinal);

    public ValidationContext(ValueStreamDefinition definition, ItilCatalogue catalogue, Func<string, ValueStreamDefinition?>? calledStream = null)
    {
        CalledStream = calledStream;
        Definition = definition;
        Catalogue = catalogue;
        Types = definition.Steps.Select(s => StepTypeCatalogue.Find(s.Type)).ToList();
        for (var i = 0; i < definition.Steps.Count; i++)
            _stepIndex.TryAdd(definition.Steps[i].Id, i);
        foreach (var role in definition.Roles)
            _roles.TryAdd(role.Id, role);
        foreach (var variable in definition.Variables)
            _variables.TryAdd(variable.Name, variable);
    }

    public ValueStreamDefinition Definition { get; }
    public ItilCatalogue Catalogue { get; }

    /// <summary>The published stream a call step names, when the caller of the validator can tell; null when it cannot.</summary>
    public Func<string, ValueStreamDefinition?>? CalledStream { get; }

    /// <summary>The type of each step, by index; <c>null</c> where the type is unknown.</summary>
    public IReadOnlyList<StepType?> Types { get; }

    public List<DefinitionIssue> Errors { get; } = [];
    public List<DefinitionIssue> Warnings { get; } = [];

    public IReadOnlyList<StepDefinition> Steps => Definition.Steps;

    public void Error(string path, string message) => Errors.Add(new DefinitionIssue(path, message));

    public void Warning(string path, string message) => Warnings.Add(new DefinitionIssue(path, message));

    /// <summary>The index of the first step with this id, or -1.</summary>
    public int IndexOf(string stepId) => _stepIndex.GetValueOrDefault(stepId, -1);

    public RoleDefinition? FindRole(string roleId) => _roles.GetValueOrDefault(roleId);

    public VariableDefinition? FindVariable(string name) => _variables.GetValueOrDefault(name);

    public StepKind? KindOf(int stepIndex) => Types[stepIndex]?.Descriptor.Kind;

    public bool IsType(int stepIndex, string type) => Types[stepIndex]?.Name == type;

    public static string StepPath(int stepIndex) => $"steps[{stepIndex}]";

    public static string Quote(string text) => $"'{text}'";
}
