using System.Diagnostics;

namespace ValueStreams.Benchmarks.Engine;

internal static class Log
{
    private static readonly Stopwatch Clock = Stopwatch.StartNew();

    public static void Progress(string message) =>
        Console.Error.WriteLine($"[bench {Clock.Elapsed.TotalSeconds,6:F1}s] {message}");
}
