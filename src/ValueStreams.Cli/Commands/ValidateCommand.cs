using System.CommandLine;
using ValueStreams.Cli.Files;
using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.Validation;

namespace ValueStreams.Cli.Commands;

/// <summary>
/// <c>valuestreams validate</c>: checks files as the server would before saving them, and that each is named after its id;
/// a call step's output mapping is checked against the called stream when its file is among those given.
/// </summary>
public static class ValidateCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var paths = new Argument<string[]>("paths")
        {
            Description = "Value stream files, or folders meaning every *.json directly inside them",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("validate",
            "Validate value stream files: prints 'file: path: message' for each error and warning, then a summary; exit 1 if any file has an error.")
        {
            paths,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var files = await DefinitionFiles.ReadAsync(result.GetValue(paths)!, allowFolders: true, error, cancellationToken);
            if (files is null)
                return CliApp.Usage;

            var validator = new ValueStreamValidator(ItilCatalogue.Default);
            // Calls between the files given are checked against what the called file declares (its outputs).
            var byId = new Dictionary<string, Core.Definitions.ValueStreamDefinition>(StringComparer.Ordinal);
            foreach (var file in files)
                if (ValueStreamReader.Read(file.Content).Definition is { Id.Length: > 0 } read)
                    byId.TryAdd(read.Id, read);
            var issues = new IssueWriter(output);
            int errorCount = 0, warningCount = 0;
            foreach (var file in files)
            {
                var report = validator.ValidateFile(file.Content, id => byId.GetValueOrDefault(id));
                var errors = report.Errors.ToList();
                if (ValueStreamReader.Read(file.Content).Definition is { Id.Length: > 0 } definition && definition.Id != file.NameAsId)
                    errors.Add(new DefinitionIssue("id", $"'{definition.Id}' does not match the file name '{file.NameAsId}'"));

                await issues.ErrorsAsync(file.Path, errors);
                await issues.WarningsAsync(file.Path, report.Warnings);
                errorCount += errors.Count;
                warningCount += report.Warnings.Count;
            }
            await output.WriteLineAsync($"{Count(files.Count, "file")}, {Count(errorCount, "error")}, {Count(warningCount, "warning")}");
            return errorCount > 0 ? CliApp.Problem : CliApp.Ok;
        });
        return command;
    }

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";
}
