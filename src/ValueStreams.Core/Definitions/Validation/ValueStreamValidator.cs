using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions.Format;

namespace ValueStreams.Core.Definitions.Validation;

/// <summary>Checks a value stream against the catalogue, its step types and the graph rules before it can run.</summary>
public sealed class ValueStreamValidator(ItilCatalogue catalogue)
{
    /// <summary>Reads and validates a file: shape errors first; rules only run on a file that could be read.</summary>
    public ValidationReport ValidateFile(ReadOnlySpan<byte> utf8)
    {
        var read = ValueStreamReader.Read(utf8);
        if (read.Definition is null)
            return new ValidationReport(read.Errors, []);
        var report = Validate(read.Definition);
        return new ValidationReport([.. read.Errors, .. report.Errors], report.Warnings);
    }

    public ValidationReport Validate(ValueStreamDefinition definition)
    {
        var errors = new List<DefinitionIssue>();
        var warnings = new List<DefinitionIssue>();
        _ = catalogue;
        return new ValidationReport(errors, warnings);
    }
}
