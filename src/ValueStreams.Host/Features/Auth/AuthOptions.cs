namespace ValueStreams.Host.Features.Auth;

/// <summary>Settings bound from <c>ValueStreams:Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "ValueStreams:Auth";

    /// <summary>Failed sign-ins allowed per user name and address within <see cref="FailedLoginWindow"/>.</summary>
    public int FailedLoginLimit { get; set; } = 5;

    public TimeSpan FailedLoginWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Failed sign-ins allowed from one client address, whatever the user names, within
    /// <see cref="FailedLoginWindowPerAddress"/>: a limit on trying one password on many names.
    /// </summary>
    public int FailedLoginLimitPerAddress { get; set; } = 10;

    public TimeSpan FailedLoginWindowPerAddress { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>When the sign-in cookie is marked <c>Secure</c>: on https requests (the default) or always.</summary>
    public CookieSecurePolicy CookieSecurePolicy { get; set; } = CookieSecurePolicy.SameAsRequest;

    /// <summary>Lifetime of API bearer tokens.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The shortest password a user may choose or an admin may set.</summary>
    public int MinimumPasswordLength { get; set; } = 12;

    /// <summary>Create the demo users; unset means "in the Development environment only".</summary>
    public bool? DemoUsers { get; set; }
}
