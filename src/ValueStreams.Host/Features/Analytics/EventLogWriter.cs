using System.Globalization;
using System.Text;
using System.Xml;
using ValueStreams.Data.Analytics;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Host.Features.Analytics;

/// <summary>
/// Writes a stream's event log as it is read, for process mining tools: XES (IEEE 1849, one trace per instance) or CSV
/// (one line per event). Nothing is held beyond the current line.
/// </summary>
public static class EventLogWriter
{
    public const string XesNamespace = "http://www.xes-standard.org/";

    /// <summary>The XES lifecycle transition of a journal event: a step entered starts, completed completes, faulted aborts.</summary>
    public static string Transition(string journalEvent) => journalEvent switch
    {
        JournalEntry.Entered => "start",
        JournalEntry.Completed => "complete",
        _ => "ate_abort",
    };

    public static async Task WriteXesAsync(Stream output, string streamName, IAsyncEnumerable<EventLogLine> lines,
        Func<int, Task<IReadOnlyDictionary<string, string>>> stepNames, CancellationToken cancellationToken)
    {
        var settings = new XmlWriterSettings { Async = true, Encoding = new UTF8Encoding(false), Indent = true, CloseOutput = false };
        await using var xml = XmlWriter.Create(output, settings);
        await xml.WriteStartDocumentAsync();
        await xml.WriteStartElementAsync(null, "log", XesNamespace);
        await xml.WriteAttributeStringAsync(null, "xes.version", null, "1.0");
        await xml.WriteAttributeStringAsync(null, "xes.features", null, "");
        foreach (var (name, prefix) in new[] { ("Concept", "concept"), ("Time", "time"), ("Lifecycle", "lifecycle"), ("Organizational", "org") })
        {
            await xml.WriteStartElementAsync(null, "extension", XesNamespace);
            await xml.WriteAttributeStringAsync(null, "name", null, name);
            await xml.WriteAttributeStringAsync(null, "prefix", null, prefix);
            await xml.WriteAttributeStringAsync(null, "uri", null, $"{XesNamespace}{prefix}.xesext");
            await xml.WriteEndElementAsync();
        }
        await xml.WriteStartElementAsync(null, "global", XesNamespace);
        await xml.WriteAttributeStringAsync(null, "scope", null, "trace");
        await AttributeAsync(xml, "string", "concept:name", "__INVALID__");
        await xml.WriteEndElementAsync();
        await xml.WriteStartElementAsync(null, "global", XesNamespace);
        await xml.WriteAttributeStringAsync(null, "scope", null, "event");
        await AttributeAsync(xml, "string", "concept:name", "__INVALID__");
        await AttributeAsync(xml, "date", "time:timestamp", Timestamp(DateTimeOffset.UnixEpoch));
        await AttributeAsync(xml, "string", "lifecycle:transition", "complete");
        await xml.WriteEndElementAsync();
        await xml.WriteStartElementAsync(null, "classifier", XesNamespace);
        await xml.WriteAttributeStringAsync(null, "name", null, "Step");
        await xml.WriteAttributeStringAsync(null, "keys", null, "concept:name lifecycle:transition");
        await xml.WriteEndElementAsync();
        await AttributeAsync(xml, "string", "concept:name", streamName);

        string? trace = null;
        var written = 0;
        await foreach (var line in lines.WithCancellation(cancellationToken))
        {
            if (line.InstanceId != trace)
            {
                if (trace is not null)
                    await xml.WriteEndElementAsync();
                trace = line.InstanceId;
                await xml.WriteStartElementAsync(null, "trace", XesNamespace);
                await AttributeAsync(xml, "string", "concept:name", line.InstanceId);
                await AttributeAsync(xml, "int", "version", line.Version.ToString(CultureInfo.InvariantCulture));
                await AttributeAsync(xml, "string", "status", line.InstanceStatus);
                await AttributeAsync(xml, "date", "startedAt", Timestamp(line.StartedAt));
            }
            var names = await stepNames(line.Version);
            await xml.WriteStartElementAsync(null, "event", XesNamespace);
            await AttributeAsync(xml, "string", "concept:name", names.GetValueOrDefault(line.StepId) ?? line.StepId);
            await AttributeAsync(xml, "date", "time:timestamp", Timestamp(line.At));
            await AttributeAsync(xml, "string", "lifecycle:transition", Transition(line.Event));
            if (!string.IsNullOrEmpty(line.Actor))
                await AttributeAsync(xml, "string", "org:resource", line.Actor);
            await AttributeAsync(xml, "string", "stepId", line.StepId);
            if (!string.IsNullOrEmpty(line.Outcome))
                await AttributeAsync(xml, "string", "outcome", line.Outcome);
            await xml.WriteEndElementAsync();
            if (++written % 500 == 0)
                await xml.FlushAsync();
        }
        if (trace is not null)
            await xml.WriteEndElementAsync();
        await xml.WriteEndElementAsync();
        await xml.WriteEndDocumentAsync();
        await xml.FlushAsync();
    }

    public static async Task WriteCsvAsync(Stream output, IAsyncEnumerable<EventLogLine> lines,
        Func<int, Task<IReadOnlyDictionary<string, string>>> stepNames, CancellationToken cancellationToken)
    {
        await using var csv = new StreamWriter(output, new UTF8Encoding(false), bufferSize: 16 * 1024, leaveOpen: true) { NewLine = "\r\n" };
        await csv.WriteLineAsync("case_id,version,activity,step_id,lifecycle,timestamp,resource,outcome");
        await foreach (var line in lines.WithCancellation(cancellationToken))
        {
            var names = await stepNames(line.Version);
            await csv.WriteLineAsync(string.Join(',',
                Cell(line.InstanceId), line.Version.ToString(CultureInfo.InvariantCulture), Cell(names.GetValueOrDefault(line.StepId) ?? line.StepId),
                Cell(line.StepId), Transition(line.Event), Timestamp(line.At), Cell(line.Actor), Cell(line.Outcome)));
        }
        await csv.FlushAsync(cancellationToken);
    }

    /// <summary>A CSV cell: quoted when it holds a separator, quote or line break; a leading formula sign is defused for spreadsheets.</summary>
    public static string Cell(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return "";
        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
            value = "'" + value;
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? $"\"{value.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : value;
    }

    /// <summary>An xs:dateTime in UTC with milliseconds, as XES tools read it.</summary>
    public static string Timestamp(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'+00:00'", CultureInfo.InvariantCulture);

    private static async Task AttributeAsync(XmlWriter xml, string type, string key, string value)
    {
        await xml.WriteStartElementAsync(null, type, XesNamespace);
        await xml.WriteAttributeStringAsync(null, "key", null, key);
        // A character XML cannot carry (a control character in a typed name) is dropped rather than failing the whole log.
        await xml.WriteAttributeStringAsync(null, "value", null, value.Any(c => !XmlConvert.IsXmlChar(c) && !char.IsSurrogate(c))
            ? new string(value.Where(c => XmlConvert.IsXmlChar(c) || char.IsSurrogate(c)).ToArray())
            : value);
        await xml.WriteEndElementAsync();
    }
}
