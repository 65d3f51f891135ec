namespace ValueStreams.Designer.Shared;

/// <summary>What a text box takes in the browser, so that whatever is pasted reaches the server to be checked there.</summary>
public static class BrowserText
{
    /// <summary>
    /// The most a text box holds in the browser. Far above what a field takes (the server says so at the field with the
    /// length typed), and low enough that the text always reaches the server within the connection's message limit.
    /// </summary>
    public const int Limit = 1_000_000;
}
