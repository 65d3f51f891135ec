namespace ValueStreams.Core.Records.Changes;

/// <summary>The three types of change: pre-authorised standard, assessed and authorised normal, expedited emergency.</summary>
public static class ChangeTypes
{
    public const string Standard = "standard";
    public const string Normal = "normal";
    public const string Emergency = "emergency";

    public static readonly IReadOnlyList<string> All = [Standard, Normal, Emergency];
}
