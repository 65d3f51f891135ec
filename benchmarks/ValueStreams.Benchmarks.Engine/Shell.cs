using System.Diagnostics;
using System.Text;

namespace ValueStreams.Benchmarks.Engine;

/// <summary>Runs a command to its end and returns its exit code and output; kills it when cancelled.</summary>
internal static class Shell
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public Result OrThrow(string what) => ExitCode == 0
            ? this
            : throw new InvalidOperationException($"{what} failed with exit code {ExitCode}:\n{Output}\n{Error}".TrimEnd());
    }

    /// <summary>Environment.UserName is the effective user's name on Unix (getpwuid(geteuid())).</summary>
    public static bool IsRoot => Environment.UserName == "root";

    public static async Task<Result> RunAsync(string file, IEnumerable<string> arguments, CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        if (environment is not null)
            foreach (var (name, value) in environment)
                start.Environment[name] = value;

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var error = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            throw;
        }
        return new Result(process.ExitCode, await output, await error);
    }

    /// <summary>
    /// Runs a shell command line as the <c>postgres</c> user when this program runs as root (PostgreSQL refuses
    /// to run as root), otherwise as the current user.
    /// </summary>
    public static Task<Result> RunAsPostgresAsync(string commandLine, CancellationToken cancellationToken) =>
        IsRoot
            ? RunAsync("su", ["postgres", "-s", "/bin/sh", "-c", commandLine], cancellationToken)
            : RunAsync("/bin/sh", ["-c", commandLine], cancellationToken);

    /// <summary>One shell word: single-quoted, with embedded single quotes escaped.</summary>
    public static string Quote(string word) => "'" + word.Replace("'", "'\\''") + "'";

    public static string Join(IEnumerable<string> words)
    {
        var text = new StringBuilder();
        foreach (var word in words)
            text.Append(text.Length == 0 ? "" : " ").Append(Quote(word));
        return text.ToString();
    }

    /// <summary>Output of a short informational command, or "unknown".</summary>
    public static string Capture(string file, params string[] arguments)
    {
        try
        {
            var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var argument in arguments)
                start.ArgumentList.Add(argument);
            using var process = Process.Start(start)!;
            var text = process.StandardOutput.ReadToEnd().Trim();
            process.WaitForExit();
            return text.Length > 0 ? text : "unknown";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return "unknown";
        }
    }
}
