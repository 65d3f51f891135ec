using System.Globalization;
using Jint.Runtime;

namespace ValueStreams.Engine.Expressions;

/// <summary>
/// JavaScript's time (<c>new Date()</c>, <c>Date.now()</c>) read from the engine's clock, so an expression stamps the moment the
/// engine works at (a played history's, a test's) in UTC; parsing and offsets are Jint's own.
/// </summary>
internal sealed class ClockTimeSystem(TimeProvider clock) : ITimeSystem
{
    private readonly DefaultTimeSystem _utc = new(TimeZoneInfo.Utc, CultureInfo.InvariantCulture);

    public TimeZoneInfo DefaultTimeZone => _utc.DefaultTimeZone;

    public DateTimeOffset GetUtcNow() => clock.GetUtcNow();

    public bool TryParse(string date, out long epochMilliseconds) => _utc.TryParse(date, out epochMilliseconds);

    public TimeSpan GetUtcOffset(long epochMilliseconds) => _utc.GetUtcOffset(epochMilliseconds);
}
