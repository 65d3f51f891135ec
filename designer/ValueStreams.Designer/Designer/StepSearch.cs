using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions;

namespace ValueStreams.Designer.Designer;

/// <summary>
/// Finds steps by what a process owner remembers of them: a part of the step's name, of one of its roles (id or name) or
/// of one of its practices (id or name), in any case. Matches come in reading order (top to bottom, then left to right),
/// so moving through them walks the canvas the way it is read.
/// </summary>
public static class StepSearch
{
    /// <summary>Longest text searched for; longer text is cut, so a pasted paragraph costs no more than a word.</summary>
    public const int MaxLength = 200;

    public static IReadOnlyList<StepMatch> Find(ValueStreamDefinition definition, ItilCatalogue catalogue, string? text)
    {
        var wanted = (text ?? "").Trim();
        if (wanted.Length == 0)
            return [];
        if (wanted.Length > MaxLength)
            wanted = wanted[..MaxLength];

        bool Has(string? value) => value?.Contains(wanted, StringComparison.CurrentCultureIgnoreCase) == true;

        var matches = new List<(StepMatch Match, CanvasPosition At)>();
        foreach (var step in definition.Steps)
        {
            var why = Has(step.Name) ? "name"
                : step.Roles.Any(r => Has(r) || Has(definition.Roles.Find(d => d.Id == r)?.Name)) ? "role"
                : step.Practices.Any(p => Has(p) || Has(catalogue.FindPractice(p)?.Name)) ? "practice"
                : null;
            if (why is not null)
                matches.Add((new StepMatch(step.Id, step.Name, why), step.Position));
        }
        return matches.OrderBy(m => m.At.Y).ThenBy(m => m.At.X).Select(m => m.Match).ToList();
    }
}

/// <summary>A step found by a search, and what matched: its name, a role or a practice.</summary>
public sealed record StepMatch(string StepId, string Name, string MatchedOn);
