using System.Text.Json.Nodes;
using ValueStreams.Core.Records;
using ValueStreams.Core.ServiceLevels;

namespace ValueStreams.Designer.Records;

/// <summary>
/// What the record pages need for the signed-in agent: lists, one record with its history, notes and streams, creating
/// and changing records. The host implements it over the same repository and engine the records API uses.
/// </summary>
public interface IRecordDesk
{
    /// <summary>A page of records of a kind; unknown filter or sort names come back as an error message.</summary>
    Task<RecordListResult> ListAsync(string kind, RecordListRequest request, CancellationToken cancellationToken = default);

    /// <summary>A record by id or number, or null.</summary>
    Task<JsonObject?> FindAsync(string kind, string idOrNumber, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<RecordChangeLine>> HistoryAsync(string kind, string id, CancellationToken cancellationToken = default);

    /// <summary>The service level calendars and policies in force, for reading a record's clocks.</summary>
    Task<ServiceLevelSet> ServiceLevelsAsync(CancellationToken cancellationToken = default);

    /// <summary>The stages of the record's clocks' warning ladders: fired (warned, breached) and still to come.</summary>
    Task<IReadOnlyList<ClockStage>> ClockStagesAsync(string kind, string id, CancellationToken cancellationToken = default);

    /// <summary>Creates a record (starting the streams its kind triggers); a refusal names each failing field.</summary>
    Task<RecordSaveResult> CreateAsync(string kind, JsonObject fields, CancellationToken cancellationToken = default);

    /// <summary>Changes a record read at <paramref name="revision"/>; a record changed since then is refused as stale.</summary>
    Task<RecordSaveResult> UpdateAsync(string kind, string id, JsonObject changes, int revision, CancellationToken cancellationToken = default);

    /// <summary>
    /// The records a value stream instance works on (kind, collection, id, number, title, state and role: started,
    /// created, updated or read), in the order it first touched them; empty when the agent may not see the instance.
    /// </summary>
    Task<IReadOnlyList<JsonObject>> OfInstanceAsync(string instanceId, CancellationToken cancellationToken = default);

    /// <summary>
    /// The record's links both ways, as read from this record (people's links and reference fields), leaving out
    /// records the agent may not see.
    /// </summary>
    Task<IReadOnlyList<RecordLinkLine>> LinksAsync(string kind, string id, CancellationToken cancellationToken = default);

    /// <summary>The record's work notes and comments, oldest first; empty when the agent may not see the record.</summary>
    Task<IReadOnlyList<RecordNote>> NotesAsync(string kind, string id, CancellationToken cancellationToken = default);

    /// <summary>Adds a note by the agent (<see cref="RecordNote.Work"/> or <see cref="RecordNote.Comment"/>); a refusal says what is wrong.</summary>
    Task<RecordNoteSave> AddNoteAsync(string kind, string id, string visibility, string text, CancellationToken cancellationToken = default);

    /// <summary>
    /// The value stream instances working on the record as read (its <c>instances</c>), each with its stream's name and
    /// the open tasks the agent may see, due first.
    /// </summary>
    Task<IReadOnlyList<RecordStreamLine>> StreamsAsync(JsonObject record, CancellationToken cancellationToken = default);
}

/// <summary>How adding a note went: the note as stored, or what is wrong with it.</summary>
public sealed record RecordNoteSave(RecordNote? Note, string? Problem);

/// <summary>A value stream instance working on a record, with its open tasks.</summary>
public sealed record RecordStreamLine(string InstanceId, string ValueStreamName, string Status, IReadOnlyList<RecordTaskLine> OpenTasks);

/// <summary>An open task as the record page lists it: its step's name and its own title, who it waits for and when it is due.</summary>
public sealed record RecordTaskLine(string Id, string StepName, string Title, string? Assignee, string? Group, DateTimeOffset? DueAt);

/// <summary>A link as the record page shows it: how it reads from this record, and the record at the other end.</summary>
public sealed record RecordLinkLine(string Label, bool Outgoing, string Collection, string Number, string Title, string State);

/// <summary>What a list asks for: filters by field, a text search, a sort (<c>-</c> for descending) and a page.</summary>
public sealed record RecordListRequest(IReadOnlyDictionary<string, string> Filters, string? Search, string? Sort, int Page, int PageSize);

/// <summary>A page of a list; a search that matches more than it counts says so with <paramref name="TotalExact"/> false.</summary>
public sealed record RecordListResult(IReadOnlyList<JsonObject> Items, int Total, string? Error, bool TotalExact = true);

/// <summary>One field's change in a record's history.</summary>
public sealed record RecordChangeLine(DateTimeOffset At, string Actor, string Field, string? Old, string? New);

/// <summary>How a save went: the record as saved, or the message and the failing fields.</summary>
public sealed record RecordSaveResult(JsonObject? Record, string? Message, IReadOnlyDictionary<string, string> FieldErrors, bool Stale = false)
{
    public bool Saved => Record is not null;
}
