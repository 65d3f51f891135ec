using ValueStreams.Core.ServiceLevels;

namespace ValueStreams.Designer.ServiceLevels;

/// <summary>The SLA report page's back end (process owners and admins), over what the report API answers, as the signed-in user.</summary>
public interface IServiceLevelReport
{
    /// <summary>The record kinds a policy covers, as (name, title), by title.</summary>
    Task<IReadOnlyList<(string Name, string Title)>> KindsAsync(CancellationToken cancellationToken = default);

    /// <summary>The report of a kind over records created from <paramref name="from"/> until <paramref name="to"/>, or what is wrong with the request.</summary>
    Task<(SlaReport? Report, string? Problem)> ReadAsync(string kind, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default);

    DateTimeOffset Now { get; }
}
