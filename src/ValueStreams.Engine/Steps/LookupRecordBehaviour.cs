namespace ValueStreams.Engine.Steps;

/// <summary>Finds a record by field values into a variable; leaves by <c>found</c> or <c>not-found</c>.</summary>
internal sealed class LookupRecordBehaviour : IStepBehaviour
{
    public string Type => "lookup-record";

    private sealed record Properties(string RecordType, string ResultVariable);

    public async Task RunAsync(StepRun run)
    {
        var p = new Properties(StepProperties.RequiredText(run.Properties, "recordType"), StepProperties.RequiredText(run.Properties, "resultVariable"));
        var found = await run.Session.LookupRecordAsync(p.RecordType, Values.Fields(run, "filters"), run.Instance.Id);
        run.Instance.Variables[p.ResultVariable] = found;
        await run.LeaveAsync(found is null ? "not-found" : "found");
    }
}
