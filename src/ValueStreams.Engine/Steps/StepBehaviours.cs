using ValueStreams.Core.Definitions.StepTypes;

namespace ValueStreams.Engine.Steps;

/// <summary>The behaviour of every step type; <see cref="EnsureEveryStepTypeHasOne"/> is the host's start-up check.</summary>
public static class StepBehaviours
{
    public static IReadOnlyList<IStepBehaviour> All { get; } =
    [
        new StartBehaviour(), new HumanTaskBehaviour(), new DecisionBehaviour(), new ForkBehaviour(), new JoinBehaviour(),
        new TimerBehaviour(), new WaitEventBehaviour(), new SetVariablesBehaviour(), new CreateRecordBehaviour(),
        new UpdateRecordBehaviour(), new LookupRecordBehaviour(), new NotifyBehaviour(), new HttpRequestBehaviour(),
        new ScriptBehaviour(), new CallValueStreamBehaviour(), new MilestoneBehaviour(), new EndBehaviour(),
    ];

    private static readonly Dictionary<string, IStepBehaviour> ByType = All.ToDictionary(b => b.Type, StringComparer.Ordinal);

    public static IStepBehaviour? For(string type) => ByType.GetValueOrDefault(type);

    /// <summary>Fails, naming them, when step types have no behaviour: a type the designer offers must be able to run.</summary>
    public static void EnsureEveryStepTypeHasOne(IEnumerable<string>? types = null)
    {
        var missing = (types ?? StepTypeCatalogue.All.Select(t => t.Name)).Where(t => !ByType.ContainsKey(t)).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException($"No behaviour runs the step type(s) {string.Join(", ", missing.Select(t => $"'{t}'"))}.");
    }
}
