using System.Globalization;

namespace ValueStreams.TestSupport;

/// <summary>
/// The command line of a benchmark program: options one after another, some followed by a value. Each program
/// says what its options do to its settings; this reads them, checks the values and reports the first problem.
/// </summary>
public sealed class BenchmarkArguments
{
    private readonly string[] _args;
    private int _at;

    private BenchmarkArguments(string[] args) => _args = args;

    /// <summary>The option being read.</summary>
    public string Option => _args[_at];

    /// <summary>The option's value: the next argument.</summary>
    public string Value() => _at + 1 < _args.Length ? _args[++_at] : throw new ArgumentException($"{Option} needs a value");

    public int Positive()
    {
        var option = Option;
        return int.TryParse(Value(), CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{option} needs a positive whole number");
    }

    /// <summary>The build configuration of the host to start: Release or Debug, in any case.</summary>
    public string Configuration() => Value() is var value && value.ToLowerInvariant() switch
    {
        "release" => "Release",
        "debug" => "Debug",
        _ => null,
    } is { } configuration
        ? configuration
        : throw new ArgumentException($"--configuration is Release or Debug, not {value}");

    /// <summary>What to throw for an option the program does not know.</summary>
    public ArgumentException Unknown() => new($"Unknown option {Option}");

    /// <summary>
    /// Applies every option to <paramref name="defaults"/> in turn; null, with the problem on standard error, when one
    /// is unknown or its value is wrong.
    /// </summary>
    public static T? Parse<T>(string[] args, T defaults, Func<T, BenchmarkArguments, T> apply) where T : class
    {
        var reader = new BenchmarkArguments(args);
        var settings = defaults;
        try
        {
            for (reader._at = 0; reader._at < args.Length; reader._at++)
                settings = apply(settings, reader);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine(e.Message);
            return null;
        }
        return settings;
    }

    /// <summary>
    /// The exit code when the program should stop before it starts: 0 after printing the usage for --help, 2 after
    /// the problem and the usage for a wrong command line; null when <paramref name="settings"/> holds what to run.
    /// </summary>
    public static int? ExitBeforeStart<T>(string[] args, string usage, Func<string[], T?> parse, out T? settings) where T : class
    {
        settings = null;
        if (args.Any(a => a is "-h" or "--help" or "-?"))
        {
            Console.WriteLine(usage);
            return 0;
        }
        settings = parse(args);
        if (settings is not null)
            return null;
        Console.Error.WriteLine(usage);
        return 2;
    }
}
