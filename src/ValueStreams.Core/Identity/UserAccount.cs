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
    /// <summary>When an admin deactivated the user; a deactivated user cannot sign in and their sessions end.</summary>
    public DateTimeOffset? DeactivatedAt { get; init; }

    public bool IsActive => DeactivatedAt is null;

    public bool IsInRole(string role) => Roles.Contains(role, StringComparer.Ordinal);
}

/// <summary>A team that tasks are routed to, such as <c>service-desk</c>.</summary>
public sealed record UserGroup(string Id, string Name);

/// <summary>A group with its manager (a user name, told about the group's escalations) and its members' user names.</summary>
public sealed record GroupDetails(string Id, string Name, string? Manager, IReadOnlyList<string> Members);
