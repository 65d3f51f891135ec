using ValueStreams.Engine.Runtime;

namespace ValueStreams.Engine.Steps;

/// <summary>Subscribes the token to an event by name and correlation id (by default the instance's) and waits.</summary>
internal sealed class WaitEventBehaviour : IStepBehaviour
{
    public string Type => "wait-event";

    private sealed record Properties(string Event, string? Correlation);

    public async Task RunAsync(StepRun run)
    {
        var p = new Properties(StepProperties.RequiredText(run.Properties, "event"), StepProperties.Text(run.Properties, "correlation"));
        var correlation = p.Correlation is { } expression
            ? Values.AsText(run.Expressions.EvaluateValue(expression, run.Scope))
            : run.Instance.CorrelationId ?? run.Instance.Id;
        var subscription = new EventSubscription(Interpreter.NewId(), run.Instance.Id, run.Token.Id, run.Step.Id, p.Event, correlation);
        await run.Session.SubscribeAsync(subscription);
        await run.JournalAsync(JournalEntry.EventAwaited, detail: $"{subscription.EventName} / {correlation}");
        run.Wait(new Bookmark(Bookmark.Event, subscription.Id));
        await run.SetDeadlineAsync();
    }
}
