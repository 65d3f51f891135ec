using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions.StepTypes;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Engine.Steps;

/// <summary>
/// Waits for an event by name and correlation id (by default the instance's). An event of that name and correlation
/// published before the wait started, within the step's <c>acceptEarlierEvents</c> (default: the engine's event
/// retention), that no other wait has taken, is taken at once and the step goes on; otherwise the token subscribes and waits.
/// </summary>
internal sealed class WaitEventBehaviour : IStepBehaviour
{
    public string Type => "wait-event";

    private sealed record Properties(string Event, string? Correlation, TimeSpan? AcceptEarlier);

    public async Task RunAsync(StepRun run)
    {
        var p = new Properties(StepProperties.RequiredText(run.Properties, "event"), StepProperties.Text(run.Properties, "correlation"),
            StepProperties.Duration(run.Properties, WaitEventStep.AcceptEarlierEvents));
        var deadline = run.ReadTimeout();
        var correlation = p.Correlation is { } expression
            ? Values.AsText(run.Expressions.EvaluateValue(expression, run.Scope))
            : run.Instance.CorrelationId ?? run.Instance.Id;
        var window = p.AcceptEarlier ?? run.Options.EventRetention;
        if (window > TimeSpan.Zero
            && await run.Session.ConsumeRetainedEventAsync(p.Event, correlation, run.Now - window, run.Now, run.Instance.Id) is { } retained)
        {
            run.Instance.Outputs[run.Step.Id] = new JsonObject { ["event"] = p.Event, ["payload"] = retained.Payload?.DeepClone() };
            await run.JournalAsync(JournalEntry.EventReceived, actor: retained.PublishedBy,
                detail: $"{p.Event} / {correlation}, published {retained.PublishedAt:O} before the wait started (retained event {retained.Id})");
            await run.LeaveAsync("done");
            return;
        }
        var subscription = new EventSubscription(Interpreter.NewId(), run.Instance.Id, run.Token.Id, run.Step.Id, p.Event, correlation);
        await run.Session.SubscribeAsync(subscription);
        await run.JournalAsync(JournalEntry.EventAwaited, detail: $"{subscription.EventName} / {correlation}");
        run.Wait(new Bookmark(Bookmark.Event, subscription.Id));
        await run.SetDeadlineAsync(deadline);
    }
}
