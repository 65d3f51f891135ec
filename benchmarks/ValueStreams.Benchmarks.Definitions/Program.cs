// Measures reading, validating and writing a large value stream file (default 500 steps).
// Usage: dotnet run -c Release --project benchmarks/ValueStreams.Benchmarks.Definitions -- [--steps N] [--iterations N]
using System.Diagnostics;
using System.Text;
using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.Validation;

var steps = Option("--steps", 500);
var iterations = Option("--iterations", 200);

var file = Encoding.UTF8.GetBytes(LargeStream(steps));
var validator = new ValueStreamValidator(ItilCatalogue.Default);
var first = validator.ValidateFile(file);
if (!first.IsValid)
{
    Console.Error.WriteLine($"The generated stream is invalid: {string.Join("; ", first.Errors.Take(5))}");
    return 1;
}

var definition = ValueStreamReader.Read(file).Definition!;
var read = Measure(() => ValueStreamReader.Read(file));
var validate = Measure(() => validator.ValidateFile(file));
var write = Measure(() => ValueStreamWriter.Write(definition));

Console.WriteLine($"| operation ({steps} steps, {file.Length / 1024} KB, {iterations} iterations) | median ms | p95 ms | max ms |");
Console.WriteLine("|---|---:|---:|---:|");
Row("read (parse + model)", read);
Row("read + validate (ValidateFile)", validate);
Row("write canonical form", write);
Console.WriteLine();
Console.WriteLine($"goal: validating a 500-step stream under 50 ms; median {validate[iterations / 2]:F2} ms: {(validate[iterations / 2] < 50 ? "met" : "NOT met")}");
Console.WriteLine($"machine: {Environment.ProcessorCount} CPUs, {Environment.OSVersion}, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
return 0;

double[] Measure(Action action)
{
    for (var i = 0; i < 10; i++) action();
    var times = new double[iterations];
    for (var i = 0; i < iterations; i++)
    {
        var started = Stopwatch.GetTimestamp();
        action();
        times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
    }
    Array.Sort(times);
    return times;
}

void Row(string name, double[] times) =>
    Console.WriteLine($"| {name} | {times[times.Length / 2]:F2} | {times[(int)(times.Length * 0.95)]:F2} | {times[^1]:F2} |");

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length && int.TryParse(args[at + 1], out var value) ? value : fallback;
}

// A stream shaped like real ones: a start, then blocks of human task -> decision (two ports, both
// rejoining) -> script, a milestone near the end, and an end.
static string LargeStream(int stepCount)
{
    var s = new StringBuilder();
    s.Append("""{"id":"large","name":"Large","roles":[{"id":"agent","name":"Agent","group":"service-desk"}],"steps":[""");
    s.Append("""{"id":"start","type":"start","name":"Start","roles":["agent"],"trigger":"manual","position":{"x":0,"y":0}}""");
    var connections = new List<string>();
    var previous = "start";
    var blocks = (stepCount - 3) / 3;
    for (var b = 0; b < blocks; b++)
    {
        var task = $"task-{b}"; var decision = $"decide-{b}"; var script = $"script-{b}";
        s.Append($$$""",{"id":"{{{task}}}","type":"human-task","name":"Task {{{b}}}","valueChainActivities":["engage"],"practices":["service-desk"],"roles":["agent"],"title":"Task {{{b}}}","form":[{"name":"note{{{b}}}","label":"Note","type":"text","required":true}],"outcomes":[{"id":"done","label":"Done"}],"position":{"x":{{{b * 240}}},"y":0}}""");
        s.Append($$$""",{"id":"{{{decision}}}","type":"decision","name":"Decide {{{b}}}","conditions":[{"port":"yes","expression":"vars.note{{{b}}} === 'x'"}],"defaultPort":"no","position":{"x":{{{b * 240}}},"y":160}}""");
        s.Append($$$""",{"id":"{{{script}}}","type":"script","name":"Script {{{b}}}","valueChainActivities":["deliver-and-support"],"script":"vars.count = (vars.count || 0) + 1;","position":{"x":{{{b * 240}}},"y":320}}""");
        connections.Add($$$"""{"from":"{{{previous}}}","to":"{{{task}}}"}""");
        connections.Add($$$"""{"from":"{{{task}}}","port":"done","to":"{{{decision}}}"}""");
        connections.Add($$$"""{"from":"{{{decision}}}","port":"yes","to":"{{{script}}}"}""");
        connections.Add($$$"""{"from":"{{{decision}}}","port":"no","to":"{{{script}}}"}""");
        previous = script;
    }
    s.Append(""",{"id":"value","type":"milestone","name":"Value","roles":["agent"],"value":"Done","position":{"x":0,"y":480}}""");
    s.Append(""",{"id":"end","type":"end","name":"End","position":{"x":240,"y":480}}""");
    connections.Add($$$"""{"from":"{{{previous}}}","to":"value"}""");
    connections.Add("""{"from":"value","to":"end"}""");
    s.Append("],\"connections\":[").Append(string.Join(",", connections)).Append("]}");
    return s.ToString();
}
