using System.Text.Json.Nodes;

namespace ValueStreams.Core.Records;

/// <summary>
/// A record that a new record opens in its turn (an exception event opens an incident): its kind and fields, and the
/// field of the new record that is set to its number.
/// </summary>
public sealed record RecordFollowUp(string Kind, JsonObject Fields, string LinkField);

/// <summary>
/// A configured rule that opens further records when a record is created through the engine (event policies). The
/// records it opens start their own streams, in the same transaction.
/// </summary>
public interface IRecordPolicy
{
    IEnumerable<RecordFollowUp> FollowUps(string kind, JsonObject fields);
}
