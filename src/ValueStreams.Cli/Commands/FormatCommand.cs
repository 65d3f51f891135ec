using System.CommandLine;
using ValueStreams.Cli.Files;
using ValueStreams.Core.Definitions.Format;

namespace ValueStreams.Cli.Commands;

/// <summary><c>valuestreams format</c>: rewrites files in canonical form, so reviews show only real changes.</summary>
public static class FormatCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var check = new Option<bool>("--check")
        {
            Description = "Change nothing: list the files not in canonical form and exit 1 if there are any",
        };
        var paths = new Argument<string[]>("paths")
        {
            Description = "Value stream files, or folders meaning every *.json directly inside them",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("format",
            "Rewrite value stream files in place in canonical form. A file that cannot be read as a value stream is left untouched and its errors listed (exit 1).")
        {
            check, paths,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var files = await DefinitionFiles.ReadAsync(result.GetValue(paths)!, allowFolders: true, error, cancellationToken);
            if (files is null)
                return CliApp.Usage;

            var checkOnly = result.GetValue(check);
            var issues = new IssueWriter(error);
            var failed = 0;
            foreach (var file in files)
            {
                var read = ValueStreamReader.Read(file.Content);
                if (!read.Succeeded)
                {
                    await issues.ErrorsAsync(file.Path, read.Errors);
                    await error.WriteLineAsync($"{file.Path}: not formatted, fix the errors above first");
                    failed++;
                    continue;
                }

                var canonical = ValueStreamWriter.WriteUtf8(read.Definition!);
                if (canonical.AsSpan().SequenceEqual(file.Content))
                    continue;
                if (checkOnly)
                {
                    await output.WriteLineAsync($"{file.Path}: not in canonical form");
                    failed++;
                    continue;
                }
                try
                {
                    await File.WriteAllBytesAsync(file.Path, canonical, cancellationToken);
                    await output.WriteLineAsync($"{file.Path}: formatted");
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    await error.WriteLineAsync($"{file.Path}: cannot be written: {ex.Message}");
                    failed++;
                }
            }
            return failed > 0 ? CliApp.Problem : CliApp.Ok;
        });
        return command;
    }
}
