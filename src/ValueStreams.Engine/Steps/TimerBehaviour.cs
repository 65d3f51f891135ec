using System.Globalization;
using System.Text.Json.Nodes;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Engine.Steps;

/// <summary>Waits on a durable timer: for a duration, or until the time an expression gives.</summary>
internal sealed class TimerBehaviour : IStepBehaviour
{
    public string Type => "timer";

    private sealed record Properties(TimeSpan? Duration, string? Until);

    public async Task RunAsync(StepRun run)
    {
        var p = new Properties(StepProperties.Duration(run.Properties, "duration"), StepProperties.Text(run.Properties, "until"));
        var due = p.Duration is { } duration ? run.Now + duration : ParseTime(run.Expressions.EvaluateValue(p.Until!, run.Scope));
        var timer = await run.ScheduleTimerAsync(due);
        await run.JournalAsync(JournalEntry.TimerScheduled, detail: due.ToString("O"));
        run.Wait(new Bookmark(Bookmark.Timer, timer.Id));
    }

    private static DateTimeOffset ParseTime(JsonNode? value) =>
        value is JsonValue v && v.TryGetValue<string>(out var text) && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw new StepFailedException($"the timer's 'until' gave {value?.ToJsonString() ?? "null"}, not a date-time");
}
