using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using ValueStreams.Core.Identity;
using ValueStreams.Designer.Shared;

namespace ValueStreams.Host.Features.Auth;

/// <summary>Cookie sign-in for the UI, bearer tokens for the API, and the role policies that guard writes.</summary>
public static class AuthSetup
{
    public const string Scheme = "ValueStreams";

    /// <summary>The sign-in cookie of the pages (and of API calls the pages make).</summary>
    public const string CookieName = "valuestreams.auth";

    /// <summary>The policy names behind the access rules (<see cref="AccessAttribute.PolicyName"/>).</summary>
    public static class Policies
    {
        public const string Anonymous = "anonymous";
        public const string SignedIn = "signed-in";
        public const string Admin = "admin";
        public const string ProcessOwner = "process-owner";
        public const string Agent = "agent";
    }

    public static IServiceCollection AddValueStreamsAuth(this IServiceCollection services, AuthOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton<FailedLoginThrottle>();
        services.AddSingleton<IPasswordHasher<UserAccount>, PasswordHasher<UserAccount>>();
        services.AddScoped<SignInService>();
        services.AddScoped<DemoUsers>();
        services.AddScoped<FirstAdmin>();

        services.AddAuthentication(Scheme)
            .AddPolicyScheme(Scheme, "Cookie or bearer token", scheme =>
                scheme.ForwardDefaultSelector = context =>
                    BearerToken(context.Request) is not null
                        ? BearerTokenDefaults.AuthenticationScheme
                        : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddBearerToken(bearer =>
            {
                bearer.BearerTokenExpiration = options.TokenLifetime;
                // The scheme name is case-insensitive (RFC 9110): "bearer …" is as good as "Bearer …".
                bearer.Events.OnMessageReceived = context =>
                {
                    context.Token = BearerToken(context.Request);
                    return Task.CompletedTask;
                };
            })
            .AddCookie(cookie =>
            {
                cookie.LoginPath = "/login";
                cookie.LogoutPath = "/account/logout";
                cookie.AccessDeniedPath = "/access-denied";
                cookie.Cookie.Name = CookieName;
                cookie.Cookie.HttpOnly = true;
                // Secure whenever the request came over https; behind a TLS proxy that needs the proxy's
                // forwarded headers (docs/PRODUCTION.md), or CookieSecurePolicy=Always.
                cookie.Cookie.SecurePolicy = options.CookieSecurePolicy;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.SlidingExpiration = true;
                // API callers get status codes, not redirects to the login page.
                cookie.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
                cookie.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
            });

        services.AddAuthorizationBuilder()
            // An endpoint that declares no access rule still needs a signed-in caller (and start-up refuses it anyway).
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Policies.Anonymous, policy => policy.RequireAssertion(_ => true))
            .AddPolicy(Policies.SignedIn, policy => policy.RequireAuthenticatedUser())
            .AddPolicy(Policies.Admin, policy => policy.RequireRole(Roles.Admin))
            .AddPolicy(Policies.ProcessOwner, policy => policy.RequireRole(Roles.ProcessOwner, Roles.Admin))
            .AddPolicy(Policies.Agent, policy => policy.RequireRole(Roles.Agent, Roles.Admin));
        return services;
    }

    private static Task RedirectOrStatus(Microsoft.AspNetCore.Authentication.RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (IsApiRequest(context.Request))
            context.Response.StatusCode = status;
        else
            context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>The token of an <c>Authorization: Bearer …</c> header, whatever the scheme's case; null without one.</summary>
    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > "Bearer ".Length
            ? header["Bearer ".Length..].Trim()
            : null;
    }

    public static bool IsApiRequest(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/hangfire/stats");
}
