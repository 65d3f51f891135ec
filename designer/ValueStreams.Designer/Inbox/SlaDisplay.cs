using System.Globalization;

namespace ValueStreams.Designer.Inbox;

/// <summary>
/// How a task's SLA reads in the inbox: the time left or overdue, and a colour for its state. Time left is working time
/// on the task's calendar ("8h 00m working time left" over a weekend); overdue time is plain time since the due time.
/// </summary>
public static class SlaDisplay
{
    /// <summary>
    /// The state to show now: the server's (none, on-track, at-risk, breached), except that an open task
    /// whose due time has passed since the last refresh already shows as breached.
    /// </summary>
    public static string State(InboxTask task, DateTimeOffset now) =>
        task.IsOpen && task.DueAt is { } due && now > due ? "breached" : task.Sla;

    public static string Text(InboxTask task, DateTimeOffset now)
    {
        if (task.DueAt is not { } due)
            return "No SLA";
        if (!task.IsOpen)
            return task.Sla == "breached" ? "Breached" : "Met";
        if (now > due)
            return $"{Span(now - due)} overdue";
        return task.Calendar is { } calendar && calendar.Id != ValueStreams.Core.ServiceLevels.BusinessCalendar.AlwaysOpen.Id
            ? $"{Span(calendar.WorkingTimeBetween(now, due))} working time left"
            : $"{Span(due - now)} left";
    }

    /// <summary>What a screen reader says: the text and the state in words.</summary>
    public static string Describe(InboxTask task, DateTimeOffset now) => State(task, now) switch
    {
        "none" => "No SLA",
        "on-track" => $"SLA on track: {Text(task, now)}",
        "at-risk" => $"SLA at risk: {Text(task, now)}",
        _ => $"SLA breached: {Text(task, now)}",
    };

    /// <summary>The CSS class of the SLA badge (see <c>InboxStyles</c>).</summary>
    public static string CssClass(InboxTask task, DateTimeOffset now) => $"vs-sla vs-sla-{State(task, now)}";

    /// <summary>"Escalated: response target missed", or both targets; null when no target was missed.</summary>
    public static string? Missed(InboxTask task) => task.MissedTargets switch
    {
        null or [] => null,
        [var one] => $"Escalated: {one} target missed",
        _ => $"Escalated: {string.Join(" and ", task.MissedTargets)} targets missed",
    };

    /// <summary>A short duration: 2d 3h, 4h 05m, 12m 30s, 45s.</summary>
    public static string Span(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
            span = span.Negate();
        var c = CultureInfo.InvariantCulture;
        if (span.TotalDays >= 1)
            return string.Create(c, $"{(int)span.TotalDays}d {span.Hours}h");
        if (span.TotalHours >= 1)
            return string.Create(c, $"{(int)span.TotalHours}h {span.Minutes:00}m");
        if (span.TotalMinutes >= 1)
            return string.Create(c, $"{span.Minutes}m {span.Seconds:00}s");
        return string.Create(c, $"{span.Seconds}s");
    }

    /// <summary>A time as the inbox shows it (UTC, so every viewer reads the same).</summary>
    public static string When(DateTimeOffset at) => at.UtcDateTime.ToString("d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture);

    public static string WhenShort(DateTimeOffset at, DateTimeOffset now) =>
        at.UtcDateTime.Date == now.UtcDateTime.Date
            ? at.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)
            : at.UtcDateTime.ToString("d MMM HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A due time in a table cell (UTC): "today 14:30" or "3 Dec 09:00".</summary>
    public static string Due(DateTimeOffset at, DateTimeOffset now) =>
        at.UtcDateTime.Date == now.UtcDateTime.Date
            ? "today " + at.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture)
            : at.UtcDateTime.ToString("d MMM HH:mm", CultureInfo.InvariantCulture);

    /// <summary>Status in words: Open, Claimed by x, Completed, Cancelled, Timed out.</summary>
    public static string StatusText(InboxTask task, string? me) => task.Status switch
    {
        "open" => "Open",
        "claimed" => task.ClaimedBy == me ? "Claimed by you" : $"Claimed by {task.ClaimedBy}",
        "completed" => "Completed",
        "cancelled" => "Cancelled",
        "timed-out" => "Timed out",
        var other => other,
    };

    /// <summary>Who the task is for: the group, the assignee, or both.</summary>
    public static string For(InboxTask task) => (task.Group, task.Assignee) switch
    {
        ({ } g, { } a) => $"{g} / {a}",
        ({ } g, null) => g,
        (null, { } a) => a,
        _ => "–",
    };

    /// <summary>How long ago something began, in the largest whole unit: "12 min", "3 h", "5 d".</summary>
    public static string Age(DateTimeOffset since, DateTimeOffset now)
    {
        var age = now - since;
        return age.TotalMinutes < 1 ? "under a minute"
            : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} min"
            : age.TotalDays < 1 ? $"{(int)age.TotalHours} h"
            : $"{(int)age.TotalDays} d";
    }
}
