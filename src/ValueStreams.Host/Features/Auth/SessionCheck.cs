using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using ValueStreams.Data.Identity;

namespace ValueStreams.Host.Features.Auth;

/// <summary>
/// Checks every signed-in request against the store: a session of a deactivated or removed user, or one begun
/// before the user's password was reset, ends here (its cookie is removed, the request goes on as anonymous and
/// the usual 401 or sign-in redirect follows). Otherwise the caller's roles and groups are the store's current
/// ones, so an admin's change applies from the user's next request.
/// </summary>
public sealed class SessionCheck(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, UserRepository users)
    {
        if (context.User.Identity is { IsAuthenticated: true } identity && context.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId)
        {
            var current = await users.FindSessionUserAsync(userId, context.RequestAborted);
            var stamp = context.User.FindFirstValue(SignInService.StampClaim);
            // A principal without a stamp whose id is no user of ours was not issued by our sign-in; leave it be.
            if (current is null && stamp is null)
            {
                await next(context);
                return;
            }
            if (current is not { User.IsActive: true } || current.Value.SecurityStamp != (stamp ?? ""))
            {
                if (identity.AuthenticationType == CookieAuthenticationDefaults.AuthenticationScheme)
                    await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
                context.User = new ClaimsPrincipal(new ClaimsIdentity());
            }
            else
            {
                context.User = SignInService.PrincipalFor(current.Value.User, identity.AuthenticationType!, current.Value.SecurityStamp);
            }
        }
        await next(context);
    }
}
