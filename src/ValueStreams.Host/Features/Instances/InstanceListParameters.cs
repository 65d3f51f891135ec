using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml;
using ValueStreams.Core.Records;
using ValueStreams.Data.Runtime;
using ValueStreams.Engine.Runtime;
using ValueStreams.Host.Features.Errors;

namespace ValueStreams.Host.Features.Instances;

/// <summary>
/// Reads an instance list's filters from a query string, the same for the API and the instance list page: each value
/// that cannot be used is named with what it should look like. A record number is resolved to the record by the caller.
/// </summary>
public static partial class InstanceListParameters
{
    /// <summary>The longest text value a filter takes (stream id, correlation id, record number).</summary>
    public const int MaxTextLength = 200;

    public static readonly IReadOnlyList<string> Statuses =
        [InstanceStatus.Running, InstanceStatus.Waiting, InstanceStatus.Suspended, InstanceStatus.Faulted, InstanceStatus.Completed, InstanceStatus.Cancelled];

    /// <summary>The filters as read; <see cref="RecordNumber"/> still to be resolved to a record the caller may see.</summary>
    public sealed record Parsed(InstanceListQuery Query, RecordKind? RecordKind, string? RecordNumber);

    public static List<FieldError> Read(Func<string, string?> value, DateTimeOffset now, out Parsed? parsed)
    {
        var errors = new List<FieldError>();
        string? Text(string name)
        {
            var text = value(name);
            if (string.IsNullOrWhiteSpace(text))
                return null;
            if (text.Length > MaxTextLength)
            {
                errors.Add(new FieldError(name, $"'{name}' may be at most {MaxTextLength} characters."));
                return null;
            }
            return text.Trim();
        }

        var status = Text("status");
        if (status is not null && !Statuses.Contains(status, StringComparer.Ordinal))
            errors.Add(new FieldError("status", $"'{status}' is not a status; use one of {string.Join(", ", Statuses)}."));

        var version = Whole(value("version"), "version", 1, int.MaxValue, errors);
        var from = Time(value("from"), "from", endOfDay: false, errors);
        var to = Time(value("to"), "to", endOfDay: true, errors);
        if (from is not null && to is not null && to <= from)
            errors.Add(new FieldError("to", "'to' must be after 'from'."));

        DateTimeOffset? stuckSince = null;
        if (Text("stuck") is { } stuck)
        {
            if (Duration(stuck) is { } waited)
                stuckSince = now - waited;
            else
                errors.Add(new FieldError("stuck", $"'{stuck}' is not a length of time; write it as PT4H, P1D or \"4 hours\" (minutes, hours, days or weeks)."));
        }

        RecordKind? kind = null;
        var number = Text("record");
        if (number is not null)
        {
            var prefix = number.Split('-')[0];
            kind = RecordKindCatalogue.All.FirstOrDefault(k => string.Equals(k.Descriptor.NumberPrefix, prefix, StringComparison.OrdinalIgnoreCase));
            if (kind is null || !RecordNumber().IsMatch(number))
                errors.Add(new FieldError("record", $"'{number}' is not a record number; numbers read like INC-000123."));
        }

        var page = Whole(value("page"), "page", 1, 1_000_000, errors) ?? 1;
        var pageSize = Whole(value("pageSize"), "pageSize", 1, InstanceQueries.MaxPageSize, errors) ?? 25;

        parsed = errors.Count > 0 ? null : new Parsed(new InstanceListQuery
        {
            ValueStreamId = Text("valueStream"), Version = version, Status = status, StartedFrom = from, StartedTo = to,
            CorrelationId = Text("correlationId"), StuckSince = stuckSince, Page = page, PageSize = pageSize,
        }, kind, number?.ToUpperInvariant());
        return errors;
    }

    /// <summary>An ISO 8601 duration (PT4H, P2D) or a few words ("4 hours", "90 minutes"); at least a minute, at most a year.</summary>
    public static TimeSpan? Duration(string text)
    {
        TimeSpan? length = null;
        if (text.StartsWith('P') || text.StartsWith('p'))
        {
            try
            {
                length = XmlConvert.ToTimeSpan(text.ToUpperInvariant());
            }
            catch (FormatException)
            {
                return null;
            }
        }
        else if (Words().Match(text.Trim()) is { Success: true } words
                 && int.TryParse(words.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            length = words.Groups[2].Value.ToLowerInvariant() switch
            {
                "minute" or "min" => TimeSpan.FromMinutes(count),
                "hour" or "h" => TimeSpan.FromHours(count),
                "day" or "d" => TimeSpan.FromDays(count),
                _ => TimeSpan.FromDays(7.0 * count),
            };
        }
        return length is { } l && l >= TimeSpan.FromMinutes(1) && l <= TimeSpan.FromDays(366) ? l : null;
    }

    private static int? Whole(string? text, string name, int min, int max, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max)
            return number;
        errors.Add(new FieldError(name, $"'{name}' must be a whole number from {min} to {max}."));
        return null;
    }

    /// <summary>A date and time with its offset, or a date (the start of that day in UTC; for 'to', the end of it).</summary>
    private static DateTimeOffset? Time(string? text, string name, bool endOfDay, List<FieldError> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(endOfDay ? 1 : 0);
        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) && text.Contains('T'))
            return at;
        errors.Add(new FieldError(name, $"'{name}' must be a date (2026-12-07) or a date and time (2026-12-07T09:30:00Z)."));
        return null;
    }

    [GeneratedRegex(@"^(\d{1,6})\s*(minute|min|hour|h|day|d|week|w)s?$", RegexOptions.IgnoreCase)]
    private static partial Regex Words();

    [GeneratedRegex(@"^[A-Za-z]{2,6}-\d{1,12}$")]
    private static partial Regex RecordNumber();
}
