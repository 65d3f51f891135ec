using ValueStreams.Core.Definitions.Format;

namespace ValueStreams.Cli.Files;

/// <summary>Writes problems found in a file one per line, compiler style: <c>file: path: message</c>, <c>file: warning: path: message</c>.</summary>
public sealed class IssueWriter(TextWriter writer)
{
    public async Task ErrorsAsync(string file, IEnumerable<DefinitionIssue> errors)
    {
        foreach (var issue in errors)
            await writer.WriteLineAsync($"{file}: {issue}");
    }

    public async Task WarningsAsync(string file, IEnumerable<DefinitionIssue> warnings)
    {
        foreach (var issue in warnings)
            await writer.WriteLineAsync($"{file}: warning: {issue}");
    }
}
