using ValueStreams.Core.Definitions.Format;

namespace ValueStreams.Core.Definitions.Validation;

/// <summary>What validation found: errors stop a draft being saved or published; warnings are advice.</summary>
public sealed record ValidationReport(IReadOnlyList<DefinitionIssue> Errors, IReadOnlyList<DefinitionIssue> Warnings)
{
    public bool IsValid => Errors.Count == 0;
}
