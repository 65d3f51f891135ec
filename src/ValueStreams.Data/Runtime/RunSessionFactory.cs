using ValueStreams.Core.Records;
using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Npgsql;
using ValueStreams.Core.Definitions;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Runtime;
using ValueStreams.Engine.Storage;

using ValueStreams.Data.Records;

namespace ValueStreams.Data.Runtime;

/// <summary>
/// Runs each engine change in one transaction and, after commit, hands its outbox jobs to the
/// scheduler and marks them dispatched — in the background when <see cref="RunDispatchLoopAsync"/>
/// runs (the caller's answer does not wait for it), else at once. A crash between commit and dispatch
/// leaves them undispatched for the reconciler to send again; the jobs are idempotent, so sending twice
/// is harmless.
/// </summary>
public sealed class RunSessionFactory(ConnectionFactory connections, IJobDispatcher dispatcher, RecordSettings recordSettings, ILogger<RunSessionFactory> logger) : IRunSessionFactory, IOutbox
{
    private const int Attempts = 5;
    private const int JournalRowsPerStatement = 100;
    private readonly ConcurrentDictionary<(string, int), ValueStreamDefinition> _definitions = new();
    private readonly RecordNumbers _numbers = new(connections);
    private readonly System.Threading.Channels.Channel<IReadOnlyList<OutboxJob>> _committed =
        System.Threading.Channels.Channel.CreateUnbounded<IReadOnlyList<OutboxJob>>(new() { SingleReader = true });
    private volatile bool _dispatchingInBackground;

    public async Task<T> RunAsync<T>(Func<IRunSession, Task<T>> work, CancellationToken cancellationToken = default)
    {
        var (result, jobs) = await RunWithRetriesAsync(work, cancellationToken);
        if (jobs.Count == 0)
            return result;
        // The run has committed: never repeat it. If handing over fails, the reconciler sends the jobs later.
        if (_dispatchingInBackground && _committed.Writer.TryWrite(jobs))
            return result;
        await TryDispatchAsync(jobs);
        return result;
    }

    /// <summary>Hands committed jobs to the scheduler as they come, several runs' worth at a time, until stopped.</summary>
    public async Task RunDispatchLoopAsync(CancellationToken stoppingToken)
    {
        _dispatchingInBackground = true;
        try
        {
            while (await _committed.Reader.WaitToReadAsync(stoppingToken))
            {
                var batch = new List<OutboxJob>();
                while (batch.Count < 500 && _committed.Reader.TryRead(out var jobs))
                    batch.AddRange(jobs);
                await TryDispatchAsync(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: jobs still queued stay undispatched in the outbox for the reconciler.
        }
        finally
        {
            _dispatchingInBackground = false;
        }
    }

    private async Task TryDispatchAsync(IReadOnlyList<OutboxJob> jobs)
    {
        try
        {
            await DispatchAsync(jobs, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not hand {Count} job(s) to the scheduler; the reconciler will send them", jobs.Count);
        }
    }

    private async Task<(T Result, List<OutboxJob> Jobs)> RunWithRetriesAsync<T>(Func<IRunSession, Task<T>> work, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RunOnceAsync(work, cancellationToken);
            }
            catch (Exception ex) when (attempt < Attempts && IsTransient(ex))
            {
                logger.LogDebug(ex, "Run conflicted with another; attempt {Attempt} of {Attempts}", attempt, Attempts);
                await Task.Delay(Random.Shared.Next(5, 25 * attempt), cancellationToken);
            }
        }
    }

    private async Task<(T Result, List<OutboxJob> Jobs)> RunOnceAsync<T>(Func<IRunSession, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        // Microsoft.Data.Sqlite begins IMMEDIATE transactions: the write lock is taken now, not at the first write.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var session = new RunSession(connection, transaction, connections.Provider, _definitions, recordSettings, _numbers);
        var result = await work(session);
        await session.FlushAsync(JournalRowsPerStatement);
        await transaction.CommitAsync(cancellationToken);
        return (result, session.Enqueued);
    }

    /// <summary>Hands jobs to the scheduler and marks them dispatched (used after commit and by the reconciler).</summary>
    public async Task DispatchAsync(IReadOnlyList<OutboxJob> jobs, CancellationToken cancellationToken)
    {
        dispatcher.Dispatch(jobs);
        await using var connection = await connections.OpenAsync(cancellationToken);
        await Dapper.SqlMapper.ExecuteAsync(connection, new Dapper.CommandDefinition(
            $"UPDATE outbox SET dispatched_at = @now WHERE {connections.Dialect.InList("id", "ids")}",
            new { ids = jobs.Select(j => j.Id).ToArray(), now = DateTimeOffset.UtcNow }, cancellationToken: cancellationToken));
    }

    /// <summary>Outbox jobs committed but not dispatched for longer than <paramref name="olderThan"/>.</summary>
    public async Task<IReadOnlyList<OutboxJob>> UndispatchedAsync(TimeSpan olderThan, CancellationToken cancellationToken)
    {
        await using var connection = await connections.OpenAsync(cancellationToken);
        var rows = await Dapper.SqlMapper.QueryAsync<OutboxRow>(connection, new Dapper.CommandDefinition(
            "SELECT id AS Id, kind AS Kind, target_id AS TargetId, due_at AS DueAt FROM outbox WHERE dispatched_at IS NULL AND created_at < @before ORDER BY created_at",
            new { before = DateTimeOffset.UtcNow - olderThan }, cancellationToken: cancellationToken));
        return rows.Select(r => new OutboxJob(r.Id, r.Kind, r.TargetId, r.DueAt)).ToList();
    }

    private static bool IsTransient(Exception ex) => ex switch
    {
        PostgresException pg => pg.SqlState is "40001" or "40P01",
        SqliteException sqlite => sqlite.SqliteErrorCode is 5 or 6, // SQLITE_BUSY, SQLITE_LOCKED
        _ => false,
    };

    private sealed class OutboxRow
    {
        public string Id { get; init; } = "";
        public string Kind { get; init; } = "";
        public string TargetId { get; init; } = "";
        public DateTimeOffset? DueAt { get; init; }
    }
}
