using System.Globalization;

namespace ValueStreams.Designer.Records;

/// <summary>The change calendar's two views: a week of day columns, or a month of weeks.</summary>
public enum ChangeCalendarView
{
    Week,
    Month,
}

/// <summary>
/// The period the change calendar shows, kept in the address (<c>?view=week&amp;from=2026-12-07</c>) so that a link shows
/// the same period. A week runs Monday to Sunday; a month is shown as the whole weeks that hold it. Days are UTC days.
/// A month keeps the day it was opened at, so that going from a week to its month and back returns to that week.
/// </summary>
public sealed record ChangeCalendarPeriod
{
    /// <summary>The dates a link may name; outside them the calendar falls back to the current week.</summary>
    private static readonly DateOnly Earliest = new(1970, 1, 1), Latest = new(9000, 12, 31);

    private ChangeCalendarPeriod(ChangeCalendarView view, DateOnly day)
    {
        View = view;
        Day = view == ChangeCalendarView.Week ? Monday(day) : day;
        First = view == ChangeCalendarView.Week ? Day : new DateOnly(day.Year, day.Month, 1);
    }

    public ChangeCalendarView View { get; }

    /// <summary>The day the address names: the week's Monday, or any day of the month.</summary>
    public DateOnly Day { get; }

    /// <summary>The week's Monday, or the month's first day.</summary>
    public DateOnly First { get; }

    /// <summary>The day after the period's last day.</summary>
    public DateOnly End => View == ChangeCalendarView.Week ? First.AddDays(7) : First.AddMonths(1);

    /// <summary>The first day of the grid: the Monday on or before <see cref="First"/>.</summary>
    public DateOnly GridStart => Monday(First);

    /// <summary>The grid's weeks, each seven days from Monday; a week view has one.</summary>
    public IReadOnlyList<IReadOnlyList<DateOnly>> Weeks
    {
        get
        {
            var weeks = new List<IReadOnlyList<DateOnly>>();
            for (var monday = GridStart; monday < End; monday = monday.AddDays(7))
                weeks.Add(Enumerable.Range(0, 7).Select(monday.AddDays).ToList());
            return weeks;
        }
    }

    /// <summary>The period as people name it: "7 – 13 Dec 2026" or "December 2026".</summary>
    public string Label => View == ChangeCalendarView.Month
        ? First.ToString("MMMM yyyy", CultureInfo.InvariantCulture)
        : $"{First.ToString("d MMM", CultureInfo.InvariantCulture)} – {First.AddDays(6).ToString("d MMM yyyy", CultureInfo.InvariantCulture)}";

    /// <summary>"this week" or "this month", for sentences about the period.</summary>
    public string Noun => View == ChangeCalendarView.Week ? "week" : "month";

    /// <summary>True when the day belongs to the period (a month grid also shows the days of its first and last weeks outside it).</summary>
    public bool Holds(DateOnly day) => day >= First && day < End;

    public ChangeCalendarPeriod Earlier => Move(-1);

    public ChangeCalendarPeriod Later => Move(1);

    /// <summary>The period of the same view that holds <paramref name="today"/>.</summary>
    public ChangeCalendarPeriod Current(DateOnly today) => new(View, today);

    /// <summary>
    /// The other view at the same place: a week goes to the month that holds its Thursday (most of its days), a month to
    /// the week of the day it was opened at.
    /// </summary>
    public ChangeCalendarPeriod Switched => View == ChangeCalendarView.Week
        ? new(ChangeCalendarView.Month, First.AddDays(3))
        : new(ChangeCalendarView.Week, Day);

    /// <summary>The query string values that name this period.</summary>
    public string ViewName => View == ChangeCalendarView.Week ? "week" : "month";

    /// <summary>The first day shown as the address writes dates.</summary>
    public string FirstText => First.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The address of the calendar showing this period.</summary>
    public string Address(string page) => $"{page}?view={ViewName}&from={Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}";

    /// <summary>
    /// The period an address names. A missing <paramref name="from"/> means today's period; an unknown view, a date that
    /// is not <c>yyyy-MM-dd</c> or one far outside the calendar falls back to the current week.
    /// </summary>
    public static ChangeCalendarPeriod Read(string? view, string? from, DateOnly today)
    {
        ChangeCalendarView? named = view switch
        {
            null or "" or "week" => ChangeCalendarView.Week,
            "month" => ChangeCalendarView.Month,
            _ => null,
        };
        if (named is null)
            return new(ChangeCalendarView.Week, today);
        if (string.IsNullOrEmpty(from))
            return new(named.Value, today);
        return DateOnly.TryParseExact(from, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) && day >= Earliest && day <= Latest
            ? new(named.Value, day)
            : new(ChangeCalendarView.Week, today);
    }

    private ChangeCalendarPeriod Move(int steps) =>
        View == ChangeCalendarView.Week ? new(View, Day.AddDays(7 * steps)) : new(View, Day.AddMonths(steps));

    private static DateOnly Monday(DateOnly day) => day.AddDays(-(((int)day.DayOfWeek + 6) % 7));
}
