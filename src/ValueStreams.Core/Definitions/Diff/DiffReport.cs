using System.Text;

namespace ValueStreams.Core.Definitions.Diff;

/// <summary>
/// What changed between two versions of a value stream, by meaning rather than by line: steps matched
/// by id, connections as a set, a pure move of a step kept apart from a change to what it does.
/// </summary>
public sealed record DiffReport(
    IReadOnlyList<FieldChange> Fields,
    IReadOnlyList<StepSummary> StepsAdded,
    IReadOnlyList<StepSummary> StepsRemoved,
    IReadOnlyList<StepChange> StepsChanged,
    IReadOnlyList<string> ConnectionsAdded,
    IReadOnlyList<string> ConnectionsRemoved)
{
    public bool IsEmpty => Fields.Count == 0 && StepsAdded.Count == 0 && StepsRemoved.Count == 0
        && StepsChanged.Count == 0 && ConnectionsAdded.Count == 0 && ConnectionsRemoved.Count == 0;

    /// <summary>One line per change, each ending in a newline (<c>~</c> changed, <c>+</c> added, <c>-</c> removed, <c>&gt;</c> moved).</summary>
    public string ToText()
    {
        if (IsEmpty)
            return "no differences\n";
        var text = new StringBuilder();
        foreach (var change in Fields)
            text.Append("~ ").Append(change).Append('\n');
        foreach (var step in StepsAdded)
            text.Append($"+ step {step.Id} ({step.Type})\n");
        foreach (var step in StepsRemoved)
            text.Append($"- step {step.Id} ({step.Type})\n");
        foreach (var step in StepsChanged)
        {
            foreach (var change in step.Changes)
                text.Append($"~ step {step.StepId}: {change.Path} {FieldChange.Show(change.Before)} -> {FieldChange.Show(change.After)}\n");
            if (step.Moved is { } moved)
                text.Append($"> step {step.StepId} moved {Show(moved.Before)} -> {Show(moved.After)}\n");
        }
        foreach (var connection in ConnectionsAdded)
            text.Append($"+ connection {connection}\n");
        foreach (var connection in ConnectionsRemoved)
            text.Append($"- connection {connection}\n");
        return text.ToString();
    }

    private static string Show(CanvasPosition position) => $"({position.X},{position.Y})";
}

/// <summary>A value that differs, shown short: strings quoted, lists as <c>[a, b]</c>, JSON compact; null means absent.</summary>
public sealed record FieldChange(string Path, string? Before, string? After)
{
    internal static string Show(string? value) => value ?? "(none)";

    public override string ToString() => $"{Path}: {Show(Before)} -> {Show(After)}";
}

/// <summary>A step that is in both versions; <see cref="Moved"/> is set when only its place on the canvas changed, or that too.</summary>
public sealed record StepChange(string StepId, IReadOnlyList<FieldChange> Changes, PositionChange? Moved);

public sealed record PositionChange(CanvasPosition Before, CanvasPosition After);

/// <summary>A step added or removed.</summary>
public sealed record StepSummary(string Id, string Type);
