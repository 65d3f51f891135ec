namespace ValueStreams.Core.Records.Surveys;

/// <summary>
/// A satisfaction survey about a record (an incident, a request): sent to its recipient, returned with a score from 1 to
/// 5 and a comment, then closed; an unanswered survey is closed too.
/// </summary>
public sealed class SurveyKind : RecordKind
{
    public const int LowestScore = 1;
    public const int HighestScore = 5;

    public override RecordKindDescriptor Descriptor { get; } = new(
        "survey", "surveys", "Survey", "surveys", "SRV",
        [
            new("relatedRecord", "related_record", RecordFieldType.Reference, "Record it asks about", MaxLength: 100),
            new("recipient", "recipient", RecordFieldType.Text, "Recipient", MaxLength: 200),
            new("score", "score", RecordFieldType.Number, "Score (1–5)"),
            new("comment", "comment", RecordFieldType.LongText, "Comment", MaxLength: 10_000),
        ],
        [
            new("draft", "Draft"),
            new("sent", "Sent"),
            new("returned", "Returned"),
            new("closed", "Closed", Final: true),
        ],
        [
            new("draft", "sent", "send"),
            new("draft", "closed", "close"),
            new("sent", "returned", "return"),
            new("sent", "closed", "close unanswered"),
            new("returned", "closed", "close"),
        ]);

    public override IEnumerable<RecordFieldError> Check(IReadOnlyDictionary<string, object?> values, string? fromState)
    {
        if (values["score"] is double score && (score < LowestScore || score > HighestScore || score != Math.Floor(score)))
            yield return new RecordFieldError("score", $"'score' must be a whole number from {LowestScore} to {HighestScore}.");
    }
}
