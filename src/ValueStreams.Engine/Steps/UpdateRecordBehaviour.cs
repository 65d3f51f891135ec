using ValueStreams.Engine.Runtime;

namespace ValueStreams.Engine.Steps;

/// <summary>Changes fields of the record an expression names; a record that does not exist fails the step.</summary>
internal sealed class UpdateRecordBehaviour : IStepBehaviour
{
    public string Type => "update-record";

    private sealed record Properties(string RecordType, string Record);

    public async Task RunAsync(StepRun run)
    {
        var p = new Properties(StepProperties.RequiredText(run.Properties, "recordType"), StepProperties.RequiredText(run.Properties, "record"));
        var id = Values.AsText(run.Expressions.EvaluateValue(p.Record, run.Scope));
        if (!await run.Session.UpdateRecordAsync(p.RecordType, id, Values.Fields(run, "values"), StartingRecord.Actor(run.Instance), run.Instance.Id))
            throw new StepFailedException($"there is no {p.RecordType} record '{id}' to update");
        await run.JournalAsync(JournalEntry.RecordWritten, "updated", $"{p.RecordType} {id}");
        await run.LeaveAsync("done");
    }
}
