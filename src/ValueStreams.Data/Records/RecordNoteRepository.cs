using Dapper;
using ValueStreams.Core.Records;
using ValueStreams.Data.Runtime;
using ValueStreams.Data.Store;

namespace ValueStreams.Data.Records;

/// <summary>What became of writing a note on a record.</summary>
public abstract record NoteWrite
{
    public sealed record Done(RecordNote Note) : NoteWrite;
    public sealed record Invalid(RecordFieldError Error) : NoteWrite;
    public sealed record NotFound : NoteWrite;
}

/// <summary>
/// Work notes and comments on records of every kind, in one table. Whoever may see the record (<see cref="RecordAccess"/>)
/// reads and writes its notes; a note leaves the record itself, and so its revision, as it was.
/// </summary>
public sealed class RecordNoteRepository(ConnectionFactory connections, TimeProvider clock)
{
    /// <summary>The record's notes, oldest first, or null when there is no such record the viewer may see.</summary>
    public async Task<IReadOnlyList<RecordNote>?> ListAsync(RecordKind kind, string idOrNumber, Viewer viewer, CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        if (await RecordRepository.LocateAsync(connection, null, kind, idOrNumber, viewer) is not { } record)
            return null;
        var rows = await connection.QueryAsync<NoteRow>(new CommandDefinition(
            "SELECT id AS Id, at AS At, author AS Author, visibility AS Visibility, text AS Text FROM record_notes " +
            "WHERE record_kind = @kind AND record_id = @id ORDER BY at, id",
            new { kind = kind.Descriptor.Name, id = record.Id }, cancellationToken: ct));
        return rows.Select(r => new RecordNote(r.Id, r.At, r.Author, r.Visibility, r.Text)).ToList();
    }

    /// <summary>
    /// Writes a note by the viewer on the record, its text trimmed; a work note when <paramref name="visibility"/> is
    /// null. A record the viewer may not see is not found, whatever the note.
    /// </summary>
    public async Task<NoteWrite> AddAsync(RecordKind kind, string idOrNumber, string? visibility, string? text, Viewer viewer,
        CancellationToken ct = default)
    {
        await using var connection = await connections.OpenAsync(ct);
        if (await RecordRepository.LocateAsync(connection, null, kind, idOrNumber, viewer) is not { } record)
            return new NoteWrite.NotFound();
        if (RecordNote.Check(visibility, text) is { } error)
            return new NoteWrite.Invalid(error);
        var note = new RecordNote(Guid.CreateVersion7().ToString("N"), clock.GetUtcNow(), viewer.Username, visibility ?? RecordNote.Work, text!.Trim());
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO record_notes (id, record_kind, record_id, at, author, visibility, text) " +
            "VALUES (@Id, @kind, @recordId, @At, @Author, @Visibility, @Text)",
            new { note.Id, kind = kind.Descriptor.Name, recordId = record.Id, note.At, note.Author, note.Visibility, note.Text },
            cancellationToken: ct));
        return new NoteWrite.Done(note);
    }

    private sealed class NoteRow
    {
        public string Id { get; init; } = "";
        public DateTimeOffset At { get; init; }
        public string Author { get; init; } = "";
        public string Visibility { get; init; } = "";
        public string Text { get; init; } = "";
    }
}
