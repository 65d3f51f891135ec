namespace ValueStreams.Engine.Expressions;

/// <summary>
/// Bounds on every expression, script and template a value stream runs (bound from configuration).
/// A value of zero or less turns that limit off.
/// </summary>
public sealed record ExpressionLimits
{
    /// <summary>Statements one evaluation may execute.</summary>
    public int MaxStatements { get; init; } = 100_000;

    /// <summary>Wall-clock time for one call, however many evaluations it makes (a template's parts share it).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Managed bytes one evaluation may allocate. Jint counts allocation, not live memory, so garbage counts too;
    /// no array may have more elements than would fit in this many bytes.
    /// </summary>
    public long MemoryBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>How many times one function may be on the call stack at once.</summary>
    public int RecursionDepth { get; init; } = 64;

    /// <summary>Characters an expression, script or template may have; longer ones are refused before parsing.</summary>
    public int MaxScriptLength { get; init; } = 20_000;

    /// <summary>UTF-8 bytes of a result as JSON: an expression's value, a template's text, the variables after a script.</summary>
    public int MaxResultBytes { get; init; } = 256 * 1024;
}
