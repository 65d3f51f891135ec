using ValueStreams.Core.Records;

namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>Property shapes several step types share.</summary>
internal static class Inputs
{
    /// <summary>Record types a record step may name: every catalogued kind, so that adding a kind's folder is enough for streams to use it.</summary>
    public static readonly IReadOnlyList<string> RecordTypes = [.. RecordKindCatalogue.All.Select(k => k.Descriptor.Name)];

    public static readonly IReadOnlyList<string> FormFieldTypes =
        ["text", "multiline", "number", "choice", "multi-choice", "date-time", "checkbox", "user", "record"];

    public static InputDescriptor RecordType(string description) =>
        new("recordType", InputKind.Enum, description, Required: true, Options: RecordTypes);

    public static InputDescriptor Assignments(string name, string description, bool required) =>
        new(name, InputKind.ObjectList, description, required, Fields:
        [
            new("variable", InputKind.String, "Variable to set", Required: true),
            new("expression", InputKind.Expression, "JavaScript expression giving the value", Required: true),
        ]);

    public static InputDescriptor FieldValues(string name, string description, bool required) =>
        new(name, InputKind.ObjectList, description, required, Fields:
        [
            new("field", InputKind.String, "Record field", Required: true),
            new("expression", InputKind.Expression, "JavaScript expression giving the value", Required: true),
        ]);

    public static readonly InputDescriptor FormFields = new("form", InputKind.ObjectList, "Fields the assignee fills in", Fields:
    [
        new("name", InputKind.String, "Field name, also the variable it is stored in", Required: true),
        new("label", InputKind.String, "Label shown to the assignee", Required: true),
        new("type", InputKind.Enum, "Field type", Required: true, Options: FormFieldTypes),
        new("required", InputKind.Boolean, "The task cannot complete without it"),
        new("options", InputKind.StringList, "Choices for choice and multi-choice fields"),
        new("min", InputKind.Number, "Smallest number (or shortest text)"),
        new("max", InputKind.Number, "Largest number (or longest text)"),
        new("pattern", InputKind.String, "Regular expression a text must match"),
        new("recordType", InputKind.Enum, "Record type for record fields", Options: RecordTypes),
        new("help", InputKind.String, "Help text under the field"),
        new("default", InputKind.Json, "Initial value"),
    ], UiHint: "form-builder");

    public static readonly InputDescriptor Outcomes = new("outcomes", InputKind.ObjectList,
        "Outcomes the assignee chooses from; each is a port. The expected (happy-path) outcome comes first.", Required: true, Fields:
    [
        new("id", InputKind.String, "Port name", Required: true),
        new("label", InputKind.String, "Button text", Required: true),
    ], UiHint: "outcomes");

    public static readonly InputDescriptor Sla = new("sla", InputKind.Object, "Service level for the task", Fields:
    [
        new("respondWithin", InputKind.Duration, "Target to claim the task, ISO 8601 (e.g. PT15M)"),
        new("resolveWithin", InputKind.Duration, "Target to complete the task, ISO 8601 (e.g. PT4H)"),
        new("escalateTo", InputKind.String, "Group told, besides the task's own people, when a target is missed", UiHint: UiHints.Group),
        new("policy", InputKind.String,
            "Service level policy (its id) whose response and resolution targets the task gets by its priority, measured in working time on the policy's calendars"),
    ], UiHint: "sla-policy");

    /// <summary>The deadline of a step that waits (a task, an event); with it, the step gets a <c>timeout</c> port.</summary>
    public static readonly InputDescriptor Timeout = new(TimeoutPort, InputKind.Duration,
        "Deadline, ISO 8601 (e.g. P2D): when it passes first, the wait is withdrawn and the step leaves by its timeout port");

    public const string TimeoutPort = "timeout";

    /// <summary>The deadline worked out when the step starts, instead of a fixed <c>timeout</c>; with it, the step also gets a <c>timeout</c> port.</summary>
    public static readonly InputDescriptor TimeoutExpression = new(TimeoutExpressionName, InputKind.Expression,
        "JavaScript expression giving the deadline as an ISO 8601 duration when the step starts, instead of timeout (e.g. vars.priority === 1 ? 'PT1H' : 'PT8H')");

    public const string TimeoutExpressionName = "timeoutExpression";

    /// <summary>A step sets its deadline one way at most.</summary>
    public static IEnumerable<StepIssue> TimeoutIssues(StepDefinition step)
    {
        if (step.Properties[TimeoutPort] is not null && step.Properties[TimeoutExpressionName] is not null)
            yield return new(TimeoutExpressionName, "set timeout or timeoutExpression, not both");
    }

    /// <summary>The timeout port, which a step has only when it sets a timeout.</summary>
    public static readonly PortDescriptor TimeoutPortDescriptor = new(TimeoutPort, "The deadline passed first (only with a timeout)");

    /// <summary>The step's ports, with the timeout port only when the step sets a timeout.</summary>
    public static IReadOnlyList<string> WithTimeout(IEnumerable<string> ports, StepDefinition step) =>
        step.Properties[TimeoutPort] is null && step.Properties[TimeoutExpressionName] is null ? ports.Where(p => p != TimeoutPort).ToList() : [.. ports.Where(p => p != TimeoutPort), TimeoutPort];

    /// <summary>The optional way out of a step that failed, once its retries are spent.</summary>
    public static readonly PortDescriptor ErrorPort = new("error",
        "Failed, after any retries (optional): outputs[step].error holds {message, attempts}; unconnected, the instance faults", Optional: true);

    /// <summary>The property that runs a human task or a called stream once per item of a list; <see cref="ForEach"/> is its shape.</summary>
    public const string ForEachProperty = StepType.ForEachProperty;

    /// <summary>The ways a for-each runs its items.</summary>
    public static readonly IReadOnlyList<string> ForEachModes = ["parallel", "sequence"];

    /// <summary>Once per item of a list: all at once or one after another, each item's result collected into a list variable.</summary>
    public static InputDescriptor ForEach(string each, string result) => new(ForEachProperty, InputKind.Object,
        $"Run the step once per item of a list ({each}) and collect the results in list order; the step goes on once every item is done", Fields:
    [
        new("items", InputKind.Expression, "JavaScript expression giving the list (e.g. vars.stakeholders)", Required: true),
        new("mode", InputKind.Enum, "All items at once, or one after another in list order", Required: true, Options: ForEachModes),
        new("itemVariable", InputKind.String, $"Variable that holds the item while its {each} is created (e.g. stakeholder)", Required: true),
        new("collect", InputKind.String, $"List variable the results go into, one per item in list order ({result})", Required: true),
    ]);

    /// <summary>The names a for-each and an output mapping give variables: letters, digits, _ and $, not starting with a digit.</summary>
    public static bool IsVariableName(string name) =>
        name.Length is > 0 and <= 64 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$');

    /// <summary>The for-each rules beyond its shape: names that variables can have, and a collect list that is not the item.</summary>
    public static IEnumerable<StepIssue> CheckForEach(StepDefinition step)
    {
        if (step.Properties[ForEachProperty] is not System.Text.Json.Nodes.JsonObject forEach)
            yield break;
        string? Name(string field) => forEach[field] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var text) ? text : null;
        foreach (var field in new[] { "itemVariable", "collect" })
            if (Name(field) is { Length: > 0 } name && !IsVariableName(name))
                yield return new($"{ForEachProperty}.{field}", $"'{name}' is not a variable name (letters, digits, _ or $, not starting with a digit)");
        if (Name("itemVariable") is { Length: > 0 } item && item == Name("collect"))
            yield return new($"{ForEachProperty}.collect", "the results cannot go into the item variable");
    }

    /// <summary>The retry policy of an automated step that can fail; <see cref="RetryPolicy"/> gives its meaning and limits.</summary>
    public static readonly InputDescriptor Retry = new(RetryPolicy.Property, InputKind.Object,
        "Try again when the step fails, before it leaves by its error port or the instance faults (an HTTP request leaves by failed)", Fields:
    [
        new("attempts", InputKind.Integer, $"Attempts in all, the first included ({RetryPolicy.MinAttempts} to {RetryPolicy.MaxAttempts})", Required: true),
        new("delay", InputKind.Duration, "Wait before the first retry, ISO 8601 (PT1S to P1D, e.g. PT30S)", Required: true),
        new("backoff", InputKind.Number, $"Each further wait is the one before times this ({RetryPolicy.MinBackoff:0} to {RetryPolicy.MaxBackoff:0}, default {RetryPolicy.DefaultBackoff:0})"),
        new("maxDelay", InputKind.Duration, "Longest wait, ISO 8601 (at least the delay)"),
    ]);
}
