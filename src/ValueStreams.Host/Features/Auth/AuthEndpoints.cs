using ValueStreams.Core.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using System.Security.Claims;
using ValueStreams.Host.Features.Errors;

namespace ValueStreams.Host.Features.Auth;

public static class AuthEndpoints
{
    /// <summary>Body of <c>POST /api/auth/token</c>.</summary>
    public sealed record TokenRequest(string? Username, string? Password);

    /// <summary>
    /// Answer of <c>POST /api/auth/token</c>. There is no refresh token: when the access token expires
    /// (after <c>expiresIn</c> seconds) the caller signs in again, so a user's sign-in is never extended
    /// past a password change or removal.
    /// </summary>
    public sealed record IssuedToken(string TokenType, string AccessToken, long ExpiresIn);

    private const string Rejected = "The user name or password is incorrect.";
    private const int MaxRememberedUsernameLength = 200;

    public static void MapAuthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/auth/token", IssueTokenAsync)
            .WithAccess(Access.Anonymous)
            .WithTags("Auth")
            .WithSummary("Exchange a user name and password for a bearer token")
            .Produces<IssuedToken>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        app.MapPost("/account/login", SignInWithFormAsync).WithAccess(Access.Anonymous).ExcludeFromDescription();
        // Signing out asks nothing of the caller: without a cookie it only leads back to the login page.
        app.MapPost("/account/logout", (Delegate)SignOutAsync).WithAccess(Access.Anonymous).ExcludeFromDescription();
    }

    private static async Task<IResult> IssueTokenAsync(TokenRequest? request, SignInService signIn, FailedLoginThrottle throttle,
        IOptionsMonitor<BearerTokenOptions> bearerOptions, TimeProvider clock, HttpContext http)
    {
        var missing = new List<FieldError>();
        if (string.IsNullOrWhiteSpace(request?.Username))
            missing.Add(new FieldError("username", "A user name is required."));
        if (string.IsNullOrEmpty(request?.Password))
            missing.Add(new FieldError("password", "A password is required."));
        if (missing.Count > 0)
            return ApiProblem.Validation("The sign-in request is incomplete.", missing);

        var result = await signIn.SignInAsync(request!.Username!, request.Password!, ClientAddress(http),
            BearerTokenDefaults.AuthenticationScheme, http.RequestAborted);
        switch (result.Outcome)
        {
            case SignInService.Outcome.SignedIn:
                return TypedResults.Ok(Issue(result.Principal!, bearerOptions.Get(BearerTokenDefaults.AuthenticationScheme), clock));
            case SignInService.Outcome.Throttled:
                http.Response.Headers.RetryAfter = ((int)Math.Ceiling(throttle.Window.TotalSeconds)).ToString();
                return ApiProblem.Status(StatusCodes.Status429TooManyRequests, "Too many failed sign-ins; try again later.");
            default:
                return ApiProblem.Status(StatusCodes.Status401Unauthorized, Rejected);
        }
    }

    private static IssuedToken Issue(ClaimsPrincipal principal, BearerTokenOptions options, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var properties = new AuthenticationProperties { IssuedUtc = now, ExpiresUtc = now + options.BearerTokenExpiration };
        var ticket = new AuthenticationTicket(principal, properties, BearerTokenDefaults.AuthenticationScheme);
        return new IssuedToken("Bearer", options.BearerTokenProtector.Protect(ticket), (long)options.BearerTokenExpiration.TotalSeconds);
    }

    private static async Task<IResult> SignInWithFormAsync(
        [FromForm] string? username, [FromForm] string? password, [FromForm] string? returnUrl,
        SignInService signIn, HttpContext http)
    {
        var back = IsLocal(returnUrl) ? returnUrl! : "/";
        if (string.IsNullOrWhiteSpace(username) || string.IsNullOrEmpty(password))
            return LoginAgain("missing", back, username);

        var result = await signIn.SignInAsync(username, password, ClientAddress(http),
            CookieAuthenticationDefaults.AuthenticationScheme, http.RequestAborted);
        return result.Outcome switch
        {
            SignInService.Outcome.SignedIn => await CookieSignInAsync(http, result, back),
            SignInService.Outcome.Throttled => LoginAgain("throttled", back, username),
            _ => LoginAgain("rejected", back, username),
        };
    }

    private static async Task<IResult> CookieSignInAsync(HttpContext http, SignInService.Result result, string back)
    {
        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, result.Principal!);
        return TypedResults.LocalRedirect(back);
    }

    private static async Task<IResult> SignOutAsync(HttpContext http)
    {
        await http.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        return TypedResults.Redirect("/login");
    }

    // The user name comes back to the form so a mistyped password costs only the password; a name longer than
    // any user name can be is not carried.
    private static RedirectHttpResult LoginAgain(string error, string returnUrl, string? username)
    {
        var again = $"/login?error={error}&returnUrl={Uri.EscapeDataString(returnUrl)}";
        return TypedResults.Redirect(string.IsNullOrWhiteSpace(username) || username.Length > MaxRememberedUsernameLength
            ? again
            : $"{again}&username={Uri.EscapeDataString(username.Trim())}");
    }

    internal static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal);

    private static string? ClientAddress(HttpContext http) => http.Connection.RemoteIpAddress?.ToString();
}
