using System.Threading.RateLimiting;

namespace ValueStreams.Host.Features.Auth;

/// <summary>
/// Counts failed sign-ins per user name and client address with a fixed-window rate limiter; once the
/// window's allowance is spent, further attempts for that pair are refused until the window resets,
/// whether or not the password would have been right.
/// </summary>
public sealed class FailedLoginThrottle : IDisposable
{
    private readonly PartitionedRateLimiter<string> _failures;

    public FailedLoginThrottle(AuthOptions options)
    {
        Window = options.FailedLoginWindow;
        _failures = PartitionedRateLimiter.Create<string, string>(key =>
            RateLimitPartition.GetFixedWindowLimiter(key, _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = Math.Max(1, options.FailedLoginLimit),
                Window = options.FailedLoginWindow,
                QueueLimit = 0,
                AutoReplenishment = true,
            }));
    }

    public TimeSpan Window { get; }

    /// <summary>True while the pair still has failed attempts left in the current window.</summary>
    public bool MayAttempt(string username, string? address)
    {
        using var probe = _failures.AttemptAcquire(Key(username, address), permitCount: 0);
        return probe.IsAcquired;
    }

    public void RecordFailure(string username, string? address)
    {
        using var _ = _failures.AttemptAcquire(Key(username, address));
    }

    private static string Key(string username, string? address) =>
        $"{username.Trim().ToLowerInvariant()}|{address ?? "unknown"}";

    public void Dispose() => _failures.Dispose();
}
