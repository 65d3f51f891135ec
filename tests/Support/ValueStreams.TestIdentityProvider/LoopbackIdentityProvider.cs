using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace ValueStreams.TestIdentityProvider;

/// <summary>
/// An OpenID Connect provider on a loopback port, for tests: authorization code flow with PKCE for one confidential
/// client, a sign-in form of its own, and people whose groups a test may change between sign-ins. ID tokens carry
/// <c>sub</c>, <c>preferred_username</c>, <c>name</c>, <c>email</c> and <c>groups</c>.
/// </summary>
public sealed class LoopbackIdentityProvider : IAsyncDisposable
{
    public const string GroupsClaim = "groups";

    /// <summary>Someone who can sign in at the provider.</summary>
    public sealed class Person(string username, string password, params string[] groups)
    {
        public string Username { get; } = username;
        public string Password { get; } = password;
        public string Subject { get; init; } = $"subject-{username}";
        public string Name { get; init; } = username;
        public List<string> Groups { get; set; } = [.. groups];
    }

    /// <summary>The client the service signs in as.</summary>
    public sealed class Client(string id, string secret, string redirectUri)
    {
        public string Id { get; } = id;
        public string Secret { get; } = secret;

        /// <summary>Where the provider may send the browser back to; settable for a service whose port is chosen after the provider's.</summary>
        public string RedirectUri { get; set; } = redirectUri;
    }

    private readonly WebApplication _app;

    private LoopbackIdentityProvider(WebApplication app, Uri authority)
    {
        _app = app;
        Authority = authority;
    }

    /// <summary>The issuer, e.g. <c>http://127.0.0.1:41234/</c>.</summary>
    public Uri Authority { get; }

    public static async Task<LoopbackIdentityProvider> StartAsync(Client client, params Person[] people)
    {
        var directory = people.ToDictionary(p => p.Username, StringComparer.Ordinal);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(cookie => cookie.Cookie.Name = "test-idp.session");
        builder.Services.AddAuthorization();
        builder.Services.AddOpenIddict().AddServer(server =>
        {
            server.SetAuthorizationEndpointUris("connect/authorize").SetTokenEndpointUris("connect/token");
            server.AllowAuthorizationCodeFlow().RequireProofKeyForCodeExchange();
            server.RegisterScopes(Scopes.OpenId, Scopes.Profile, Scopes.Email);
            server.AddEphemeralEncryptionKey().AddEphemeralSigningKey();
            // No database: this provider knows its one client and checks it itself.
            server.EnableDegradedMode();
            server.UseAspNetCore().EnableAuthorizationEndpointPassthrough().DisableTransportSecurityRequirement();
            server.AddEventHandler<ValidateAuthorizationRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != client.Id)
                    context.Reject(Errors.InvalidClient, "Unknown client.");
                else if (context.RedirectUri != client.RedirectUri)
                    context.Reject(Errors.InvalidRequest, $"The redirect_uri must be {client.RedirectUri}.");
                return default;
            }));
            server.AddEventHandler<ValidateTokenRequestContext>(handler => handler.UseInlineHandler(context =>
            {
                if (context.ClientId != client.Id || context.Request.ClientSecret != client.Secret)
                    context.Reject(Errors.InvalidClient, "Unknown client or wrong secret.");
                return default;
            }));
        });

        var app = builder.Build();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapMethods("/connect/authorize", [HttpMethods.Get, HttpMethods.Post], (Delegate)((HttpContext http) => AuthorizeAsync(http, directory)));
        app.MapGet("/login", (string? returnUrl) => Results.Content(LoginForm(returnUrl ?? "/"), "text/html"));
        app.MapPost("/login", (Delegate)((HttpContext http) => SignInAsync(http, directory)));
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new LoopbackIdentityProvider(app, new Uri(address.TrimEnd('/') + "/"));
    }

    private static async Task<IResult> AuthorizeAsync(HttpContext http, Dictionary<string, Person> directory)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenID Connect request.");
        var session = await http.AuthenticateAsync(CookieAuthenticationDefaults.AuthenticationScheme);
        if (!session.Succeeded || !directory.TryGetValue(session.Principal!.Identity!.Name!, out var person))
            return Results.Redirect("/login?returnUrl=" + Uri.EscapeDataString(http.Request.Path + http.Request.QueryString));

        var identity = new ClaimsIdentity(TokenValidationParameters.DefaultAuthenticationType, Claims.PreferredUsername, Claims.Role);
        identity.SetClaim(Claims.Subject, person.Subject)
            .SetClaim(Claims.PreferredUsername, person.Username)
            .SetClaim(Claims.Name, person.Name)
            .SetClaim(Claims.Email, $"{person.Username}@idp.test")
            .SetClaims(GroupsClaim, [.. person.Groups]);
        identity.SetDestinations(_ => [Destinations.IdentityToken, Destinations.AccessToken]);
        var principal = new ClaimsPrincipal(identity);
        principal.SetScopes(request.GetScopes());
        return Results.SignIn(principal, authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static async Task<IResult> SignInAsync(HttpContext http, Dictionary<string, Person> directory)
    {
        var form = await http.Request.ReadFormAsync();
        var returnUrl = form["returnUrl"].ToString();
        if (!returnUrl.StartsWith("/connect/authorize", StringComparison.Ordinal))
            return Results.BadRequest("returnUrl must lead back to the authorization endpoint.");
        if (!directory.TryGetValue(form["username"].ToString(), out var person) || person.Password != form["password"].ToString())
            return Results.Content(LoginForm(returnUrl, "Wrong user name or password."), "text/html", statusCode: StatusCodes.Status401Unauthorized);

        await http.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, new ClaimsPrincipal(
            new ClaimsIdentity([new Claim(ClaimTypes.Name, person.Username)], CookieAuthenticationDefaults.AuthenticationScheme)));
        return Results.Redirect(returnUrl);
    }

    private static string LoginForm(string returnUrl, string? error = null) =>
        $"""
        <!DOCTYPE html>
        <html><head><title>Test identity provider</title></head><body>
        <h1>Test identity provider</h1>
        {(error is null ? "" : $"<p role=\"alert\">{WebUtility.HtmlEncode(error)}</p>")}
        <form method="post" action="/login">
          <input type="hidden" name="returnUrl" value="{WebUtility.HtmlEncode(returnUrl)}" />
          <label>User name <input name="username" /></label>
          <label>Password <input name="password" type="password" /></label>
          <button type="submit">Sign in at the provider</button>
        </form>
        </body></html>
        """;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
