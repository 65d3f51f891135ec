using System.Security.Claims;
using Microsoft.AspNetCore.Identity;
using ValueStreams.Core.Audit;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Audit;
using ValueStreams.Data.Identity;

namespace ValueStreams.Host.Features.Auth;

/// <summary>
/// Checks a user name and password and builds the caller's identity, for cookies and tokens alike. Deactivated
/// users are refused as a wrong password is; every sign-in and every refusal is written to the audit log.
/// </summary>
public sealed class SignInService(UserRepository users, IPasswordHasher<UserAccount> hasher, FailedLoginThrottle throttle, AuditLog audit)
{
    public const string GroupClaim = "vs:group";
    public const string DisplayNameClaim = "vs:display-name";

    /// <summary>The user's security stamp when the session began; the session ends when the stored stamp changes.</summary>
    public const string StampClaim = "vs:stamp";

    // Verifying against a real hash when the user does not exist keeps the answer time the same either way.
    private static readonly Lazy<string> DecoyHash = new(() =>
        new PasswordHasher<UserAccount>().HashPassword(null!, Guid.NewGuid().ToString()));

    public enum Outcome { SignedIn, Rejected, Throttled }

    public sealed record Result(Outcome Outcome, ClaimsPrincipal? Principal = null);

    public async Task<Result> SignInAsync(string username, string password, string? address, string authenticationType, CancellationToken cancellationToken)
    {
        if (!throttle.MayAttempt(username, address))
        {
            await RecordFailureAsync(username, address, "throttled", cancellationToken);
            return new Result(Outcome.Throttled);
        }

        var credentials = await users.FindCredentialsAsync(username, cancellationToken);
        var verdict = hasher.VerifyHashedPassword(credentials?.User!, credentials?.PasswordHash ?? DecoyHash.Value, password);
        if (credentials is null || verdict == PasswordVerificationResult.Failed || !credentials.User.IsActive)
        {
            throttle.RecordFailure(username, address);
            var why = credentials is null ? "unknown user" : verdict == PasswordVerificationResult.Failed ? "wrong password" : "deactivated user";
            await RecordFailureAsync(username, address, why, cancellationToken);
            return new Result(Outcome.Rejected);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
            await users.SetPasswordHashAsync(credentials.User.Id, hasher.HashPassword(credentials.User, password), cancellationToken: cancellationToken);

        await audit.RecordAsync(credentials.User.Username, AuditActions.SignedIn, credentials.User.Username,
            $"{Via(authenticationType)} from {address ?? "an unknown address"}", cancellationToken);
        return new Result(Outcome.SignedIn, PrincipalFor(credentials.User, authenticationType, credentials.SecurityStamp));
    }

    // A user name typed at the sign-in form may be anything; the log keeps a bounded copy of it.
    private Task RecordFailureAsync(string username, string? address, string why, CancellationToken cancellationToken) =>
        audit.RecordAsync(username.Length > 200 ? username[..200] : username, AuditActions.SignInFailed, null,
            $"{why} from {address ?? "an unknown address"}", cancellationToken);

    private static string Via(string authenticationType) =>
        authenticationType == Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationDefaults.AuthenticationScheme ? "sign-in page" : "API token";

    public static ClaimsPrincipal PrincipalFor(UserAccount user, string authenticationType, string securityStamp = "")
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id),
            new(ClaimTypes.Name, user.Username),
            new(DisplayNameClaim, user.DisplayName),
            new(StampClaim, securityStamp),
        };
        claims.AddRange(user.Roles.Select(role => new Claim(ClaimTypes.Role, role)));
        claims.AddRange(user.Groups.Select(group => new Claim(GroupClaim, group)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }
}
