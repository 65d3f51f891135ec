using System.Text.RegularExpressions;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.Validation;

namespace ValueStreams.Designer.Designer;

/// <summary>One problem as the validation panel lists it: the step it is about (if any), where in it, and what is wrong, in words.</summary>
public sealed record ShownIssue(string? StepId, string Place, string Message, string Path, bool IsError, bool FromServer = false);

/// <summary>
/// The validator's report turned into the panel's list: one entry per problem, in the words of the step it is about.
/// The validator names every consequence of a missing connection (a step nothing reaches, every step after it, every
/// step before it that now reaches no end, each open port); here they become one entry on the step where the flow
/// breaks. Errors the server gave on the last save show only while the stream is as it was then, and only when the
/// live check does not already say the same.
/// </summary>
public static partial class IssueList
{
    private const string Unreachable = "unreachable from the start";
    private const string NoEnd = "no path from here to an end";

    public static IReadOnlyList<ShownIssue> Of(ValueStreamDefinition definition, ValidationReport report, IReadOnlyList<DefinitionIssue> serverErrors)
    {
        var shown = new List<ShownIssue>();
        var live = report.Errors.Select(e => (e.Path, e.Message)).ToHashSet();
        foreach (var error in serverErrors.Where(e => !live.Contains((e.Path, e.Message))).Distinct())
            shown.Add(Entry(definition, error, isError: true) with { FromServer = true });
        shown.AddRange(Connectivity(definition, report.Errors));
        foreach (var error in report.Errors.Where(e => !IsConnectivity(e)).Distinct())
            shown.Add(Entry(definition, error, isError: true));
        foreach (var warning in report.Warnings.Distinct())
            shown.Add(Entry(definition, warning, isError: false));
        return shown;
    }

    /// <summary>"Human task 2 › Form field 1 › Options" for <c>steps[3].form[0].options</c>: the step's name, then the field's labels.</summary>
    public static string PlaceOf(ValueStreamDefinition definition, string path)
    {
        var parts = new List<string>();
        var rest = path;
        if (IssueIndex.StepIndexOf(path) is { } i)
        {
            parts.Add(i < definition.Steps.Count ? definition.Steps[i].Name : $"Step {i + 1}");
            rest = path[(path.IndexOf(']') + 1)..].TrimStart('.');
        }
        else if (IssueIndex.ConnectionIndexOf(path) is { } j)
        {
            parts.Add(j < definition.Connections.Count ? $"Connection from {NameOf(definition, definition.Connections[j].From)}" : $"Connection {j + 1}");
            rest = path[(path.IndexOf(']') + 1)..].TrimStart('.');
        }
        foreach (var segment in rest.Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            var item = Item().Match(segment);
            parts.Add(item.Success
                ? $"{Labels.Of(Labels.Singular(item.Groups["name"].Value))} {int.Parse(item.Groups["k"].Value, System.Globalization.CultureInfo.InvariantCulture) + 1}"
                : Labels.Of(segment));
        }
        return parts.Count == 0 ? "The stream" : string.Join(" › ", parts);
    }

    private static ShownIssue Entry(ValueStreamDefinition definition, DefinitionIssue issue, bool isError) =>
        new(StepOf(definition, issue.Path), PlaceOf(definition, issue.Path), issue.Message, issue.Path, isError);

    private static string? StepOf(ValueStreamDefinition definition, string path) =>
        IssueIndex.StepIndexOf(path) is { } i && i < definition.Steps.Count ? definition.Steps[i].Id
        : IssueIndex.ConnectionIndexOf(path) is { } j && j < definition.Connections.Count && definition.FindStep(definition.Connections[j].From) is not null
            ? definition.Connections[j].From
            : null;

    private static string NameOf(ValueStreamDefinition definition, string stepId) => definition.FindStep(stepId)?.Name ?? stepId;

    private static bool IsConnectivity(DefinitionIssue issue) =>
        IssueIndex.StepIndexOf(issue.Path) is { } i && issue.Path == $"steps[{i}]" && (issue.Message is Unreachable or NoEnd || OpenPort().IsMatch(issue.Message));

    /// <summary>
    /// One entry per step where the flow breaks. A step nothing reaches only because the step before it is unreached
    /// is left out (the break is there), as is a step that reaches no end only because the step after it reaches none;
    /// a loop with no way in (or out) is reported at its first step.
    /// </summary>
    private static IEnumerable<ShownIssue> Connectivity(ValueStreamDefinition definition, IReadOnlyList<DefinitionIssue> errors)
    {
        var count = definition.Steps.Count;
        var unreached = new bool[count];
        var noEnd = new bool[count];
        var openPorts = new List<string>[count];
        foreach (var error in errors.Where(IsConnectivity))
        {
            var i = IssueIndex.StepIndexOf(error.Path)!.Value;
            if (i >= count)
                continue;
            if (error.Message == Unreachable)
                unreached[i] = true;
            else if (error.Message == NoEnd)
                noEnd[i] = true;
            else
                (openPorts[i] ??= []).Add(OpenPort().Match(error.Message).Groups["port"].Value);
        }

        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
            index.TryAdd(definition.Steps[i].Id, i);
        var forward = Enumerable.Range(0, count).Select(_ => new List<int>()).ToArray();
        var backward = Enumerable.Range(0, count).Select(_ => new List<int>()).ToArray();
        foreach (var connection in definition.Connections)
            if (index.TryGetValue(connection.From, out var from) && index.TryGetValue(connection.To, out var to))
            {
                forward[from].Add(to);
                backward[to].Add(from);
            }
        var unreachedRoots = Roots(unreached, backward, forward);
        var noEndRoots = Roots(noEnd, forward, backward);

        for (var i = 0; i < count; i++)
        {
            var parts = new List<string>();
            if (unreachedRoots[i])
                parts.Add("nothing leads to it from the start");
            if (openPorts[i] is { Count: > 0 } ports)
                parts.Add(ports.Count == 1 ? $"its port '{ports[0]}' leads nowhere" : $"its ports {string.Join(", ", ports.Select(p => $"'{p}'"))} lead nowhere");
            else if (noEndRoots[i])
                parts.Add("it leads to no end");
            if (parts.Count > 0)
                yield return new ShownIssue(definition.Steps[i].Id, definition.Steps[i].Name, $"not connected: {string.Join(", and ", parts)}",
                    $"steps[{i}]", IsError: true);
        }
    }

    /// <summary>
    /// The flagged steps no flagged step leads to (along <paramref name="inward"/>); flagged steps still not covered by
    /// what those lead to (a closed loop) get their first step as a root too.
    /// </summary>
    private static bool[] Roots(bool[] flagged, List<int>[] inward, List<int>[] outward)
    {
        var roots = new bool[flagged.Length];
        var covered = new bool[flagged.Length];
        void Cover(int root)
        {
            roots[root] = true;
            var queue = new Queue<int>([root]);
            covered[root] = true;
            while (queue.TryDequeue(out var step))
                foreach (var next in outward[step].Where(n => flagged[n] && !covered[n]))
                {
                    covered[next] = true;
                    queue.Enqueue(next);
                }
        }
        for (var i = 0; i < flagged.Length; i++)
            if (flagged[i] && !inward[i].Any(n => flagged[n]))
                Cover(i);
        for (var i = 0; i < flagged.Length; i++)
            if (flagged[i] && !covered[i])
                Cover(i);
        return roots;
    }

    [GeneratedRegex(@"^port '(?<port>.*)' is not connected$")]
    private static partial Regex OpenPort();

    [GeneratedRegex(@"^(?<name>[^\[]+)\[(?<k>\d+)\]$")]
    private static partial Regex Item();
}
