namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>Work a person does from their inbox: claim, fill the form, choose an outcome.</summary>
public sealed class HumanTaskStep : StepType
{
    public override StepTypeDescriptor Descriptor { get; } = new(
        "human-task", "Human task", "Work", "A task for a group or role: the assignee fills in the form and chooses an outcome.",
        StepKind.Activity, Automated: false,
        [
            new("title", InputKind.Template, "Task title shown in the inbox", Required: true),
            new("group", InputKind.String, "Candidate group whose members may claim the task (default: the group of the step's first role)", UiHint: UiHints.Group),
            new("assignee", InputKind.String, "Assignee rule: initiator, variable:<name> or user:<name>", UiHint: UiHints.Assignee),
            new("priority", InputKind.Integer, "Task priority, 1 (highest) to 5"),
            new("completion", InputKind.Enum, "With several roles acting together: any one completes, or all must", Options: ["any", "all"]),
            new("evaluates", InputKind.String,
                "The value milestone whose value this task judges: the task is that Value row's work and, as the book prints such rows, carries no value chain activity but 'improve'"),
            Inputs.FormFields,
            Inputs.Outcomes,
            Inputs.Sla,
            Inputs.Timeout,
            Inputs.TimeoutExpression,
            Inputs.ForEach("task", "each {item, outcome, data, completedBy}"),
        ],
        [Inputs.TimeoutPortDescriptor], "outcomes[].id", "assignment_ind");

    public override IReadOnlyList<string> PortsOf(StepDefinition step) => Inputs.WithTimeout(StringsOf(step.Properties, "outcomes", "id"), step);

    public override IEnumerable<StepIssue> Check(StepDefinition step)
    {
        foreach (var issue in Inputs.TimeoutIssues(step))
            yield return issue;
        foreach (var issue in Inputs.CheckForEach(step))
            yield return issue;
        if (step.Properties[Inputs.ForEachProperty] is not null && step.Properties["completion"] is not null)
            yield return new("completion", "a for-each task is one task per item; it cannot also have its roles act together (completion)");
    }
}
