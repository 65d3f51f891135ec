using ValueStreams.Engine.Runtime;

namespace ValueStreams.Engine.Steps;

/// <summary>Writes an email or webhook message from templates; a background job delivers it after the run commits.</summary>
internal sealed class NotifyBehaviour : IStepBehaviour
{
    public string Type => "notify";

    private sealed record Properties(string Channel, string? To, string? Subject, string Body, string? Url);

    public async Task RunAsync(StepRun run)
    {
        var q = run.Properties;
        var p = new Properties(StepProperties.RequiredText(q, "channel"), StepProperties.Text(q, "to"), StepProperties.Text(q, "subject"),
            StepProperties.RequiredText(q, "body"), StepProperties.Text(q, "url"));
        string? Render(string? template) => template is null ? null : run.Expressions.RenderTemplate(template, run.Scope);
        var message = new OutgoingMessage(Interpreter.NewId(), p.Channel, Render(p.To), Render(p.Subject), Render(p.Body)!, Render(p.Url),
            run.Instance.Id, null, run.Now);
        await run.Session.CreateMessageAsync(message);
        await run.EnqueueAsync(OutboxJob.DeliverMessage, OutboxJob.Target(run.Instance.Id, message.Id));
        await run.JournalAsync(JournalEntry.Notified, message.Channel,
            message.Channel == "email" ? $"to {message.Recipient}: {message.Subject}" : $"webhook {message.Url}");
        await run.LeaveAsync("done");
    }
}
