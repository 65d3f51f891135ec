using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Identity;

namespace ValueStreams.Host.Features.Auth;

/// <summary>Checks a user name and password and builds the caller's identity, for cookies and tokens alike.</summary>
public sealed class SignInService(UserRepository users, IPasswordHasher<UserAccount> hasher, FailedLoginThrottle throttle)
{
    public const string GroupClaim = "vs:group";
    public const string DisplayNameClaim = "vs:display-name";

    // Verifying against a real hash when the user does not exist keeps the answer time the same either way.
    private static readonly Lazy<string> DecoyHash = new(() =>
        new PasswordHasher<UserAccount>().HashPassword(null!, Guid.NewGuid().ToString()));

    public enum Outcome { SignedIn, Rejected, Throttled }

    public sealed record Result(Outcome Outcome, ClaimsPrincipal? Principal = null);

    public async Task<Result> SignInAsync(string username, string password, string? address, string authenticationType, CancellationToken cancellationToken)
    {
        if (!throttle.MayAttempt(username, address))
            return new Result(Outcome.Throttled);

        var credentials = await users.FindCredentialsAsync(username, cancellationToken);
        var verdict = hasher.VerifyHashedPassword(credentials?.User!, credentials?.PasswordHash ?? DecoyHash.Value, password);
        if (credentials is null || verdict == PasswordVerificationResult.Failed)
        {
            throttle.RecordFailure(username, address);
            return new Result(Outcome.Rejected);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
            await users.SetPasswordHashAsync(credentials.User.Id, hasher.HashPassword(credentials.User, password), cancellationToken: cancellationToken);

        return new Result(Outcome.SignedIn, PrincipalFor(credentials.User, authenticationType));
    }

    public static ClaimsPrincipal PrincipalFor(UserAccount user, string authenticationType)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id),
            new(ClaimTypes.Name, user.Username),
            new(DisplayNameClaim, user.DisplayName),
        };
        claims.AddRange(user.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        claims.AddRange(user.Groups.Select(group => new Claim(GroupClaim, group)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }
}
