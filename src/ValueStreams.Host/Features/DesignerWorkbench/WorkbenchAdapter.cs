using System.Security.Claims;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components.Authorization;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Diff;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.Validation;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Definitions;
using ValueStreams.Data.Identity;
using ValueStreams.Data.Runtime;
using ValueStreams.Designer.Designer;
using ValueStreams.Engine.Runtime;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Host.Features.Definitions;


namespace ValueStreams.Host.Features.DesignerWorkbench;

/// <summary>
/// The designer's workbench over the definition library (validate, draft, publish, import, restore), the repository
/// (list, versions, stored files), the engine (test instances) and the instance queries. Every write checks the signed-in
/// user's roles here as well as in the page, so an agent's circuit cannot change a stream.
/// </summary>
public sealed class WorkbenchAdapter(
    ValueStreamLibrary library,
    ValueStreamRepository repository,
    ValueStreamValidator validator,
    WorkflowEngine engine,
    InstanceQueries instances,
    InstanceAccess access,
    UserRepository users,
    AuthenticationStateProvider authentication) : IValueStreamWorkbench
{
    private const string ReadOnlyRefusal = "Only process owners and admins may change value streams.";

    public async Task<WorkbenchUser> CurrentUserAsync(CancellationToken cancellationToken = default)
    {
        var user = await UserAsync();
        return new WorkbenchUser(user.Identity?.Name ?? "", CanEdit(user));
    }

    public async Task<IReadOnlyList<ValueStreamListItem>> ListAsync(CancellationToken cancellationToken = default) =>
        (await repository.ListAsync(cancellationToken))
        .Select(s => new ValueStreamListItem(s.Id, s.Name, s.PublishedVersion, s.HasDraft, s.DraftErrors ?? 0, s.DraftWarnings ?? 0))
        .ToList();

    public async Task<LoadedValueStream?> LoadAsync(string id, StreamRevision revision, CancellationToken cancellationToken = default)
    {
        var (stored, isDraft) = await StoredAsync(id, revision, cancellationToken);
        if (stored is null)
            return null;
        var published = (await repository.ListAsync(cancellationToken)).FirstOrDefault(s => s.Id == id)?.PublishedVersion;
        // Stored content is canonical and was valid when it was stored, so it always reads.
        var definition = ValueStreamReader.Read(stored.Content).Definition!;
        return new LoadedValueStream(definition, isDraft, stored.Version, published, stored.Content);
    }

    public ValidationReport Validate(ValueStreamDefinition definition) => validator.Validate(definition);

    public async Task<WorkbenchDirectory> DirectoryAsync(CancellationToken cancellationToken = default) =>
        new((await users.ListGroupsAsync(cancellationToken)).Select(g => new DirectoryEntry(g.Id, g.Name)).ToList(),
            (await users.ListAsync(cancellationToken)).Where(u => u.IsActive).Select(u => new DirectoryEntry(u.Username, u.DisplayName)).ToList());

    public async Task<WorkbenchResult> SaveDraftAsync(ValueStreamDefinition definition, CancellationToken cancellationToken = default)
    {
        var user = await UserAsync();
        if (!CanEdit(user))
            return WorkbenchResult.Refuse(ReadOnlyRefusal);
        var outcome = await library.SaveDraftAsync(definition.Id, ValueStreamWriter.WriteUtf8(definition), Name(user), cancellationToken);
        if (!outcome.Stored)
            return WorkbenchResult.Refuse($"The draft of '{definition.Id}' does not read as a value stream and was not saved.", outcome.Errors, outcome.Warnings);
        return WorkbenchResult.Done(
            outcome.Refused
                ? $"Draft of '{definition.Id}' saved with {outcome.Errors.Count} error(s) to fix before it can be published."
                : $"Draft of '{definition.Id}' saved.",
            outcome.Warnings, definition.Id, errors: outcome.Errors);
    }

    public async Task<WorkbenchResult> PublishAsync(string id, CancellationToken cancellationToken = default)
    {
        var user = await UserAsync();
        if (!CanEdit(user))
            return WorkbenchResult.Refuse(ReadOnlyRefusal);
        var outcome = await library.PublishDraftAsync(id, Name(user), cancellationToken);
        if (outcome is null)
            return WorkbenchResult.Refuse($"'{id}' has no draft to publish; save a draft first.");
        if (outcome.Refused)
            return WorkbenchResult.Refuse($"The draft of '{id}' is invalid and was not published.", outcome.Errors, outcome.Warnings);
        var published = outcome.Published!;
        return WorkbenchResult.Done(
            published.Unchanged ? $"The draft equals version {published.Version}; nothing new was published." : $"Published version {published.Version} of '{id}'.",
            outcome.Warnings, id, published.Version);
    }

    public async Task<IReadOnlyList<ValueStreamVersionInfo>> VersionsAsync(string id, CancellationToken cancellationToken = default) =>
        (await repository.VersionsAsync(id, cancellationToken))
        .Select(v => new ValueStreamVersionInfo(v.Version, v.PublishedAt, v.PublishedBy))
        .ToList();

    public async Task<DiffReport?> DiffAsync(string id, int fromVersion, StreamRevision to, CancellationToken cancellationToken = default)
    {
        var before = await repository.GetPublishedAsync(id, fromVersion, cancellationToken);
        var (after, _) = await StoredAsync(id, to, cancellationToken);
        if (before is null || after is null)
            return null;
        return ValueStreamDiff.Compare(ValueStreamReader.Read(before.Content).Definition!, ValueStreamReader.Read(after.Content).Definition!);
    }

    public async Task<WorkbenchResult> RestoreAsync(string id, int version, CancellationToken cancellationToken = default)
    {
        var user = await UserAsync();
        if (!CanEdit(user))
            return WorkbenchResult.Refuse(ReadOnlyRefusal);
        var outcome = await library.RestoreAsync(id, version, Name(user), cancellationToken);
        if (outcome is null)
            return WorkbenchResult.Refuse($"'{id}' has no version {version}.");
        return outcome.Refused
            ? WorkbenchResult.Refuse($"Version {version} of '{id}' no longer validates and was not restored.", outcome.Errors, outcome.Warnings)
            : WorkbenchResult.Done($"Version {version} of '{id}' is now the draft.", outcome.Warnings, id);
    }

    public async Task<WorkbenchResult> ImportAsync(byte[] file, CancellationToken cancellationToken = default)
    {
        var user = await UserAsync();
        if (!CanEdit(user))
            return WorkbenchResult.Refuse(ReadOnlyRefusal);
        var outcome = await library.ImportAsync(file, Name(user), cancellationToken);
        if (outcome.Refused)
            return WorkbenchResult.Refuse("The file is invalid and was not imported.", outcome.Errors, outcome.Warnings);
        var id = outcome.Definition!.Id;
        var published = outcome.Published!;
        return WorkbenchResult.Done(
            published.Unchanged ? $"'{id}' is unchanged (version {published.Version})." : $"Imported '{id}' as version {published.Version}.",
            outcome.Warnings, id, published.Version);
    }

    public async Task<string?> ExportAsync(string id, StreamRevision revision, CancellationToken cancellationToken = default) =>
        (await StoredAsync(id, revision, cancellationToken)).Stored?.Content;

    public async Task<TestRunResult> StartTestInstanceAsync(string id, JsonObject? input, CancellationToken cancellationToken = default)
    {
        var user = await UserAsync();
        if (!CanEdit(user))
            return new TestRunResult(null, ReadOnlyRefusal);
        try
        {
            var instance = await engine.StartAsync(id, input, correlationId: null, Name(user), cancellationToken);
            return new TestRunResult(await TestInstanceAsync(instance.Id, cancellationToken), null);
        }
        catch (EngineException refused)
        {
            return new TestRunResult(null, refused.Message);
        }
    }

    public async Task<TestRunStatus?> TestInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        if (!await access.MaySeeAsync(instanceId, (await UserAsync()).ToViewer(), cancellationToken))
            return null;
        var instance = await instances.FindAsync(instanceId, cancellationToken);
        if (instance is null)
            return null;
        var journal = await instances.JournalAsync(instanceId, cancellationToken);
        return new TestRunStatus(
            instance.Id, instance.ValueStreamId, instance.Version, instance.Status, InstanceStatus.IsFinished(instance.Status),
            instance.Tokens.Select(t => new TestRunActiveStep(t.StepId, t.WaitingFor?.Kind, t.Fault)).ToList(),
            journal.Select(j => new TestRunJournalLine(j.Sequence, j.At, j.StepId, j.Event, j.Actor, j.Outcome, j.Detail)).ToList(),
            instance.UpdatedAt);
    }

    private async Task<(StoredDefinition? Stored, bool IsDraft)> StoredAsync(string id, StreamRevision revision, CancellationToken cancellationToken)
    {
        switch (revision.Kind)
        {
            case StreamRevisionKind.Draft:
                return (await repository.GetDraftAsync(id, cancellationToken), true);
            case StreamRevisionKind.Published:
                return (await repository.GetPublishedAsync(id, null, cancellationToken), false);
            case StreamRevisionKind.Version:
                return (await repository.GetPublishedAsync(id, revision.Version, cancellationToken), false);
            default:
                var draft = await repository.GetDraftAsync(id, cancellationToken);
                return draft is not null ? (draft, true) : (await repository.GetPublishedAsync(id, null, cancellationToken), false);
        }
    }

    private async Task<ClaimsPrincipal> UserAsync() => (await authentication.GetAuthenticationStateAsync()).User;

    private static bool CanEdit(ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && (user.IsInRole(Roles.ProcessOwner) || user.IsInRole(Roles.Admin));

    private static string Name(ClaimsPrincipal user) => user.Identity?.Name ?? "unknown";
}
