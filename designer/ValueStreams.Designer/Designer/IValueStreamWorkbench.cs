using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Diff;
using ValueStreams.Core.Definitions.Validation;

namespace ValueStreams.Designer.Designer;

/// <summary>
/// What the designer pages need from the server: the stored value streams, their versions and drafts, validation,
/// and a test instance to follow. Implemented by the host over the definition library, the repository and the engine,
/// so the designer depends on neither. Writes are refused (<see cref="WorkbenchResult.Refused"/>) for users who are
/// neither process owners nor admins.
/// </summary>
public interface IValueStreamWorkbench
{
    /// <summary>Who is signed in, and whether they may change value streams.</summary>
    Task<WorkbenchUser> CurrentUserAsync(CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ValueStreamListItem>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>A stored revision of a stream as its model, or <c>null</c> when the stream (or that revision) does not exist.</summary>
    Task<LoadedValueStream?> LoadAsync(string id, StreamRevision revision, CancellationToken cancellationToken = default);

    ValidationReport Validate(ValueStreamDefinition definition);

    /// <summary>The groups and people of the directory, for the pickers of a step's group and assignee.</summary>
    Task<WorkbenchDirectory> DirectoryAsync(CancellationToken cancellationToken = default);

    /// <summary>Saves the definition as the stream's draft (creating the stream when it is new); refused when it does not validate.</summary>
    Task<WorkbenchResult> SaveDraftAsync(ValueStreamDefinition definition, CancellationToken cancellationToken = default);

    /// <summary>Publishes the saved draft as the next version.</summary>
    Task<WorkbenchResult> PublishAsync(string id, CancellationToken cancellationToken = default);

    Task<IReadOnlyList<ValueStreamVersionInfo>> VersionsAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>What changed from version <paramref name="fromVersion"/> to <paramref name="to"/>; <c>null</c> when either does not exist.</summary>
    Task<DiffReport?> DiffAsync(string id, int fromVersion, StreamRevision to, CancellationToken cancellationToken = default);

    /// <summary>Makes a published version the stream's draft again.</summary>
    Task<WorkbenchResult> RestoreAsync(string id, int version, CancellationToken cancellationToken = default);

    /// <summary>Imports a value stream file and publishes it (the same content as the current version changes nothing).</summary>
    Task<WorkbenchResult> ImportAsync(byte[] file, CancellationToken cancellationToken = default);

    /// <summary>The canonical file text of a stored revision, or <c>null</c> when it does not exist.</summary>
    Task<string?> ExportAsync(string id, StreamRevision revision, CancellationToken cancellationToken = default);

    /// <summary>Starts an instance of the published version with an input (its variables' starting values), to try the stream out.</summary>
    Task<TestRunResult> StartTestInstanceAsync(string id, System.Text.Json.Nodes.JsonObject? input, CancellationToken cancellationToken = default);

    /// <summary>Where a test instance stands now, with its journal; <c>null</c> when it does not exist.</summary>
    Task<TestRunStatus?> TestInstanceAsync(string instanceId, CancellationToken cancellationToken = default);
}
