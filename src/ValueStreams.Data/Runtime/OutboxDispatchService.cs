using Microsoft.Extensions.Hosting;

namespace ValueStreams.Data.Runtime;

/// <summary>Runs the dispatch loop that hands committed outbox jobs to the scheduler after the caller has its answer.</summary>
public sealed class OutboxDispatchService(RunSessionFactory sessions) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => sessions.RunDispatchLoopAsync(stoppingToken);
}
