using System.CommandLine;
using ValueStreams.Cli.Files;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Diff;
using ValueStreams.Core.Definitions.Format;

namespace ValueStreams.Cli.Commands;

/// <summary><c>valuestreams diff</c>: what changed between two versions of a value stream, by step and connection rather than by line.</summary>
public static class DiffCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var before = new Argument<string>("before") { Description = "The older file" };
        var after = new Argument<string>("after") { Description = "The newer file" };
        var exitCode = new Option<bool>("--exit-code")
        {
            Description = "Exit 1 when there are differences, 0 when there are none (as git diff --exit-code)",
        };
        var command = new Command("diff",
            "Show the semantic differences between two value stream files: fields, steps added, removed, changed or moved, "
            + "connections added or removed. Exits 0 either way unless --exit-code; a file that cannot be read as a value stream exits 2.")
        {
            before, after, exitCode,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var issues = new IssueWriter(error);
            var old = await ReadAsync(result.GetValue(before)!, issues, error, cancellationToken);
            var now = await ReadAsync(result.GetValue(after)!, issues, error, cancellationToken);
            if (old is null || now is null)
                return CliApp.Usage;

            var report = ValueStreamDiff.Compare(old, now);
            await output.WriteAsync(report.ToText());
            return report.IsEmpty || !result.GetValue(exitCode) ? CliApp.Ok : CliApp.Problem;
        });
        return command;
    }

    /// <summary>Exit 1 means "differences" under --exit-code, so a file that is not a readable value stream is an argument error instead.</summary>
    private static async Task<ValueStreamDefinition?> ReadAsync(string path, IssueWriter issues, TextWriter error, CancellationToken cancellationToken)
    {
        if (await DefinitionFiles.ReadAsync([path], allowFolders: false, error, cancellationToken) is not [var file])
            return null;
        var read = ValueStreamReader.Read(file.Content);
        if (read.Succeeded)
            return read.Definition;
        await issues.ErrorsAsync(file.Path, read.Errors);
        return null;
    }
}
