using ValueStreams.Core.Audit;
using ValueStreams.Data.Audit;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Host.Features.Instances;

/// <summary>
/// The admins' controls of an instance, each written to the audit log: the same for the API and the instance page.
/// Who may use them is decided by the caller (the endpoints' access rule, the page's admin check).
/// </summary>
public sealed class InstanceControls(WorkflowEngine engine, AuditLog audit)
{
    /// <summary>The controls by the name the API and the audit log use.</summary>
    public static readonly IReadOnlyDictionary<string, Func<WorkflowEngine, string, string, CancellationToken, Task<InstanceState>>> ByName =
        new Dictionary<string, Func<WorkflowEngine, string, string, CancellationToken, Task<InstanceState>>>(StringComparer.Ordinal)
        {
            ["cancel"] = (e, id, user, ct) => e.CancelAsync(id, user, ct),
            ["retry"] = (e, id, user, ct) => e.RetryAsync(id, user, ct),
            ["suspend"] = (e, id, user, ct) => e.SuspendAsync(id, user, ct),
            ["resume"] = (e, id, user, ct) => e.ResumeAsync(id, user, ct),
        };

    public async Task<InstanceState> ControlAsync(string name, string instanceId, string user, CancellationToken ct)
    {
        var instance = await ByName[name](engine, instanceId, user, ct);
        await audit.RecordAsync(user, AuditActions.Instance(name), instanceId, $"status: {instance.Status}", ct);
        return instance;
    }

    public async Task<int> FireTimersAsync(string instanceId, string user, CancellationToken ct)
    {
        var fired = await engine.FirePendingTimersAsync(instanceId, ct);
        await audit.RecordAsync(user, AuditActions.Instance("timers-fired"), instanceId, $"fired: {fired}", ct);
        return fired;
    }

    public async Task<InstanceState> MigrateAsync(string instanceId, int version, string user, CancellationToken ct)
    {
        var instance = await engine.MigrateAsync(instanceId, version, user, ct);
        await audit.RecordAsync(user, AuditActions.Instance("migrate"), instanceId, $"to version {instance.Version}", ct);
        return instance;
    }
}
