using ValueStreams.Core.Audit;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.Validation;
using ValueStreams.Data.Audit;
using ValueStreams.Data.Definitions;

namespace ValueStreams.Host.Features.Definitions;

/// <summary>
/// Reads, validates and stores value stream files in canonical form. A draft is kept with its issues as long as it
/// reads as a value stream, so half-built work is never lost; publishing and importing write nothing unless the file
/// validates, so a refused publish or import leaves every stored version as it was. Publishes and imports are written to the audit log.
/// </summary>
public sealed class ValueStreamLibrary(ValueStreamRepository repository, ValueStreamValidator validator, AuditLog audit)
{
    /// <summary>What a write did: refused with errors, or stored (with any warnings).</summary>
    public sealed record Outcome(IReadOnlyList<DefinitionIssue> Errors, IReadOnlyList<DefinitionIssue> Warnings,
        ValueStreamDefinition? Definition = null, string? ContentHash = null, PublishResult? Published = null)
    {
        public bool Refused => Errors.Count > 0;

        /// <summary>The file was written (a draft may be written with errors).</summary>
        public bool Stored => ContentHash is not null;
    }

    public ValidationReport Validate(ReadOnlySpan<byte> file) => validator.ValidateFile(file);

    /// <summary>
    /// Saves the draft with its errors and warnings; refuses only a file that does not read as a value stream
    /// (not JSON, wrong shapes) or that names another stream than the address.
    /// </summary>
    public async Task<Outcome> SaveDraftAsync(string id, byte[] file, string user, CancellationToken cancellationToken)
    {
        var read = ValueStreamReader.Read(file);
        if (read.Definition is null || read.Errors.Count > 0)
            return new Outcome(read.Errors, []);
        var definition = read.Definition;
        if (definition.Id != id)
            return new Outcome([MismatchedId(definition.Id, id)], []);
        var report = validator.Validate(definition, await CalledStreamsAsync(definition, cancellationToken));
        var content = ValueStreamWriter.Write(definition);
        var hash = ValueStreamWriter.ContentHash(definition);
        await repository.SaveDraftAsync(definition.Id, definition.Name, content, hash, user, report.Errors.Count, report.Warnings.Count, cancellationToken);
        return new Outcome(report.Errors, report.Warnings, definition, hash);
    }

    /// <summary>Publishes the draft as the next version; null when there is no draft.</summary>
    public async Task<Outcome?> PublishDraftAsync(string id, string user, CancellationToken cancellationToken)
    {
        var draft = await repository.GetDraftAsync(id, cancellationToken);
        if (draft is null)
            return null;
        // The catalogue or step types may have changed since the draft was saved: check again.
        var (outcome, definition) = await CheckAsync(System.Text.Encoding.UTF8.GetBytes(draft.Content), expectedId: id, cancellationToken);
        if (definition is null)
            return outcome;
        var published = await repository.PublishAsync(id, definition.Name, draft.Content, draft.ContentHash, user, fromDraft: true, cancellationToken);
        await RecordAsync(user, AuditActions.Published, id, published, draft.ContentHash, cancellationToken);
        return outcome with { Definition = definition, ContentHash = draft.ContentHash, Published = published };
    }

    /// <summary>Saves an old published version as the draft; null when that version does not exist.</summary>
    public async Task<Outcome?> RestoreAsync(string id, int version, string user, CancellationToken cancellationToken)
    {
        var stored = await repository.GetPublishedAsync(id, version, cancellationToken);
        return stored is null ? null : await SaveDraftAsync(id, System.Text.Encoding.UTF8.GetBytes(stored.Content), user, cancellationToken);
    }

    /// <summary>Publishes a file straight away; the same content as the current version changes nothing.</summary>
    public async Task<Outcome> ImportAsync(byte[] file, string user, CancellationToken cancellationToken)
    {
        var (outcome, definition) = await CheckAsync(file, expectedId: null, cancellationToken);
        if (definition is null)
            return outcome;
        var content = ValueStreamWriter.Write(definition);
        var hash = ValueStreamWriter.ContentHash(definition);
        var published = await repository.PublishAsync(definition.Id, definition.Name, content, hash, user, fromDraft: false, cancellationToken);
        await RecordAsync(user, AuditActions.Imported, definition.Id, published, hash, cancellationToken);
        return outcome with { Definition = definition, ContentHash = hash, Published = published };
    }

    private Task RecordAsync(string user, string action, string id, PublishResult published, string hash, CancellationToken cancellationToken) =>
        audit.RecordAsync(user, action, id,
            published.Unchanged ? $"unchanged at version {published.Version}" : $"version {published.Version}, content {hash}", cancellationToken);

    private async Task<(Outcome Outcome, ValueStreamDefinition? Definition)> CheckAsync(byte[] file, string? expectedId, CancellationToken cancellationToken)
    {
        var read = ValueStreamReader.Read(file);
        if (read.Definition is null || read.Errors.Count > 0)
            return (new Outcome(read.Errors, []), null);

        var report = validator.Validate(read.Definition, await CalledStreamsAsync(read.Definition, cancellationToken));
        var errors = report.Errors.ToList();
        if (expectedId is not null && read.Definition.Id != expectedId)
            errors.Insert(0, MismatchedId(read.Definition.Id, expectedId));
        return errors.Count > 0
            ? (new Outcome(errors, report.Warnings), null)
            : (new Outcome([], report.Warnings), read.Definition);
    }

    /// <summary>
    /// The published versions of the streams the definition's call steps map outputs from, so validation can check the
    /// mapping against what they declare; a stream not published yet is left out (its mapping is checked when the call runs).
    /// </summary>
    private async Task<Func<string, ValueStreamDefinition?>> CalledStreamsAsync(ValueStreamDefinition definition, CancellationToken cancellationToken)
    {
        var called = new Dictionary<string, ValueStreamDefinition>(StringComparer.Ordinal);
        var ids = definition.Steps
            .Where(s => s.Type == "call-value-stream" && s.Properties[Core.Definitions.StepTypes.CallValueStreamStep.OutputMapping] is System.Text.Json.Nodes.JsonArray { Count: > 0 })
            .Select(s => s.Properties["valueStream"] is System.Text.Json.Nodes.JsonValue v && v.TryGetValue<string>(out var text) ? text : null)
            .OfType<string>().Where(id => id != definition.Id).Distinct();
        foreach (var id in ids)
            if (await repository.GetPublishedAsync(id, cancellationToken: cancellationToken) is { } stored
                && ValueStreamReader.Read(System.Text.Encoding.UTF8.GetBytes(stored.Content)).Definition is { } published)
                called[id] = published;
        return id => called.GetValueOrDefault(id);
    }

    private static DefinitionIssue MismatchedId(string id, string expectedId) =>
        new("id", $"'{id}' does not match the address's value stream '{expectedId}'");
}
