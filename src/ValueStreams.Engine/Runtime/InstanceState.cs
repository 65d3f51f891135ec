using System.Text.Json.Nodes;

namespace ValueStreams.Engine.Runtime;

/// <summary>Where an instance stands. Only <see cref="Waiting"/> and <see cref="Running"/> instances move on.</summary>
public static class InstanceStatus
{
    public const string Running = "running";
    public const string Waiting = "waiting";
    public const string Completed = "completed";
    public const string Faulted = "faulted";
    public const string Cancelled = "cancelled";
    public const string Suspended = "suspended";

    public static bool IsFinished(string status) => status is Completed or Cancelled;
}

/// <summary>What a waiting token waits for: a human task, a timer, an event, a child instance, an HTTP call or the time to retry its step.</summary>
public sealed record Bookmark(string Kind, string Id)
{
    public const string Task = "task";

    /// <summary>Several tasks of one multi-role step (one per role's group); the id is the token's.</summary>
    public const string Tasks = "tasks";
    public const string Timer = "timer";
    public const string Event = "event";
    public const string Child = "child";
    public const string Http = "http";

    /// <summary>A script step whose script runs outside the run's transaction; the id is the token's.</summary>
    public const string Script = "script";

    /// <summary>The timer after which a failed step runs again (its retry policy); the id is the timer's.</summary>
    public const string Retry = "retry";

    /// <summary>The open items of a for-each step (tasks or children, in <see cref="Token.ForEach"/>); the id is the token's.</summary>
    public const string Each = "each";
}

/// <summary>A position in the graph. A token is ready to run its step, waiting on a bookmark, or faulted at its step.</summary>
public sealed class Token
{
    public string Id { get; set; } = "";
    public string StepId { get; set; } = "";
    public Bookmark? WaitingFor { get; set; }
    public string? Fault { get; set; }

    /// <summary>Failed attempts of the step the token stands at, counted by its retry policy; a new token starts at 0.</summary>
    public int Attempts { get; set; }

    /// <summary>The timer of the step's deadline, while the token waits at a step with a timeout.</summary>
    public string? Deadline { get; set; }

    /// <summary>The fork visits (<c>fork-id#n</c>) the token is inside, outermost first; its join waits for them.</summary>
    public List<string> Branches { get; set; } = [];

    /// <summary>Where a for-each step the token stands at has got to; null elsewhere.</summary>
    public ForEachState? ForEach { get; set; }
}

/// <summary>The items of one visit of a for-each step: the list, the results so far, and the tasks or children still open.</summary>
public sealed class ForEachState
{
    /// <summary>The list the step's <c>items</c> expression gave when the token arrived.</summary>
    public JsonArray Items { get; set; } = [];

    /// <summary>One result per item, in list order; null while the item is not done.</summary>
    public JsonArray Results { get; set; } = [];

    /// <summary>Items whose task or child has been created.</summary>
    public int Started { get; set; }

    /// <summary>What the open items are: <see cref="Bookmark.Task"/> or <see cref="Bookmark.Child"/>.</summary>
    public string OpenKind { get; set; } = Bookmark.Task;

    /// <summary>The open items' tasks or child instances, by id, with the index of their item.</summary>
    public Dictionary<string, int> Open { get; set; } = [];
}

/// <summary>A join waiting for the branches of one visit of its fork.</summary>
public sealed class JoinWait
{
    public string StepId { get; set; } = "";

    /// <summary>Branch tokens that have reached the join so far.</summary>
    public int Arrived { get; set; }

    /// <summary>The join has gone on; later arrivals are absorbed.</summary>
    public bool Released { get; set; }

    /// <summary>The timer of the step's deadline, while the token waits at a step with a timeout.</summary>
    public string? Deadline { get; set; }

    /// <summary>The fork visits the token that goes on is inside: those around the fork.</summary>
    public List<string> Branches { get; set; } = [];
}

/// <summary>
/// A running value stream: the version it started on, its variables and the tokens that mark where
/// work stands. Stored as one row (state as JSON) so a run writes it in one statement.
/// </summary>
public sealed class InstanceState
{
    public string Id { get; set; } = "";
    public string ValueStreamId { get; set; } = "";
    public int Version { get; set; }
    public string Status { get; set; } = InstanceStatus.Running;
    public string? CorrelationId { get; set; }
    public string CreatedBy { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public string? ParentInstanceId { get; set; }
    public string? ParentTokenId { get; set; }

    /// <summary>Status before a suspension, restored on resume.</summary>
    public string? SuspendedFrom { get; set; }

    public JsonObject Variables { get; set; } = [];
    public JsonNode? Input { get; set; }

    /// <summary>What each completed step produced, by step id (task outcome and data, HTTP responses, …).</summary>
    public JsonObject Outputs { get; set; } = [];

    public List<Token> Tokens { get; set; } = [];

    /// <summary>Joins waiting for branches, by the fork visit (<c>fork-id#n</c>) they close.</summary>
    public Dictionary<string, JoinWait> Joins { get; set; } = [];

    public int NextForkNumber { get; set; } = 1;

    /// <summary>How many calls deep this instance runs: 0 when started directly, its parent's depth plus one as a child.</summary>
    public int CallDepth { get; set; }

    /// <summary>Increases with every saved run; guards against lost updates.</summary>
    public long Revision { get; set; }

    public int NextTokenNumber { get; set; } = 1;

    public Token NewToken(string stepId)
    {
        var token = new Token { Id = $"t{NextTokenNumber++}", StepId = stepId };
        Tokens.Add(token);
        return token;
    }
}
