namespace ValueStreams.Core.Identity;

/// <summary>The roles a user can hold. Roles decide what a user may change; groups decide which tasks reach them.</summary>
public static class Roles
{
    public const string Admin = "admin";
    public const string ProcessOwner = "process-owner";
    public const string Agent = "agent";

    public static IReadOnlyList<string> All { get; } = [Admin, ProcessOwner, Agent];

    public static bool IsKnown(string role) => All.Contains(role, StringComparer.Ordinal);
}
