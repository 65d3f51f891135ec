using ValueStreams.Core.ServiceLevels;

namespace ValueStreams.Engine.Runtime;

/// <summary>
/// The calendars and service level policies in force, for human tasks whose step names a policy (<c>sla.policy</c>).
/// The store keeps them; without a store the shipped ones apply.
/// </summary>
public interface IServiceLevelPolicies
{
    Task<ServiceLevelSet> CurrentAsync(CancellationToken cancellationToken = default);
}

/// <summary>The shipped calendars and policies (<see cref="ServiceLevelCatalogue"/>), for an engine without a store of its own.</summary>
public sealed class ShippedServiceLevelPolicies : IServiceLevelPolicies
{
    public static ShippedServiceLevelPolicies Instance { get; } = new();

    public Task<ServiceLevelSet> CurrentAsync(CancellationToken cancellationToken = default) => Task.FromResult(ServiceLevelCatalogue.Set);
}
