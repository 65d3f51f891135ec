using Microsoft.AspNetCore.Identity;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Identity;

namespace ValueStreams.Host.Features.Auth;

/// <summary>
/// The demo sign-ins (password <c>demo</c>) that let anyone walk the shipped value streams end to end.
/// Created in the Development environment, or in any environment when <c>ValueStreams__DemoUsers=true</c>.
/// </summary>
public sealed class DemoUsers(UserRepository users, IPasswordHasher<UserAccount> hasher, ILogger<DemoUsers> logger)
{
    public const string Password = "demo";

    public sealed record Member(string Username, string DisplayName, string[] Roles, string[] Groups);

    public static IReadOnlyList<UserGroup> Groups { get; } =
    [
        new("service-desk", "Service desk"),
        new("network-support", "Network support"),
        new("second-line-support", "Second-line support"),
        new("service-desk-managers", "Service desk managers"),
        new("business-users", "Business users"),
        new("warehouse", "Warehouse"),
        new("request-approvers", "Request approvers"),
        new("service-management", "Service management"),
        new("change-authority", "Change authority"),
        new("infrastructure-support", "Infrastructure support"),
        new("development", "Development"),
        new("product-management", "Product management"),
        new("project-management", "Project management"),
        new("business-relationship", "Business relationship management"),
        new("it-strategy", "IT strategy"),
        new("finance", "Finance"),
        new("sales", "Sales"),
        new("compliance", "Legal and compliance"),
    ];

    public static IReadOnlyList<Member> Members { get; } =
    [
        new("admin", "Ada Admin", [Roles.Admin, Roles.ProcessOwner], []),
        new("owner", "Owen Owner", [Roles.ProcessOwner], []),
        new("agent", "Asha Agent", [Roles.Agent], ["service-desk"]),
        new("engineer", "Emil Engineer", [Roles.Agent], ["network-support"]),
        new("secondline", "Sam Secondline", [Roles.Agent], ["second-line-support"]),
        new("deskmanager", "Dana Deskmanager", [Roles.Agent], ["service-desk-managers"]),
        new("user", "Uma User", [Roles.Agent], ["business-users"]),
        new("warehouse", "Walt Warehouse", [Roles.Agent], ["warehouse"]),
        new("approver", "Avery Approver", [Roles.Agent], ["request-approvers"]),
        new("servicemanager", "Sergio Servicemanager", [Roles.Agent], ["service-management"]),
        new("cab", "Cass Cab", [Roles.Agent], ["change-authority"]),
        new("infra", "Ingrid Infra", [Roles.Agent], ["infrastructure-support"]),
        new("developer", "Devi Developer", [Roles.Agent], ["development"]),
        new("product", "Priya Product", [Roles.Agent], ["product-management"]),
        new("pm", "Petra Projectmanager", [Roles.Agent], ["project-management"]),
        new("brm", "Bruno Brm", [Roles.Agent], ["business-relationship"]),
        new("strategy", "Stella Strategy", [Roles.Agent], ["it-strategy"]),
        new("finance", "Fiona Finance", [Roles.Agent], ["finance"]),
        new("sales", "Sol Sales", [Roles.Agent], ["sales"]),
        new("compliance", "Carla Compliance", [Roles.Agent], ["compliance"]),
    ];

    /// <summary>
    /// Creates the groups and any demo user that does not exist yet; existing users are left as they are. The demo users
    /// share one hash of their shared, published password: hashing is deliberately slow, and twenty hashes of "demo"
    /// protect nothing that one does not.
    /// </summary>
    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        foreach (var group in Groups)
            await users.EnsureGroupAsync(group, cancellationToken);

        string? hash = null;
        foreach (var member in Members)
        {
            if (await users.FindAsync(member.Username, cancellationToken) is not null)
                continue;
            hash ??= hasher.HashPassword(null!, Password);
            await users.CreateAsync(member.Username, member.DisplayName, $"{member.Username}@demo.valuestreams.local",
                hash, member.Roles, member.Groups, cancellationToken);
            logger.LogInformation("Created demo user {Username}", member.Username);
        }
    }
}
