namespace ValueStreams.Engine.Runtime;

/// <summary>Settings of the engine, bound from <c>ValueStreams:Engine</c>.</summary>
public sealed class EngineOptions
{
    public const string Section = "ValueStreams:Engine";

    /// <summary>How deep value streams may call one another (a child of a child…); a call beyond it faults its step.</summary>
    public int MaxCallDepth { get; set; } = 8;

    /// <summary>Most items a for-each step runs; a list longer than this faults its step.</summary>
    public int MaxForEachItems { get; set; } = 1000;
}
