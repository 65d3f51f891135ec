namespace ValueStreams.Core.ServiceLevels;

/// <summary>What admins keep: business calendars or service level policies.</summary>
public enum ServiceLevelDocument { Calendar, Policy }

/// <summary>One clock's due time in a policy's preview, also as the calendar's local time ("Mon 7 Dec 2026 12:30 Europe/Berlin").</summary>
public sealed record PreviewDue(string Clock, string Target, string Calendar, DateTimeOffset DueAt, string DueLocal, string LoggedLocal);
