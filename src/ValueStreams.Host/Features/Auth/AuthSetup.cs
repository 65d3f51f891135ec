using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using ValueStreams.Core.Identity;

namespace ValueStreams.Host.Features.Auth;

/// <summary>Cookie sign-in for the UI, bearer tokens for the API, and the role policies that guard writes.</summary>
public static class AuthSetup
{
    public const string Scheme = "ValueStreams";

    public static class Policies
    {
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
                    context.Request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
                        ? BearerTokenDefaults.AuthenticationScheme
                        : CookieAuthenticationDefaults.AuthenticationScheme)
            .AddBearerToken(bearer => bearer.BearerTokenExpiration = options.TokenLifetime)
            .AddCookie(cookie =>
            {
                cookie.LoginPath = "/login";
                cookie.LogoutPath = "/account/logout";
                cookie.AccessDeniedPath = "/access-denied";
                cookie.Cookie.Name = "valuestreams.auth";
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.SlidingExpiration = true;
                // API callers get status codes, not redirects to the login page.
                cookie.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
                cookie.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
            });

        services.AddAuthorizationBuilder()
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

    public static bool IsApiRequest(HttpRequest request) =>
        request.Path.StartsWithSegments("/api") || request.Path.StartsWithSegments("/hangfire/stats");
}
