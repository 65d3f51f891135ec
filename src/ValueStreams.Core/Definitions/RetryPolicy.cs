using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;

namespace ValueStreams.Core.Definitions;

/// <summary>
/// How an automated step tries again after it fails (its <c>retry</c> property): <see cref="Attempts"/> in all,
/// counting the first; the first retry waits <see cref="Delay"/>, each further wait is the one before times
/// <see cref="Backoff"/>, and no wait is longer than <see cref="MaxDelay"/>.
/// </summary>
public sealed record RetryPolicy(int Attempts, TimeSpan Delay, double Backoff, TimeSpan? MaxDelay)
{
    public const string Property = "retry";

    public const int MinAttempts = 2;
    public const int MaxAttempts = 10;
    public const double MinBackoff = 1;
    public const double MaxBackoff = 10;
    public const double DefaultBackoff = 2;

    public static readonly TimeSpan ShortestDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan LongestDelay = TimeSpan.FromDays(1);

    /// <summary>Without a <see cref="MaxDelay"/>, waits still stop growing here, so a due time is always a real date.</summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromDays(365);

    /// <summary>The step's policy; null when it has none, or one the validator would refuse to read.</summary>
    public static RetryPolicy? Of(StepDefinition step)
    {
        if (step.Properties[Property] is not JsonObject retry
            || Number(retry["attempts"]) is not { } attempts || attempts != Math.Floor(attempts)
            || Duration(retry["delay"]) is not { } delay)
            return null;
        return new RetryPolicy((int)Math.Clamp(attempts, 1, MaxAttempts), delay, Number(retry["backoff"]) ?? DefaultBackoff, Duration(retry["maxDelay"]));
    }

    /// <summary>The wait before retry number <paramref name="retry"/> (1 is the first retry, i.e. the second attempt).</summary>
    public TimeSpan WaitBefore(int retry)
    {
        var seconds = Delay.TotalSeconds * Math.Pow(Backoff, Math.Max(retry - 1, 0));
        var cap = MaxDelay is { } max && max < LongestWait ? max : LongestWait;
        return seconds >= cap.TotalSeconds || !double.IsFinite(seconds) ? cap : TimeSpan.FromSeconds(seconds);
    }

    /// <summary>An ISO 8601 duration (e.g. <c>PT30S</c>, <c>P1D</c>), or null.</summary>
    public static TimeSpan? Duration(JsonNode? value)
    {
        if (value is not JsonValue v || v.GetValueKind() != JsonValueKind.String)
            return null;
        try
        {
            return XmlConvert.ToTimeSpan(v.GetValue<string>());
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            return null;
        }
    }

    private static double? Number(JsonNode? value) =>
        value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<double>(out var number) && double.IsFinite(number) ? number : null;
}
