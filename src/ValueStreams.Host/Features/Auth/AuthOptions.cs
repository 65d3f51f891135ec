namespace ValueStreams.Host.Features.Auth;

/// <summary>Settings bound from <c>ValueStreams:Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "ValueStreams:Auth";

    /// <summary>Failed sign-ins allowed per user name and address within <see cref="FailedLoginWindow"/>.</summary>
    public int FailedLoginLimit { get; set; } = 5;

    public TimeSpan FailedLoginWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Lifetime of API bearer tokens.</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The shortest password a user may choose or an admin may set.</summary>
    public int MinimumPasswordLength { get; set; } = 12;

    /// <summary>Create the demo users; unset means "on the embedded default only".</summary>
    public bool? DemoUsers { get; set; }
}
