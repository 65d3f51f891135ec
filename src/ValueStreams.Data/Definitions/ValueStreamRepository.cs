using System.Data.Common;
using Dapper;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Data.Store;

namespace ValueStreams.Data.Definitions;

/// <summary>
/// A value stream in the list: its current published version and whether a draft waits, with the draft's
/// errors and warnings (a draft may be saved before it validates; only publishing needs it valid).
/// </summary>
public sealed record ValueStreamSummary(string Id, string Name, int? PublishedVersion, int? LatestVersion, bool HasDraft, DateTimeOffset CreatedAt,
    int? DraftErrors = null, int? DraftWarnings = null);

/// <summary>One published version; its content never changes.</summary>
public sealed record ValueStreamVersion(int Version, DateTimeOffset PublishedAt, string PublishedBy, string ContentHash);

/// <summary>A stored file: canonical content and its hash.</summary>
public sealed record StoredDefinition(string Content, string ContentHash, int? Version);

/// <summary>What publishing or importing did.</summary>
public sealed record PublishResult(int Version, bool Unchanged);

/// <summary>
/// Definitions, published versions and drafts. Published versions are insert-only (the database refuses
/// updates and deletes); publishing moves the draft into a new version in one transaction.
/// </summary>
public sealed class ValueStreamRepository(ConnectionFactory connections, TimeProvider clock)
{
    public async Task<IReadOnlyList<ValueStreamSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<SummaryRow>(new CommandDefinition(
            """
            SELECT s.id, s.name, s.published_version AS PublishedVersion, s.created_at AS CreatedAt,
                   CASE WHEN d.value_stream_id IS NULL THEN 0 ELSE 1 END AS HasDraft,
                   d.error_count AS DraftErrors, d.warning_count AS DraftWarnings
            FROM value_streams s LEFT JOIN value_stream_drafts d ON d.value_stream_id = s.id
            ORDER BY s.id
            """, cancellationToken: cancellationToken));
        return rows.Select(r => new ValueStreamSummary(r.Id, r.Name, r.PublishedVersion,
            r.HasDraft == 1 ? (r.PublishedVersion ?? 0) + 1 : r.PublishedVersion, r.HasDraft == 1, r.CreatedAt,
            r.HasDraft == 1 ? r.DraftErrors : null, r.HasDraft == 1 ? r.DraftWarnings : null)).ToList();
    }

    public async Task<bool> AnyAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM value_streams", cancellationToken: cancellationToken)) > 0;
    }

    /// <summary>A published version: the given one, or the current published one.</summary>
    public async Task<StoredDefinition?> GetPublishedAsync(string id, int? version = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ContentRow>(new CommandDefinition(
            """
            SELECT v.content AS Content, v.content_hash AS ContentHash, v.version AS Version
            FROM value_stream_versions v JOIN value_streams s ON s.id = v.value_stream_id
            WHERE v.value_stream_id = @id AND v.version = COALESCE(@version, s.published_version)
            """, new { id, version }, cancellationToken: cancellationToken));
        return row?.ToStored();
    }

    /// <summary>A published version read as a definition (its steps' names, descriptions…), or null when there is no such version.</summary>
    public async Task<ValueStreamDefinition?> ReadPublishedAsync(string id, int version, CancellationToken cancellationToken = default) =>
        await GetPublishedAsync(id, version, cancellationToken) is { } stored ? ValueStreamReader.Read(stored.Content).Definition : null;

    public async Task<StoredDefinition?> GetDraftAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ContentRow>(new CommandDefinition(
            "SELECT content AS Content, content_hash AS ContentHash FROM value_stream_drafts WHERE value_stream_id = @id",
            new { id }, cancellationToken: cancellationToken));
        return row?.ToStored();
    }

    public async Task<IReadOnlyList<ValueStreamVersion>> VersionsAsync(string id, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await connection.QueryAsync<VersionRow>(new CommandDefinition(
            """
            SELECT version AS Version, published_at AS PublishedAt, published_by AS PublishedBy, content_hash AS ContentHash
            FROM value_stream_versions WHERE value_stream_id = @id ORDER BY version
            """, new { id }, cancellationToken: cancellationToken));
        return rows.Select(r => new ValueStreamVersion(r.Version, r.PublishedAt, r.PublishedBy, r.ContentHash)).ToList();
    }

    /// <summary>Saves (or replaces) the stream's draft with how many errors and warnings it has; creates the stream when it is new.</summary>
    public async Task SaveDraftAsync(string id, string name, string content, string contentHash, string user,
        int errorCount = 0, int warningCount = 0, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        await EnsureStreamAsync(connection, transaction, id, name, user, now, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO value_stream_drafts (value_stream_id, content, content_hash, based_on_version, saved_at, saved_by, error_count, warning_count)
            VALUES (@id, @content, @contentHash, (SELECT published_version FROM value_streams WHERE id = @id), @now, @user, @errorCount, @warningCount)
            ON CONFLICT (value_stream_id) DO UPDATE SET
                content = excluded.content, content_hash = excluded.content_hash,
                based_on_version = excluded.based_on_version, saved_at = excluded.saved_at, saved_by = excluded.saved_by,
                error_count = excluded.error_count, warning_count = excluded.warning_count
            """, new { id, content, contentHash, now, user, errorCount, warningCount }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Publishes content as the stream's next version, unless it equals the current published version
    /// (then nothing changes). With <paramref name="fromDraft"/>, the draft is removed in the same transaction.
    /// </summary>
    public async Task<PublishResult> PublishAsync(string id, string name, string content, string contentHash, string user,
        bool fromDraft, CancellationToken cancellationToken = default)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        await EnsureStreamAsync(connection, transaction, id, name, user, now, cancellationToken);

        var current = await connection.QuerySingleOrDefaultAsync<ContentRow>(new CommandDefinition(
            """
            SELECT v.version AS Version, v.content_hash AS ContentHash, '' AS Content FROM value_stream_versions v JOIN value_streams s ON s.id = v.value_stream_id
            WHERE s.id = @id AND v.version = s.published_version
            """, new { id }, transaction, cancellationToken: cancellationToken));

        PublishResult result;
        if (current is not null && current.ContentHash == contentHash)
        {
            result = new PublishResult(current.Version!.Value, Unchanged: true);
        }
        else
        {
            var next = await connection.ExecuteScalarAsync<int>(new CommandDefinition(
                "SELECT COALESCE(MAX(version), 0) + 1 FROM value_stream_versions WHERE value_stream_id = @id",
                new { id }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                """
                INSERT INTO value_stream_versions (value_stream_id, version, content, content_hash, published_at, published_by)
                VALUES (@id, @next, @content, @contentHash, @now, @user)
                """, new { id, next, content, contentHash, now, user }, transaction, cancellationToken: cancellationToken));
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE value_streams SET published_version = @next, name = @name WHERE id = @id",
                new { id, next, name }, transaction, cancellationToken: cancellationToken));
            await StreamSchedules.PlanAsync(connection, transaction, id, next, content, now, cancellationToken);
            result = new PublishResult(next, Unchanged: false);
        }

        if (fromDraft)
            await connection.ExecuteAsync(new CommandDefinition(
                "DELETE FROM value_stream_drafts WHERE value_stream_id = @id", new { id }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private static Task EnsureStreamAsync(DbConnection connection, DbTransaction transaction, string id, string name, string user,
        DateTimeOffset now, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(
            """
            INSERT INTO value_streams (id, name, published_version, created_at, created_by)
            VALUES (@id, @name, NULL, @now, @user)
            ON CONFLICT (id) DO NOTHING
            """, new { id, name, now, user }, transaction, cancellationToken: cancellationToken));

    private sealed class ContentRow
    {
        public string Content { get; init; } = "";
        public string ContentHash { get; init; } = "";
        public int? Version { get; init; }
        public StoredDefinition ToStored() => new(Content, ContentHash, Version);
    }

    private sealed class VersionRow
    {
        public int Version { get; init; }
        public DateTimeOffset PublishedAt { get; init; }
        public string PublishedBy { get; init; } = "";
        public string ContentHash { get; init; } = "";
    }

    private sealed class SummaryRow
    {
        public string Id { get; init; } = "";
        public string Name { get; init; } = "";
        public int? PublishedVersion { get; init; }
        public long HasDraft { get; init; }
        public DateTimeOffset CreatedAt { get; init; }
        public int? DraftErrors { get; init; }
        public int? DraftWarnings { get; init; }
    }
}
