using System.CommandLine;
using ValueStreams.Cli.Server;

namespace ValueStreams.Cli.Commands;

/// <summary><c>valuestreams export</c>: downloads the published version of every value stream into a folder of files.</summary>
public static class ExportCommand
{
    public static Command Create(TextWriter output, TextWriter error, Func<Uri, HttpClient> httpClients)
    {
        var server = new ServerOptions();
        var folder = new Option<string>("--out")
        {
            Description = "Folder to write <id>.json into, one per value stream (created if missing; existing files are overwritten)",
            Required = true,
        };
        var command = new Command("export",
            "Write the published version of every value stream on a server to <out>/<id>.json, byte for byte as the server holds it. Exit 1 if any could not be written.");
        server.AddTo(command);
        command.Add(folder);
        command.SetAction(async (result, cancellationToken) =>
        {
            var target = result.GetValue(folder)!;
            try
            {
                Directory.CreateDirectory(target);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                await error.WriteLineAsync($"{target}: cannot be used as the output folder: {ex.Message}");
                return CliApp.Usage;
            }

            try
            {
                using var api = await server.ConnectAsync(result, httpClients, cancellationToken);
                var published = (await api.ListAsync(cancellationToken))
                    .Where(s => s.PublishedVersion is not null)
                    .OrderBy(s => s.Id, StringComparer.Ordinal)
                    .ToList();
                if (published.Count == 0)
                    await output.WriteLineAsync($"The server at {api.Server} has no published value streams; nothing to export.");

                var failed = 0;
                foreach (var stream in published)
                {
                    if (!IsPlainFileName(stream.Id))
                    {
                        await error.WriteLineAsync($"export: the id '{stream.Id}' cannot be used as a file name; skipped");
                        failed++;
                        continue;
                    }
                    var file = Path.Combine(target, $"{stream.Id}.json");
                    var content = await api.GetPublishedFileAsync(stream.Id, cancellationToken);
                    try
                    {
                        await File.WriteAllBytesAsync(file, content, cancellationToken);
                        await output.WriteLineAsync($"{file}: {stream.Id} version {stream.PublishedVersion}");
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        await error.WriteLineAsync($"{file}: cannot be written: {ex.Message}");
                        failed++;
                    }
                }
                return failed > 0 ? CliApp.Problem : CliApp.Ok;
            }
            catch (ServerException ex)
            {
                await error.WriteLineAsync($"export: {ex.Message}");
                return CliApp.Problem;
            }
        });
        return command;
    }

    /// <summary>Ids come from the server: never let one name a path outside the output folder.</summary>
    private static bool IsPlainFileName(string id) =>
        id.Length > 0 && id != "." && id != ".." && id.IndexOfAny(['/', '\\']) < 0 && id.IndexOfAny(Path.GetInvalidFileNameChars()) < 0;
}
