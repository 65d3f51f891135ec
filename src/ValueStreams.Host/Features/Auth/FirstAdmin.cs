using Microsoft.AspNetCore.Identity;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Identity;

namespace ValueStreams.Host.Features.Auth;

/// <summary>
/// The first administrator of a store that has none: made once, from the <c>create-admin</c> command or the
/// bootstrap settings, and refused from then on, so a forgotten setting can never add a second way in.
/// </summary>
public sealed class FirstAdmin(UserRepository users, IPasswordHasher<UserAccount> hasher, ILogger<FirstAdmin> logger)
{
    public const int MinimumPasswordLength = 12;

    public enum Outcome { Created, AdminExists, NameTaken, PasswordTooShort, NameMissing }

    public async Task<Outcome> CreateAsync(string? username, string? password, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(username))
            return Outcome.NameMissing;
        if (password is null || password.Length < MinimumPasswordLength)
            return Outcome.PasswordTooShort;

        var everyone = await users.ListAsync(cancellationToken);
        if (everyone.Any(user => user.Roles.Contains(Roles.Admin)))
            return Outcome.AdminExists;

        var created = await users.CreateAsync(username.Trim(), username.Trim(), null, hasher.HashPassword(null!, password),
            [Roles.Admin, Roles.ProcessOwner], [], cancellationToken);
        if (created is null)
            return Outcome.NameTaken;
        logger.LogInformation("Created the first admin {Username}", created.Username);
        return Outcome.Created;
    }

    /// <summary>Applies <c>ValueStreams:Bootstrap</c> at start-up, when it names an admin; says in the log why it did nothing.</summary>
    public async Task ApplyAsync(BootstrapOptions options, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(options.AdminUser))
            return;
        var outcome = await CreateAsync(options.AdminUser, options.ReadPassword(), cancellationToken);
        if (outcome != Outcome.Created)
            logger.LogWarning("The bootstrap admin {Username} was not created: {Reason}. Remove the ValueStreams__Bootstrap__ settings.",
                options.AdminUser, Explain(outcome));
    }

    public static string Explain(Outcome outcome) => outcome switch
    {
        Outcome.Created => "created",
        Outcome.AdminExists => "an admin already exists",
        Outcome.NameTaken => "a user with that name already exists",
        Outcome.PasswordTooShort => $"the password must have at least {MinimumPasswordLength} characters",
        _ => "no user name was given",
    };
}

/// <summary>Settings bound from <c>ValueStreams:Bootstrap</c>: the first admin of an empty store.</summary>
public sealed class BootstrapOptions
{
    public const string Section = "ValueStreams:Bootstrap";

    public string? AdminUser { get; set; }

    public string? AdminPassword { get; set; }

    /// <summary>A file holding the password (a container secret), read when <see cref="AdminPassword"/> is not set.</summary>
    public string? AdminPasswordFile { get; set; }

    public string? ReadPassword() =>
        AdminPassword ?? (string.IsNullOrWhiteSpace(AdminPasswordFile) || !File.Exists(AdminPasswordFile)
            ? null
            : File.ReadAllText(AdminPasswordFile).TrimEnd('\r', '\n'));
}
