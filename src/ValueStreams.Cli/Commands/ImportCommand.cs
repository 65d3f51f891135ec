using System.CommandLine;
using ValueStreams.Cli.Files;
using ValueStreams.Cli.Server;

namespace ValueStreams.Cli.Commands;

/// <summary><c>valuestreams import</c>: publishes files on a server; a file equal to the latest published version is left as it is.</summary>
public static class ImportCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<Uri, HttpClient> httpClients)
    {
        var server = new ServerOptions();
        var paths = new Argument<string[]>("paths")
        {
            Description = "Value stream files, or folders meaning every *.json directly inside them",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("import",
            "Publish value stream files on a server: each becomes a new published version, or is reported unchanged when it equals "
            + "the latest one. Prints 'file: id version N published|unchanged', or the server's errors; exit 1 if any file was refused.");
        server.AddTo(command);
        command.Add(paths);
        command.SetAction(async (result, cancellationToken) =>
        {
            var files = await DefinitionFiles.ReadAsync(result.GetValue(paths)!, allowFolders: true, error, cancellationToken);
            if (files is null)
                return CliApp.Usage;

            var sent = 0;
            try
            {
                using var api = await server.ConnectAsync(result, httpClients, cancellationToken);
                var issues = new IssueWriter(error);
                var refused = 0;
                foreach (var file in files)
                {
                    var outcome = await api.ImportAsync(file.Content, cancellationToken);
                    sent++;
                    if (outcome.Imported is { } imported)
                    {
                        await output.WriteLineAsync($"{file.Path}: {imported.Id} version {imported.Version} {imported.Status}");
                        continue;
                    }
                    await error.WriteLineAsync($"{file.Path}: not imported: {outcome.Refusal}");
                    await issues.ErrorsAsync(file.Path, outcome.Errors);
                    refused++;
                }
                return refused > 0 ? CliApp.Problem : CliApp.Ok;
            }
            catch (ServerException ex)
            {
                await error.WriteLineAsync($"import: {ex.Message}");
                if (sent > 0)
                    await error.WriteLineAsync($"import: stopped after {sent} of {files.Count} files");
                return CliApp.Problem;
            }
        });
        return command;
    }
}
