using System.Threading.RateLimiting;

namespace ValueStreams.Host.Features.Auth;

/// <summary>
/// Counts failed sign-ins with fixed-window rate limiters, per user name and client address (guessing one
/// user's password) and per client address alone (trying passwords on many names). Once either allowance is
/// spent, further attempts are refused until its window resets, whether or not the password would have been right.
/// </summary>
public sealed class FailedLoginThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _perName;
    private readonly PartitionedRateLimiter<string> _perAddress;

    public FailedLoginThrottle(AuthOptions options)
    {
        _perName = Limiter(options.FailedLoginLimit, options.FailedLoginWindow);
        _perAddress = Limiter(options.FailedLoginLimitPerAddress, options.FailedLoginWindowPerAddress);
        Window = options.FailedLoginWindow > options.FailedLoginWindowPerAddress ? options.FailedLoginWindow : options.FailedLoginWindowPerAddress;
    }

    /// <summary>The longest a refused caller may have to wait.</summary>
    public TimeSpan Window { get; }

    /// <summary>True while both the pair and the address still have failed attempts left in their windows.</summary>
    public bool MayAttempt(string username, string? address)
    {
        using var name = _perName.AttemptAcquire(Key(username, address), permitCount: 0);
        using var from = _perAddress.AttemptAcquire(Address(address), permitCount: 0);
        return name.IsAcquired && from.IsAcquired;
    }

    public void RecordFailure(string username, string? address)
    {
        using var name = _perName.AttemptAcquire(Key(username, address));
        using var from = _perAddress.AttemptAcquire(Address(address));
    }

    private static PartitionedRateLimiter<string> Limiter(int limit, TimeSpan window) =>
        PartitionedRateLimiter.Create<string, string>(key =>
            RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, limit),
                Window = window,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));

    private static string Key(string username, string? address) =>
        $"{username.Trim().ToLowerInvariant()}|{Address(address)}";

    private static string Address(string? address) => address ?? "unknown";

    public void Dispose()
    {
        _perName.Dispose();
        _perAddress.Dispose();
    }
}
