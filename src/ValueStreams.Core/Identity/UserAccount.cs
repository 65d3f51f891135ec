namespace ValueStreams.Core.Identity;

/// <summary>A person who signs in: process owner, agent or admin.</summary>
public sealed record UserAccount(
    string Id,
    string Username,
    string DisplayName,
    string? Email,
    IReadOnlyList<string> Roles,
    IReadOnlyList<string> Groups,
    DateTimeOffset CreatedAt)
{
    public bool IsInRole(string role) => Roles.Contains(role, StringComparer.Ordinal);
}

/// <summary>A team that tasks are routed to, such as <c>service-desk</c>.</summary>
public sealed record UserGroup(string Id, string Name);
