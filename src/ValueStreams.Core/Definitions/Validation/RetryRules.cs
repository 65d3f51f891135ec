using System.Globalization;
using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions.StepTypes;

namespace ValueStreams.Core.Definitions.Validation;

/// <summary>
/// The ranges of a step's <c>retry</c> policy (see <see cref="RetryPolicy"/>): attempts, the first delay, the
/// backoff factor, and a longest wait no shorter than the first. Shapes and kinds are the property rules' part.
/// </summary>
internal static class RetryRules
{
    public static void Check(ValidationContext context)
    {
        for (var i = 0; i < context.Steps.Count; i++)
        {
            if (context.Types[i]?.Descriptor.Inputs.Contains(Inputs.Retry) != true
                || context.Steps[i].Properties[RetryPolicy.Property] is not JsonObject retry)
                continue;
            var path = $"{ValidationContext.StepPath(i)}.{RetryPolicy.Property}";

            if (StepPropertyRules.AsNumber(retry["attempts"]) is { } attempts && attempts == Math.Floor(attempts)
                && attempts is < RetryPolicy.MinAttempts or > RetryPolicy.MaxAttempts)
                context.Error($"{path}.attempts",
                    string.Create(CultureInfo.InvariantCulture, $"attempts must be {RetryPolicy.MinAttempts} to {RetryPolicy.MaxAttempts}, the first attempt included; it is {attempts}"));

            var delay = RetryPolicy.Duration(retry["delay"]);
            if (delay < RetryPolicy.ShortestDelay || delay > RetryPolicy.LongestDelay)
                context.Error($"{path}.delay", $"delay must be PT1S to P1D; it is {Text(retry["delay"])}");

            if (StepPropertyRules.AsNumber(retry["backoff"]) is { } backoff && backoff is < RetryPolicy.MinBackoff or > RetryPolicy.MaxBackoff)
                context.Error($"{path}.backoff", string.Create(CultureInfo.InvariantCulture, $"backoff must be {RetryPolicy.MinBackoff} to {RetryPolicy.MaxBackoff}; it is {backoff}"));

            if (RetryPolicy.Duration(retry["maxDelay"]) is { } maxDelay && delay is { } first && maxDelay < first)
                context.Error($"{path}.maxDelay", $"maxDelay {Text(retry["maxDelay"])} is shorter than the delay {Text(retry["delay"])}");
        }
    }

    private static string? Text(JsonNode? value) => StepPropertyRules.AsString(value);
}
