using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Format;

namespace ValueStreams.Designer.Designer;

/// <summary>The signed-in user as the designer sees them: process owners and admins may edit, everyone else only looks.</summary>
public sealed record WorkbenchUser(string Name, bool CanEdit);

/// <summary>A stream in the list: its published version (if any) and whether a draft waits, with the draft's error count.</summary>
public sealed record ValueStreamListItem(string Id, string Name, int? PublishedVersion, bool HasDraft, int DraftErrors = 0, int DraftWarnings = 0);

/// <summary>Which stored content of a stream: the draft when there is one else the published version, the draft, the published version, or version N.</summary>
public sealed record StreamRevision(StreamRevisionKind Kind, int? Version = null)
{
    public static StreamRevision Latest { get; } = new(StreamRevisionKind.Latest);
    public static StreamRevision Draft { get; } = new(StreamRevisionKind.Draft);
    public static StreamRevision Published { get; } = new(StreamRevisionKind.Published);

    public static StreamRevision OfVersion(int version) => new(StreamRevisionKind.Version, version);
}

public enum StreamRevisionKind { Latest, Draft, Published, Version }

/// <summary>A stored stream read into the model: from its draft, or from a published version.</summary>
public sealed record LoadedValueStream(ValueStreamDefinition Definition, bool IsDraft, int? Version, int? PublishedVersion, string CanonicalText);

/// <summary>One published version.</summary>
public sealed record ValueStreamVersionInfo(int Version, DateTimeOffset PublishedAt, string PublishedBy);

/// <summary>What a write did: refused (with a message and the file's errors), or done (with any warnings and the version it made).</summary>
public sealed record WorkbenchResult(
    bool Refused, string Message, IReadOnlyList<DefinitionIssue> Errors, IReadOnlyList<DefinitionIssue> Warnings,
    string? StreamId = null, int? Version = null)
{
    public static WorkbenchResult Refuse(string message, IReadOnlyList<DefinitionIssue>? errors = null, IReadOnlyList<DefinitionIssue>? warnings = null) =>
        new(true, message, errors ?? [], warnings ?? []);

    public static WorkbenchResult Done(string message, IReadOnlyList<DefinitionIssue> warnings, string? streamId = null, int? version = null,
        IReadOnlyList<DefinitionIssue>? errors = null) =>
        new(false, message, errors ?? [], warnings, streamId, version);
}

/// <summary>A test instance that was started, or why none was.</summary>
public sealed record TestRunResult(TestRunStatus? Status, string? Refusal);

/// <summary>Where a test instance stands: its status, the steps its tokens wait at, and its journal so far.</summary>
public sealed record TestRunStatus(
    string InstanceId, string ValueStreamId, int Version, string Status, bool Finished,
    IReadOnlyList<TestRunActiveStep> ActiveSteps, IReadOnlyList<TestRunJournalLine> Journal, DateTimeOffset UpdatedAt);

/// <summary>A step a token stands at: waiting for something (task, timer, event, child, HTTP call) or faulted.</summary>
public sealed record TestRunActiveStep(string StepId, string? WaitingFor, string? Fault);

public sealed record TestRunJournalLine(long Sequence, DateTimeOffset At, string? StepId, string Event, string? Actor, string? Outcome, string? Detail);

/// <summary>The directory as the designer's pickers offer it: groups and active people, each an id and a name to show.</summary>
public sealed record WorkbenchDirectory(IReadOnlyList<DirectoryEntry> Groups, IReadOnlyList<DirectoryEntry> People)
{
    public static WorkbenchDirectory Empty { get; } = new([], []);
}

public sealed record DirectoryEntry(string Id, string Name);
