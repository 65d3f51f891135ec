using System.Diagnostics;
using Xunit.Abstractions;

namespace ValueStreams.ResilienceTests.Support;

/// <summary>Collects every broken invariant so one failure message names them all (the first few in full).</summary>
public sealed class Violations
{
    private readonly List<string> _found = [];

    public void Add(string violation) => _found.Add(violation);

    public void Check(bool ok, Func<string> violation)
    {
        if (!ok)
            _found.Add(violation());
    }

    public int Count => _found.Count;

    public void AssertNone(string what, string? context = null)
    {
        if (_found.Count == 0)
            return;
        var shown = string.Join("\n", _found.Take(25));
        throw new Xunit.Sdk.XunitException(
            $"{_found.Count} violation(s) of '{what}':\n{shown}{(_found.Count > 25 ? "\n..." : "")}{(context is null ? "" : "\n" + context)}");
    }
}

/// <summary>Waits for a condition with a generous deadline (correctness tests: no timing assertions).</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<Task<bool>> done, TimeSpan timeout, Func<Task<string>> describe, TimeSpan? every = null)
    {
        var clock = Stopwatch.StartNew();
        while (!await done())
        {
            if (clock.Elapsed > timeout)
                throw new TimeoutException($"Not done after {timeout.TotalSeconds:N0} s: {await describe()}");
            await Task.Delay(every ?? TimeSpan.FromMilliseconds(500));
        }
    }
}

/// <summary>Writes timed progress lines to the test output.</summary>
public sealed class Progress(ITestOutputHelper output)
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Log(string message)
    {
        var line = $"[{_clock.Elapsed.TotalSeconds,6:F1} s] {message}";
        try { output.WriteLine(line); }
        catch (InvalidOperationException) { /* after the test ended */ }
        Console.WriteLine(line);
    }
}
