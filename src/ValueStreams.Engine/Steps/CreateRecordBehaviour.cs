using ValueStreams.Engine.Runtime;

namespace ValueStreams.Engine.Steps;

/// <summary>Creates an ITIL record from expressions and keeps its id in a variable.</summary>
internal sealed class CreateRecordBehaviour : IStepBehaviour
{
    public string Type => "create-record";

    private sealed record Properties(string RecordType, string? ResultVariable);

    public async Task RunAsync(StepRun run)
    {
        var p = new Properties(StepProperties.RequiredText(run.Properties, "recordType"), StepProperties.Text(run.Properties, "resultVariable"));
        var id = await run.Session.CreateRecordAsync(p.RecordType, Values.Fields(run, "values"), run.Instance.Id);
        if (p.ResultVariable is { } variable)
            run.Instance.Variables[variable] = id;
        await run.JournalAsync(JournalEntry.RecordWritten, "created", $"{p.RecordType} {id}");
        await run.LeaveAsync("done");
    }
}
