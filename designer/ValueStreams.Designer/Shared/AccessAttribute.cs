using Microsoft.AspNetCore.Authorization;
using ValueStreams.Core.Identity;

namespace ValueStreams.Designer.Shared;

/// <summary>
/// The access rule of a page or endpoint: <c>@attribute [Access(Access.SignedIn)]</c> on a page, or
/// <c>.WithAccess(Access.Admin)</c> on an endpoint. It is also the authorization requirement, so the rule
/// holds both for requests and for navigation inside an interactive page.
/// </summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Method, AllowMultiple = false, Inherited = true)]
public sealed class AccessAttribute(Access access) : Attribute, IAuthorizeData
{
    public Access Access { get; } = access;

    /// <summary>The authorization policy that enforces the rule's role part (resource rules need a signed-in caller).</summary>
    public string? Policy { get => PolicyName(Access); set => throw new NotSupportedException("The policy follows the access rule."); }

    public string? Roles { get => null; set => throw new NotSupportedException("The roles follow the access rule."); }

    public string? AuthenticationSchemes { get; set; }

    public static string PolicyName(Access access) => access switch
    {
        Access.Anonymous => "anonymous",
        Access.Agent => "agent",
        Access.ProcessOwner => "process-owner",
        Access.Admin => "admin",
        _ => "signed-in",
    };
}
