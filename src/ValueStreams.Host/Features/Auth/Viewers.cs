using System.Security.Claims;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Runtime;

namespace ValueStreams.Host.Features.Auth;

public static class Viewers
{
    /// <summary>The signed-in user as the instance visibility rule (<see cref="InstanceAccess"/>) sees them.</summary>
    public static Viewer ToViewer(this ClaimsPrincipal user) =>
        new(user.Identity?.Name ?? "unknown", user.FindAll(SignInService.GroupClaim).Select(c => c.Value).ToList(), user.IsInRole(Roles.Admin));
}
