using System.Text.Json.Nodes;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Engine.Steps;

/// <summary>
/// Creates an ITIL record from expressions and keeps its id in a variable. An instance that a record started (see
/// <see cref="StartingRecord"/>) works on that record: its first create step of the same kind fills in the starting
/// record instead of creating a second one.
/// </summary>
internal sealed class CreateRecordBehaviour : IStepBehaviour
{
    public string Type => "create-record";

    private sealed record Properties(string RecordType, string? ResultVariable);

    public async Task RunAsync(StepRun run)
    {
        var p = new Properties(StepProperties.RequiredText(run.Properties, "recordType"), StepProperties.Text(run.Properties, "resultVariable"));
        var values = Values.Fields(run, "values");
        var actor = StartingRecord.Actor(run.Instance);
        string id;
        if (StartingRecord.Unadopted(run.Instance, p.RecordType) is { } starting)
        {
            id = starting.Id;
            if (!await run.Session.UpdateRecordAsync(p.RecordType, id, values, actor, run.Instance.Id))
                throw new StepFailedException($"the {p.RecordType} '{id}' that started the instance no longer exists");
            StartingRecord.MarkAdopted(run.Instance);
            await run.JournalAsync(JournalEntry.RecordWritten, "adopted", $"{p.RecordType} {starting.Number ?? id}");
        }
        else
        {
            var created = await run.Session.CreateRecordAsync(p.RecordType, values, actor, run.Instance.Id);
            id = created.Id;
            await run.JournalAsync(JournalEntry.RecordWritten, "created", $"{p.RecordType} {created.Number ?? id}");
        }
        if (p.ResultVariable is { } variable)
            run.Instance.Variables[variable] = id;
        await run.LeaveAsync("done");
    }
}

/// <summary>
/// The record that started an instance (a record-created trigger), kept in the variable <c>startingRecord</c> as
/// <c>{kind, id, number, adopted}</c>.
/// </summary>
public static class StartingRecord
{
    public const string Variable = "startingRecord";

    public static JsonObject Describe(RecordRef record) =>
        new() { ["kind"] = record.Kind, ["id"] = record.Id, ["number"] = record.Number, ["adopted"] = false };

    internal static RecordRef? Unadopted(InstanceState instance, string kind) =>
        instance.Variables[Variable] is JsonObject r && r["kind"]?.GetValue<string>() == kind && r["adopted"]?.GetValue<bool>() != true
            ? new RecordRef(kind, r["id"]!.GetValue<string>(), r["number"]?.GetValue<string>())
            : null;

    internal static void MarkAdopted(InstanceState instance)
    {
        if (instance.Variables[Variable] is JsonObject r)
            r["adopted"] = true;
    }

    /// <summary>Who a record's history names for the changes an instance makes.</summary>
    internal static string Actor(InstanceState instance) => $"{instance.ValueStreamId} ({instance.Id[^8..]})";
}
