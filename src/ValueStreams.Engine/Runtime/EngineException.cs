namespace ValueStreams.Engine.Runtime;

/// <summary>Why the engine refused a request; the API turns these into 404, 409, 403 and 400.</summary>
public enum EngineRefusal { NotFound, Conflict, Forbidden, Invalid }

/// <summary>A request the engine refused, with a message for the caller and, for invalid input, the fields at fault.</summary>
public sealed class EngineException(EngineRefusal refusal, string message, IReadOnlyList<(string Path, string Message)>? errors = null)
    : Exception(message)
{
    public EngineRefusal Refusal { get; } = refusal;
    public IReadOnlyList<(string Path, string Message)> Errors { get; } = errors ?? [];
}
