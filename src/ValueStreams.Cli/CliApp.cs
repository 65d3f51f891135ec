using System.CommandLine;
using ValueStreams.Cli.Commands;

namespace ValueStreams.Cli;

/// <summary>
/// The <c>valuestreams</c> command for admins. Exit codes: 0 success, 1 the work found a problem
/// (invalid file, failed migration), 2 the command line itself was wrong.
/// </summary>
public static class CliApp
{
    public const int Ok = 0;
    public const int Problem = 1;
    public const int Usage = 2;

    public static async Task<int> Main(string[] args) => await RunAsync(args, Console.Out, Console.Error);

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("ValueStreams: manage ITIL 4 value stream definitions and the store.")
        {
            MigrateCommand.Create(output, error),
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
