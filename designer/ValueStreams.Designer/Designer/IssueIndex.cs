using System.Globalization;
using System.Text.RegularExpressions;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.Validation;

namespace ValueStreams.Designer.Designer;

/// <summary>
/// A validation report looked up by place: the issues of step <c>i</c> (paths <c>steps[i]…</c>), of one field
/// (<c>steps[i].conditions[0].expression</c>), or of the stream itself, so each editor shows what belongs to it.
/// </summary>
public sealed partial class IssueIndex
{
    private readonly Dictionary<int, (int Errors, int Warnings)> _byStep = [];

    public IssueIndex(ValidationReport report)
    {
        Report = report;
        foreach (var issue in report.Errors)
            if (StepIndexOf(issue.Path) is { } i)
                _byStep[i] = (_byStep.GetValueOrDefault(i).Errors + 1, _byStep.GetValueOrDefault(i).Warnings);
        foreach (var issue in report.Warnings)
            if (StepIndexOf(issue.Path) is { } i)
                _byStep[i] = (_byStep.GetValueOrDefault(i).Errors, _byStep.GetValueOrDefault(i).Warnings + 1);
    }

    public static IssueIndex Empty { get; } = new(new ValidationReport([], []));

    public ValidationReport Report { get; }

    public int ErrorsOfStep(int stepIndex) => _byStep.GetValueOrDefault(stepIndex).Errors;

    public int WarningsOfStep(int stepIndex) => _byStep.GetValueOrDefault(stepIndex).Warnings;

    /// <summary>Issues at <paramref name="path"/> exactly, or inside it (<c>path.x</c>, <c>path[k]</c>).</summary>
    public IEnumerable<(DefinitionIssue Issue, bool IsError)> At(string path, bool includeNested = true)
    {
        foreach (var error in Report.Errors.Where(e => Matches(e.Path, path, includeNested)))
            yield return (error, true);
        foreach (var warning in Report.Warnings.Where(w => Matches(w.Path, path, includeNested)))
            yield return (warning, false);
    }

    /// <summary>The step an issue path names (<c>steps[3].name</c> → 3), or null for stream-level paths.</summary>
    public static int? StepIndexOf(string path)
    {
        var match = StepPath().Match(path);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    /// <summary>The connection an issue path names (<c>connections[2].port</c> → 2), or null.</summary>
    public static int? ConnectionIndexOf(string path)
    {
        var match = ConnectionPath().Match(path);
        return match.Success ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : null;
    }

    private static bool Matches(string issuePath, string path, bool includeNested) =>
        issuePath == path || includeNested && issuePath.Length > path.Length && issuePath.StartsWith(path, StringComparison.Ordinal)
            && issuePath[path.Length] is '.' or '[';

    [GeneratedRegex(@"^steps\[(\d+)\]")]
    private static partial Regex StepPath();

    [GeneratedRegex(@"^connections\[(\d+)\]")]
    private static partial Regex ConnectionPath();
}
