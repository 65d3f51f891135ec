namespace ValueStreams.Engine.Runtime;

/// <summary>
/// Carries out one outbox job for the scheduler. Every kind is idempotent: a job that runs twice (a
/// retry, a re-dispatch by the reconciler, two nodes) finds its guard already passed and changes nothing.
/// </summary>
public sealed class OutboxJobRunner(WorkflowEngine engine, HttpStepRunner http, IPeopleNotifier people, IServiceLevels serviceLevels)
{
    public async Task RunAsync(string kind, string target, CancellationToken cancellationToken)
    {
        var (instanceId, itemId) = OutboxJob.SplitTarget(target);
        switch (kind)
        {
            case OutboxJob.Continue:
                await engine.ContinueAsync(instanceId, cancellationToken);
                break;
            case OutboxJob.FireTimer:
                await engine.FireTimerAsync(instanceId, itemId, evenIfNotDue: false, cancellationToken);
                break;
            case OutboxJob.ResumeParent:
                await engine.ResumeParentAsync(instanceId, cancellationToken);
                break;
            case OutboxJob.HttpRequest:
                await http.RunAsync(instanceId, itemId, cancellationToken);
                break;
            case OutboxJob.RunScript:
                await engine.RunScriptsAsync(instanceId, itemId, cancellationToken);
                break;
            case OutboxJob.DeliverMessage:
                await people.DeliverMessageAsync(itemId, cancellationToken);
                break;
            case OutboxJob.StartScheduled:
                await engine.StartOnScheduleAsync(instanceId, cancellationToken);
                break;
            case OutboxJob.FireThreshold:
                await engine.FireThresholdAsync(itemId, cancellationToken);
                break;
            case OutboxJob.CheckServiceLevel:
                await serviceLevels.CheckAsync(itemId, cancellationToken);
                break;
            default:
                throw new InvalidOperationException($"Unknown outbox job kind '{kind}'.");
        }
    }
}
