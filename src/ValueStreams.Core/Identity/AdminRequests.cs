namespace ValueStreams.Core.Identity;

/// <summary>A new user as an admin describes them (body of <c>POST /api/users</c>).</summary>
public sealed record NewUser(string? Username, string? DisplayName, string? Email, string? Password,
    IReadOnlyList<string>? Roles, IReadOnlyList<string>? Groups);

/// <summary>Changes to a user (body of <c>PATCH /api/users/{name}</c>); null leaves a value as it is.</summary>
public sealed record UserChanges(string? DisplayName = null, string? Email = null, IReadOnlyList<string>? Roles = null,
    IReadOnlyList<string>? Groups = null, bool? Active = null);

/// <summary>A new group (body of <c>POST /api/groups</c>): id, name, manager (a user name) and members (user names).</summary>
public sealed record NewGroup(string? Id, string? Name, string? Manager, IReadOnlyList<string>? Members);

/// <summary>Changes to a group (body of <c>PATCH /api/groups/{id}</c>); null leaves a value as it is, an empty manager clears it.</summary>
public sealed record GroupChanges(string? Name = null, string? Manager = null, IReadOnlyList<string>? Members = null);
