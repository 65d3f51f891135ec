using System.Text.Json.Nodes;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Engine.Steps;

/// <summary>
/// Starts the published version of another value stream as a child instance, one call level deeper than this
/// instance; in <c>wait</c> mode the token waits until the child completes, faults or is cancelled. With a
/// <c>forEach</c>, one child per item, each started with the item in the item variable; the step waits for all of them.
/// </summary>
internal sealed class CallValueStreamBehaviour : IStepBehaviour
{
    public string Type => "call-value-stream";

    private sealed record Properties(string ValueStream, bool Wait, string? Mode, IReadOnlyList<(string Variable, string Expression)> Input);

    public async Task RunAsync(StepRun run)
    {
        var p = new Properties(StepProperties.RequiredText(run.Properties, "valueStream"), StepProperties.Text(run.Properties, "mode") == "wait",
            StepProperties.Text(run.Properties, "mode"), StepProperties.Pairs(run.Properties, "input", "variable"));
        if (ForEach.Settings.Of(run.Properties) is { } each)
        {
            await ForEach.RunAsync(run, each, Bookmark.Child, _ => StartChildAsync(run, p, waits: true), _ => "done");
            return;
        }
        var child = await StartChildAsync(run, p, p.Wait);
        if (p.Wait)
            run.Wait(new Bookmark(Bookmark.Child, child));
        else
            await run.LeaveAsync("done");
    }

    /// <summary>Creates the child instance, ready at its start, and the job that runs it; returns its id.</summary>
    private static async Task<string> StartChildAsync(StepRun run, Properties p, bool waits)
    {
        var depth = run.Instance.CallDepth + 1;
        if (depth > run.Options.MaxCallDepth)
            throw new StepFailedException(
                $"calling '{p.ValueStream}' would nest value streams {depth} deep; the limit is {run.Options.MaxCallDepth} (does the stream call itself?)");
        var version = await run.Session.PublishedVersionAsync(p.ValueStream)
            ?? throw new StepFailedException($"value stream '{p.ValueStream}' has no published version to start");
        var input = new JsonObject();
        foreach (var (variable, expression) in p.Input)
            input[variable] = run.Expressions.EvaluateValue(expression, run.Scope);

        var childDefinition = await run.Session.LoadDefinitionAsync(p.ValueStream, version)
            ?? throw new StepFailedException($"value stream '{p.ValueStream}' version {version} was not found");
        var child = Interpreter.NewInstance(childDefinition, version, input, run.Instance.CorrelationId, run.Actor, run.Now);
        child.CallDepth = depth;
        child.NewToken(childDefinition.Steps.Single(s => s.Type == "start").Id);
        if (waits)
        {
            child.ParentInstanceId = run.Instance.Id;
            child.ParentTokenId = run.Token.Id;
        }
        await run.Session.InsertInstanceAsync(child);
        await run.Session.AppendJournalAsync(new JournalEntry(child.Id, run.Now, null, JournalEntry.Started, run.Actor, null, $"child of {run.Instance.Id}"));
        await run.EnqueueAsync(OutboxJob.Continue, child.Id);
        await run.JournalAsync(JournalEntry.ChildStarted, p.Mode, $"{p.ValueStream} {child.Id}", run.Actor);
        return child.Id;
    }
}
