using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using ValueStreams.Core.Identity;
using ValueStreams.Designer.Shared;

namespace ValueStreams.Host.Features.Auth;

/// <summary>
/// Optional sign-in through an OpenID Connect provider (authorization code flow with PKCE), beside password sign-in
/// and bearer tokens. The provider's ID token is turned into the same cookie a password sign-in gives.
/// </summary>
public static class OidcSetup
{
    public const string Scheme = "oidc";
    public const string StartPath = "/account/login/oidc";

    public static IServiceCollection AddValueStreamsOidc(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(OidcOptions.Section).Get<OidcOptions>() ?? new OidcOptions();
        if (options.Problems() is { Count: > 0 } problems)
            throw new InvalidOperationException("The identity provider settings are not usable:\n" + string.Join('\n', problems));

        services.AddSingleton(options);
        services.AddSingleton(options.Enabled ? new ExternalSignIn(options.DisplayName, StartPath) : ExternalSignIn.None);
        if (!options.Enabled)
            return services;

        services.AddScoped<ProviderSignIn>();
        services.AddAuthentication().AddOpenIdConnect(Scheme, options.DisplayName, oidc =>
        {
            oidc.Authority = options.Authority;
            oidc.ClientId = options.ClientId;
            oidc.ClientSecret = options.ClientSecret;
            oidc.RequireHttpsMetadata = options.RequireHttpsMetadata;
            oidc.ResponseType = OpenIdConnectResponseType.Code;
            oidc.UsePkce = true;
            // The code comes back on a top-level redirect, so the sign-in's own cookies can stay SameSite=Lax.
            oidc.ResponseMode = OpenIdConnectResponseMode.Query;
            oidc.Scope.Clear();
            oidc.Scope.Add("openid");
            foreach (var scope in options.EffectiveScopes)
                oidc.Scope.Add(scope);
            oidc.MapInboundClaims = false;
            oidc.SaveTokens = false;
            oidc.SignInScheme = CookieAuthenticationDefaults.AuthenticationScheme;
            oidc.TokenValidationParameters.NameClaimType = options.UsernameClaim;
            foreach (var cookie in new[] { oidc.CorrelationCookie, oidc.NonceCookie })
            {
                cookie.SameSite = SameSiteMode.Lax;
                cookie.SecurePolicy = options.RequireHttpsMetadata ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            }
            oidc.Events.OnTokenValidated = async context =>
            {
                var signIn = context.HttpContext.RequestServices.GetRequiredService<ProviderSignIn>();
                try
                {
                    context.Principal = await signIn.SignInAsync(context.Principal!, context.HttpContext.RequestAborted);
                }
                catch (ProviderSignIn.Refused refused)
                {
                    context.Fail(refused);
                }
            };
            oidc.Events.OnRemoteFailure = context =>
            {
                var code = context.Failure is ProviderSignIn.Refused refused ? refused.Code : "provider";
                context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(OidcSetup))
                    .LogWarning(context.Failure, "Sign-in through the identity provider failed ({Code})", code);
                context.Response.Redirect($"/login?error={code}");
                context.HandleResponse();
                return Task.CompletedTask;
            };
        });
        return services;
    }

    /// <summary>
    /// <c>GET /account/login/oidc?returnUrl=</c> sends the browser to the provider. Access rule: anonymous (it starts a
    /// sign-in); not part of the API, so not in the OpenAPI document.
    /// </summary>
    public static void MapOidcEndpoints(this IEndpointRouteBuilder app)
    {
        if (!app.ServiceProvider.GetRequiredService<OidcOptions>().Enabled)
            return;
        app.MapGet(StartPath, StartAsync).WithAccess(Access.Anonymous).ExcludeFromDescription();
    }

    private static async Task StartAsync(string? returnUrl, HttpContext http, ILogger<OidcOptions> logger)
    {
        var properties = new AuthenticationProperties { RedirectUri = AuthEndpoints.IsLocal(returnUrl) ? returnUrl : "/" };
        try
        {
            await http.ChallengeAsync(Scheme, properties);
        }
        catch (Exception unreachable) when (unreachable is InvalidOperationException or HttpRequestException or IOException)
        {
            // The provider's discovery document could not be read: say so on the sign-in page, not with a 500.
            logger.LogWarning(unreachable, "The identity provider could not be reached to start a sign-in");
            http.Response.Redirect("/login?error=provider-unavailable");
        }
    }
}
