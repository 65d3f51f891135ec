namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>Every step type the product knows, in palette order.</summary>
public static class StepTypeCatalogue
{
    public static IReadOnlyList<StepType> All { get; } =
    [
        new StartStep(), new HumanTaskStep(), new DecisionStep(), new ForkStep(), new JoinStep(), new TimerStep(),
        new WaitEventStep(), new SetVariablesStep(), new CreateRecordStep(), new UpdateRecordStep(), new LookupRecordStep(),
        new NotifyStep(), new HttpRequestStep(), new ScriptStep(), new CallValueStreamStep(), new MilestoneStep(), new EndStep(),
    ];

    private static readonly Dictionary<string, StepType> ByName = All.ToDictionary(t => t.Name, StringComparer.Ordinal);

    public static StepType? Find(string type) => ByName.GetValueOrDefault(type);

    public static IReadOnlyList<StepTypeDescriptor> Descriptors { get; } = All.Select(t => t.Descriptor).ToList();
}
