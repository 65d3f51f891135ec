using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Identity;

namespace ValueStreams.Host.Features.Auth;

/// <summary>
/// Turns the identity an OpenID Connect provider vouched for into a local user: found by the provider's subject,
/// else linked by user name or created on the first sign-in; at every sign-in the user's roles and groups are
/// set from the provider's groups through the configured mapping.
/// </summary>
public sealed class ProviderSignIn(
    OidcOptions options, UserRepository users, ExternalLoginRepository logins, IPasswordHasher<UserAccount> hasher, ILogger<ProviderSignIn> logger)
{
    private const int MaxUsernameLength = 200;

    /// <summary>Why a provider's user was not signed in; <see cref="Code"/> picks the sign-in page's message.</summary>
    public sealed class Refused(string code, string message) : Exception(message)
    {
        public const string Incomplete = "provider-incomplete";
        public const string NameTaken = "provider-name-taken";

        public string Code { get; } = code;
    }

    /// <summary>The cookie principal of the local user for the provider's identity; throws <see cref="Refused"/>.</summary>
    public async Task<ClaimsPrincipal> SignInAsync(ClaimsPrincipal provided, CancellationToken cancellationToken)
    {
        var issuer = provided.FindFirst("iss")?.Value ?? options.Authority!;
        var subject = provided.FindFirst("sub")?.Value;
        if (string.IsNullOrWhiteSpace(subject))
            throw new Refused(Refused.Incomplete, "The identity provider sent no subject ('sub').");

        var username = await logins.FindUsernameAsync(issuer, subject, cancellationToken)
            ?? await LinkFirstSignInAsync(provided, issuer, subject, cancellationToken);

        var account = await users.FindAsync(username, cancellationToken)
            ?? throw new Refused(Refused.Incomplete, $"The user '{username}' no longer exists.");
        var (roles, groups) = options.Map(provided.FindAll(options.GroupsClaim).Select(claim => claim.Value));
        await logins.ReplaceRolesAndGroupsAsync(account.Id, roles, groups, cancellationToken);
        logger.LogInformation("{Username} signed in through {Issuer} with roles [{Roles}] and groups [{Groups}]",
            account.Username, issuer, string.Join(", ", roles), string.Join(", ", groups));
        return SignInService.PrincipalFor(account with { Roles = roles, Groups = groups }, CookieAuthenticationDefaults.AuthenticationScheme);
    }

    private async Task<string> LinkFirstSignInAsync(ClaimsPrincipal provided, string issuer, string subject, CancellationToken cancellationToken)
    {
        var username = provided.FindFirst(options.UsernameClaim)?.Value?.Trim();
        if (string.IsNullOrEmpty(username) || username.Length > MaxUsernameLength)
            throw new Refused(Refused.Incomplete,
                $"The identity provider sent no usable user name ('{options.UsernameClaim}', at most {MaxUsernameLength} characters).");

        var existing = await users.FindAsync(username, cancellationToken);
        if (existing is null)
        {
            var displayName = provided.FindFirst("name")?.Value?.Trim() is { Length: > 0 } name ? name : username;
            // A password no one knows: the user signs in through the provider until an admin sets one.
            var unknownPassword = hasher.HashPassword(null!, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            var created = await users.CreateAsync(username, displayName, provided.FindFirst("email")?.Value, unknownPassword, [], [], cancellationToken);
            if (created is not null)
            {
                logger.LogInformation("Created {Username} on the first sign-in through {Issuer}", created.Username, issuer);
                return await logins.LinkAsync(issuer, subject, created.Id, cancellationToken);
            }
            // A concurrent first sign-in created the name a moment ago: link to it below, or see that it was this subject's.
            existing = await users.FindAsync(username, cancellationToken);
            if (await logins.FindUsernameAsync(issuer, subject, cancellationToken) is { } linked)
                return linked;
        }

        if (existing is null || !options.LinkExistingUsers || await logins.IsLinkedAsync(issuer, existing.Id, cancellationToken))
            throw new Refused(Refused.NameTaken, $"The user name '{username}' belongs to a local user who is not linked to this sign-in.");
        logger.LogInformation("Linked the existing user {Username} to its sign-in through {Issuer}", existing.Username, issuer);
        return await logins.LinkAsync(issuer, subject, existing.Id, cancellationToken);
    }
}
