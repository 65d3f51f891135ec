using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions.Format;

namespace ValueStreams.Core.Definitions.Validation;

/// <summary>Checks a value stream against the catalogue, its step types and the graph rules before it can run.</summary>
public sealed class ValueStreamValidator(ItilCatalogue catalogue)
{
    /// <summary>The rule families, in the order their issues are reported.</summary>
    private static readonly Action<ValidationContext>[] Rules =
    [
        IdentifierRules.Check,
        VariableRules.Check,
        StreamShapeRules.Check,
        StepPropertyRules.Check,
        RetryRules.Check,
        CatalogueTagRules.Check,
        RoleRules.Check,
        HumanTaskRules.Check,
        FlowStepRules.Check,
        CallRules.Check,
        RecordStepRules.Check,
        OutputRules.Check,
        ConnectionRules.Check,
        GraphRules.Check,
    ];

    /// <summary>
    /// Reads and validates a file: shape errors first; rules only run on a file that could be read, and a rule's
    /// error at a path the reader already flagged (e.g. an empty id) is left out, so each problem is told once.
    /// </summary>
    /// <remarks><paramref name="calledStream"/> gives the published stream a call step names, so its output mapping can be checked.</remarks>
    public ValidationReport ValidateFile(ReadOnlySpan<byte> utf8, Func<string, ValueStreamDefinition?>? calledStream = null)
    {
        var read = ValueStreamReader.Read(utf8);
        if (read.Definition is null)
            return new ValidationReport(read.Errors, []);
        var report = Validate(read.Definition, calledStream);
        var flagged = read.Errors.Select(e => e.Path).ToHashSet(StringComparer.Ordinal);
        return new ValidationReport([.. read.Errors, .. report.Errors.Where(e => !flagged.Contains(e.Path))], report.Warnings);
    }

    public ValidationReport Validate(ValueStreamDefinition definition) => Validate(definition, null);

    /// <remarks><paramref name="calledStream"/> gives the published stream a call step names, so its output mapping can be checked.</remarks>
    public ValidationReport Validate(ValueStreamDefinition definition, Func<string, ValueStreamDefinition?>? calledStream)
    {
        var context = new ValidationContext(definition, catalogue, calledStream);
        foreach (var rule in Rules)
            rule(context);
        return new ValidationReport(context.Errors, context.Warnings);
    }
}
