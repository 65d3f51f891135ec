using System.CommandLine;
using System.Runtime.CompilerServices;
using ValueStreams.Cli.Commands;
using ValueStreams.Cli.Server;

[assembly: InternalsVisibleTo("ValueStreams.Tests")]

namespace ValueStreams.Cli;

/// <summary>
/// The <c>valuestreams</c> command for admins. Exit codes: 0 success, 1 the work found a problem
/// (invalid file, failed migration, server refused or unreachable), 2 the command line itself was
/// wrong (including a path that names nothing readable).
/// </summary>
public static class CliApp
{
    public const int Ok = 0;
    public const int Problem = 1;
    public const int Usage = 2;

    public static async Task<int> Main(string[] args) => await RunAsync(args, Console.Out, Console.Error);

    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error) =>
        RunAsync(args, output, error, ValueStreamsApiClient.CreateHttpClient);

    /// <summary>Runs with <paramref name="httpClients"/> making the client for a server URL: tests pass an in-memory host's.</summary>
    internal static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, Func<Uri, HttpClient> httpClients)
    {
        var root = new RootCommand("ValueStreams: manage ITIL 4 value stream definitions and the store.")
        {
            ValidateCommand.Create(output, error),
            FormatCommand.Create(output, error),
            DiffCommand.Create(output, error),
            ExportCommand.Create(output, error, httpClients),
            ImportCommand.Create(output, error, httpClients),
            MigrateCommand.Create(output, error),
            HistoryCommand.Create(output, error),
        };
        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
                await error.WriteLineAsync(parseError.Message);
            await error.WriteLineAsync("Run 'valuestreams --help' for usage.");
            return Usage;
        }
        return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }
}
