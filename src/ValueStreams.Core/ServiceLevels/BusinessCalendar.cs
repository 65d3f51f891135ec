using NodaTime;
using NodaTime.TimeZones;

namespace ValueStreams.Core.ServiceLevels;

/// <summary>
/// One stretch of working time in a day, in the calendar's local time: <c>08:00–12:00</c>. An end at or before the
/// start runs past midnight into the next day (<c>22:00–06:00</c>, a night shift); <c>00:00–00:00</c> is the whole day.
/// </summary>
public sealed record WorkingSegment(LocalTime Start, LocalTime End)
{
    /// <summary>The segment's length on a day without a clock change.</summary>
    public Period NominalLength => End > Start ? Period.Between(Start, End) : Period.FromHours(24) - Period.Between(End, Start);

    public override string ToString() => $"{Start:HH:mm}-{End:HH:mm}";
}

/// <summary>
/// When work is done: working segments per day of the week in one time zone, and holidays. Service level clocks run
/// on it: <see cref="AddWorkingTime"/> plans a due time and <see cref="WorkingTimeBetween"/> measures elapsed time,
/// both right across midnight, weekends, holidays and clock changes. A segment belongs to the day it starts on, so a
/// holiday drops the night shift that starts on it. Local times a clock change skips are moved forward by the gap,
/// and a segment in the repeated hour of an autumn change keeps its whole local span.
/// </summary>
public sealed class BusinessCalendar
{
    /// <summary>How far ahead a calendar is searched for working time before it is judged to have none.</summary>
    private const int MaxDaysSearched = 3 * 366;

    private static readonly ZoneLocalMappingResolver StartResolver = Resolvers.CreateMappingResolver(Resolvers.ReturnEarlier, Resolvers.ReturnForwardShifted);
    private static readonly ZoneLocalMappingResolver EndResolver = Resolvers.CreateMappingResolver(Resolvers.ReturnLater, Resolvers.ReturnForwardShifted);

    private readonly IReadOnlyDictionary<IsoDayOfWeek, IReadOnlyList<WorkingSegment>> _week;

    public BusinessCalendar(string id, string name, DateTimeZone zone, IReadOnlyDictionary<IsoDayOfWeek, IReadOnlyList<WorkingSegment>> week,
        IEnumerable<LocalDate>? holidays = null)
    {
        Id = id;
        Name = name;
        Zone = zone;
        _week = week.ToDictionary(d => d.Key, d => (IReadOnlyList<WorkingSegment>)d.Value.OrderBy(s => s.Start).ToList());
        Holidays = (holidays ?? []).ToHashSet();
        if (!_week.Values.Any(segments => segments.Count > 0))
            throw new ArgumentException("A business calendar needs at least one working segment in its week.", nameof(week));
        WorkingDayLength = _week.Values.Where(s => s.Count > 0)
            .Select(s => s.Aggregate(Duration.Zero, (sum, segment) => sum + segment.NominalLength.ToDuration()))
            .GroupBy(length => length).OrderByDescending(g => g.Count()).ThenByDescending(g => g.Key).First().Key.ToTimeSpan();
    }

    /// <summary>Every hour of every day, in UTC: clocks on it measure plain elapsed time.</summary>
    public static BusinessCalendar AlwaysOpen { get; } = new("24x7", "Around the clock", DateTimeZone.Utc,
        Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None)
            .ToDictionary(d => d, _ => (IReadOnlyList<WorkingSegment>)[new WorkingSegment(LocalTime.Midnight, LocalTime.Midnight)]));

    public string Id { get; }
    public string Name { get; }
    public DateTimeZone Zone { get; }
    public IReadOnlySet<LocalDate> Holidays { get; }

    /// <summary>A working day's length, for targets in working days: the length most weekdays have (8 h on 08:00–12:00 and 13:00–17:00).</summary>
    public TimeSpan WorkingDayLength { get; }

    /// <summary>The working segments of a day of the week, earliest first.</summary>
    public IReadOnlyList<WorkingSegment> SegmentsOn(IsoDayOfWeek day) => _week.TryGetValue(day, out var segments) ? segments : [];

    /// <summary>The moment <paramref name="duration"/> of working time after <paramref name="from"/>.</summary>
    public DateTimeOffset AddWorkingTime(DateTimeOffset from, TimeSpan duration)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(duration, TimeSpan.Zero);
        var start = Instant.FromDateTimeOffset(from);
        var left = Duration.FromTimeSpan(duration);
        if (left == Duration.Zero)
            return from;
        foreach (var (segmentStart, segmentEnd) in WorkingIntervalsFrom(start))
        {
            var begin = Max(segmentStart, start);
            if (begin >= segmentEnd)
                continue;
            var available = segmentEnd - begin;
            if (available >= left)
                return (begin + left).ToDateTimeOffset().ToOffset(from.Offset);
            left -= available;
        }
        throw new InvalidOperationException($"Calendar '{Id}' has no working time within {MaxDaysSearched} days of {from:O}.");
    }

    /// <summary>The working time between two moments (zero when <paramref name="to"/> is not after <paramref name="from"/>).</summary>
    public TimeSpan WorkingTimeBetween(DateTimeOffset from, DateTimeOffset to)
    {
        var start = Instant.FromDateTimeOffset(from);
        var end = Instant.FromDateTimeOffset(to);
        if (end <= start)
            return TimeSpan.Zero;
        var total = Duration.Zero;
        foreach (var (segmentStart, segmentEnd) in WorkingIntervalsFrom(start))
        {
            if (segmentStart >= end)
                break;
            var begin = Max(segmentStart, start);
            var finish = Min(segmentEnd, end);
            if (finish > begin)
                total += finish - begin;
        }
        return total.ToTimeSpan();
    }

    /// <summary>A moment as the calendar's people read it: "Mon 7 Dec 2026 12:30 Europe/Berlin".</summary>
    public string LocalText(DateTimeOffset at) =>
        Instant.FromDateTimeOffset(at).InZone(Zone).ToString("ddd d MMM yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture) + " " + Zone.Id;

    /// <summary>Whether <paramref name="at"/> falls in working time.</summary>
    public bool IsWorkingTime(DateTimeOffset at) => NextWorkingTime(at) == at;

    /// <summary><paramref name="at"/> itself when it is working time, else the start of the next working segment.</summary>
    public DateTimeOffset NextWorkingTime(DateTimeOffset at)
    {
        var instant = Instant.FromDateTimeOffset(at);
        foreach (var (segmentStart, segmentEnd) in WorkingIntervalsFrom(instant))
        {
            if (segmentEnd <= instant)
                continue;
            return segmentStart <= instant ? at : segmentStart.ToDateTimeOffset().ToOffset(at.Offset);
        }
        throw new InvalidOperationException($"Calendar '{Id}' has no working time within {MaxDaysSearched} days of {at:O}.");
    }

    /// <summary>
    /// Working intervals as instants, in order, from the day before <paramref name="from"/>'s local date (a night
    /// shift started then may still run); overlapping segments are merged so no time counts twice. Segments that only
    /// touch stay apart, so a calendar open around the clock yields a day at a time.
    /// </summary>
    private IEnumerable<(Instant Start, Instant End)> WorkingIntervalsFrom(Instant from)
    {
        var day = from.InZone(Zone).Date.PlusDays(-1);
        (Instant Start, Instant End)? pending = null;
        for (var i = 0; i < MaxDaysSearched; i++, day = day.PlusDays(1))
        {
            if (Holidays.Contains(day))
                continue;
            foreach (var segment in SegmentsOn(day.DayOfWeek))
            {
                var start = Zone.ResolveLocal(day.At(segment.Start), StartResolver).ToInstant();
                var endDay = segment.End > segment.Start ? day : day.PlusDays(1);
                var end = Zone.ResolveLocal(endDay.At(segment.End), EndResolver).ToInstant();
                if (end <= start)
                    continue;
                if (pending is { } open && start < open.End)
                {
                    pending = (open.Start, Max(open.End, end));
                    continue;
                }
                if (pending is { } done)
                    yield return done;
                pending = (start, end);
            }
        }
        if (pending is { } last)
            yield return last;
    }

    private static Instant Max(Instant a, Instant b) => a > b ? a : b;
    private static Instant Min(Instant a, Instant b) => a < b ? a : b;
}
