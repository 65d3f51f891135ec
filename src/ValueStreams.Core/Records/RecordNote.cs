using System.Globalization;

namespace ValueStreams.Core.Records;

/// <summary>
/// A note written on a record: a work note for the people who work it, or a comment its caller or requester may read
/// as well. Notes are an audit trail: written once, never changed or removed.
/// </summary>
public sealed record RecordNote(string Id, DateTimeOffset At, string Author, string Visibility, string Text)
{
    /// <summary>The most characters a note holds.</summary>
    public const int MaxLength = 20_000;

    /// <summary>Seen by agents and admins only.</summary>
    public const string Work = "work";

    /// <summary>Also seen by the record's caller, requester or creator.</summary>
    public const string Comment = "comment";

    public static IReadOnlyList<string> Visibilities { get; } = [Work, Comment];

    /// <summary>
    /// What is wrong with a note as typed, or null; <paramref name="text"/> is checked as it will be stored, trimmed. A note
    /// that names no visibility is a work note.
    /// </summary>
    public static RecordFieldError? Check(string? visibility, string? text)
    {
        if (visibility is not null && !Visibilities.Contains(visibility))
            return new RecordFieldError("visibility", $"'visibility' must be {Work} (agents only) or {Comment} (the caller sees it too).");
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
            return new RecordFieldError("text", "'text' is required: write the note.");
        if (trimmed.Length > MaxLength)
            return new RecordFieldError("text", string.Create(CultureInfo.InvariantCulture,
                $"'text' may be at most {MaxLength:N0} characters; this note has {trimmed.Length:N0}."));
        return null;
    }
}
