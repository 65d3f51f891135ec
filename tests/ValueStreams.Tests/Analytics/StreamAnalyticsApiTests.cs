using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml;
using System.Xml.Linq;
using System.Xml.Schema;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Analytics;

/// <summary>
/// The analytics API over instances the engine really ran, on both stores: log → check, where a check may send the work back
/// to be logged again. Counts, rework, variants and service levels are known from what the test did; waits and touches are
/// checked against the times the tasks themselves record.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class StreamAnalyticsApiTests
{
    private const string Stream = "flow-measured";
    private static readonly XNamespace Xes = "http://www.xes-standard.org/";

    private static StreamFile Measured() => new StreamFile(Stream, "Flow measured")
        .Start()
        .Step("log", "human-task", new JsonObject
        {
            ["title"] = "Log the request",
            ["group"] = "service-desk",
            ["outcomes"] = new JsonArray(new JsonObject { ["id"] = "done", ["label"] = "Done" }),
            ["sla"] = new JsonObject { ["respondWithin"] = "PT1H", ["resolveWithin"] = "PT8H" },
        }, ["desk"])
        .Task("check", outcomes: ["pass", "redo"])
        .Milestone()
        .End()
        .Chain("start", "log", "check")
        .Connect("check", "value", "pass")
        .Connect("value", "end")
        .Connect("check", "log", "redo");

    /// <summary>Three instances (start → log → check → value → end): one straight through, one sent back once, one still waiting to be logged.</summary>
    private static async Task<(string Straight, string Reworked, string Waiting)> RunAsync(EngineApi api)
    {
        await api.PublishAsync(Measured());
        var straight = IdOf(await api.StartAsync(Stream));
        await ClaimAndCompleteAsync(api, straight, "log", "done");
        await ClaimAndCompleteAsync(api, straight, "check", "pass");

        var reworked = IdOf(await api.StartAsync(Stream));
        await ClaimAndCompleteAsync(api, reworked, "log", "done");
        await ClaimAndCompleteAsync(api, reworked, "check", "redo");
        await ClaimAndCompleteAsync(api, reworked, "log", "done");
        await ClaimAndCompleteAsync(api, reworked, "check", "pass");

        var waiting = IdOf(await api.StartAsync(Stream));
        foreach (var done in new[] { straight, reworked })
            await api.WaitForAsync(done, i => i.GetProperty("status").GetString() == "completed", "completed");
        return (straight, reworked, waiting);
    }

    private static async Task ClaimAndCompleteAsync(EngineApi api, string instance, string step, string outcome)
    {
        var task = IdOf(await api.OpenTaskAsync(instance, step));
        Assert.True((await api.ClaimAsync("agent", task)).IsSuccessStatusCode);
        await api.CompleteAsync("agent", task, outcome);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_streams_measures_follow_the_instances_the_engine_ran(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var (straight, reworked, waiting) = await RunAsync(api);
        var owner = await api.As("owner");

        var measured = await owner.GetFromJsonAsync<JsonElement>($"/api/analytics/value-streams/{Stream}");

        Assert.Equal("Flow measured", measured.GetProperty("name").GetString());
        var instances = measured.GetProperty("instances");
        Assert.Equal((3, 2, 1), (instances.GetProperty("started").GetInt32(), instances.GetProperty("completed").GetInt32(),
            instances.GetProperty("inProgress").GetInt32()));
        Assert.Equal(2, measured.GetProperty("leadTime").GetProperty("count").GetInt32());
        var leads = new List<double>();
        foreach (var id in new[] { straight, reworked })
        {
            var instance = await api.InstanceAsync(id);
            leads.Add((instance.GetProperty("completedAt").GetDateTimeOffset() - instance.GetProperty("createdAt").GetDateTimeOffset()).TotalSeconds);
        }
        // SQLite's date arithmetic keeps milliseconds: each figure may differ from the exact one by a few of them.
        const double Tolerance = 0.005;
        // Two lead times: the p50 is the shorter (rank ⌈1⌉), the p90 the longer (rank ⌈1.8⌉ = 2).
        Assert.Equal(leads.Min(), measured.GetProperty("leadTime").GetProperty("p50").GetDouble(), Tolerance);
        Assert.Equal(leads.Max(), measured.GetProperty("leadTime").GetProperty("p90").GetDouble(), Tolerance);

        var steps = measured.GetProperty("steps").EnumerateArray().ToDictionary(s => s.GetProperty("stepId").GetString()!);
        // log: once each, twice for the reworked one, once for the waiting one = 4 visits by 3 instances.
        Assert.Equal((4, 1, 4), (steps["log"].GetProperty("visits").GetInt32(), steps["log"].GetProperty("rework").GetInt32(),
            steps["log"].GetProperty("tasks").GetInt32()));
        Assert.Equal((3, 1), (steps["check"].GetProperty("visits").GetInt32(), steps["check"].GetProperty("rework").GetInt32()));
        Assert.Equal((3, 0), (steps["start"].GetProperty("visits").GetInt32(), steps["start"].GetProperty("rework").GetInt32()));

        // Waits and touches against the tasks' own times: ready → claimed, claimed → completed, averaged over the done tasks.
        var done = new List<JsonElement>();
        foreach (var id in new[] { straight, reworked })
            done.AddRange(await api.TasksOfAsync(id, "done"));
        foreach (var step in new[] { "log", "check" })
        {
            var ofStep = done.Where(t => t.GetProperty("stepId").GetString() == step).ToList();
            var wait = ofStep.Average(t => (t.GetProperty("claimedAt").GetDateTimeOffset() - t.GetProperty("createdAt").GetDateTimeOffset()).TotalSeconds);
            var touch = ofStep.Average(t => (t.GetProperty("completedAt").GetDateTimeOffset() - t.GetProperty("claimedAt").GetDateTimeOffset()).TotalSeconds);
            Assert.Equal(wait, steps[step].GetProperty("waitTime").GetDouble(), Tolerance);
            Assert.Equal(touch, steps[step].GetProperty("touchTime").GetDouble(), Tolerance);
        }

        var variants = measured.GetProperty("variants");
        Assert.Equal(2, variants.GetProperty("sampled").GetInt32());
        Assert.Equal(1.0, variants.GetProperty("conformance").GetDouble());
        var paths = variants.GetProperty("top").EnumerateArray()
            .Select(v => string.Join(",", v.GetProperty("steps").EnumerateArray().Select(s => s.GetString()))).ToList();
        Assert.Equal(["start,log,check,log,check,value,end", "start,log,check,value,end"], paths.Order(StringComparer.Ordinal));

        // Every step is in deliver and support (the test streams' tagging); the stream is not one of the book's examples.
        var activity = Assert.Single(measured.GetProperty("valueChainActivities").EnumerateArray());
        Assert.Equal("deliver-and-support", activity.GetProperty("id").GetString());
        Assert.Equal(7, activity.GetProperty("visits").GetInt32());
        Assert.Equal(JsonValueKind.Null, measured.GetProperty("bookStream").ValueKind);

        // The four log tasks carry targets: the three claimed within the hour met their response and were resolved in time;
        // the waiting one has met and missed nothing yet.
        var sla = Assert.Single(measured.GetProperty("sla").GetProperty("byPriority").EnumerateArray());
        Assert.Equal((4, 3, 0, 4, 3, 0), (sla.GetProperty("responseTargets").GetInt32(), sla.GetProperty("responseMet").GetInt32(),
            sla.GetProperty("responseBreached").GetInt32(), sla.GetProperty("resolutionTargets").GetInt32(), sla.GetProperty("resolutionMet").GetInt32(),
            sla.GetProperty("resolutionBreached").GetInt32()));

        // Fresh: a fourth instance counts at once.
        await api.StartAsync(Stream);
        var again = await owner.GetFromJsonAsync<JsonElement>($"/api/analytics/value-streams/{Stream}?bucket=week&version=1");
        Assert.Equal(4, again.GetProperty("instances").GetProperty("started").GetInt32());
        Assert.Equal("week", again.GetProperty("bucket").GetString());
        Assert.Contains(waiting, await TraceNamesAsync(owner));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_event_log_is_valid_xes_with_a_trace_per_instance_and_the_same_lines_as_csv(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var (straight, reworked, waiting) = await RunAsync(api);
        var owner = await api.As("owner");

        var response = await owner.GetAsync($"/api/analytics/value-streams/{Stream}/event-log?format=xes");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        var errors = Validate(text);
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        // The schema does judge: a log without its version, or with a time that is no xs:dateTime, is refused.
        Assert.NotEmpty(Validate(text.Replace("xes.version=\"1.0\"", "", StringComparison.Ordinal)));
        Assert.NotEmpty(Validate(text.Replace("+00:00\"", " UTC\"", StringComparison.Ordinal)));

        var log = XDocument.Parse(text).Root!;
        Assert.Equal("Flow measured", Value(log, "concept:name"));
        var traces = log.Elements(Xes + "trace").ToDictionary(t => Value(t, "concept:name")!);
        Assert.Equal(new[] { straight, reworked, waiting }.Order(StringComparer.Ordinal), traces.Keys.Order(StringComparer.Ordinal));
        foreach (var (id, trace) in traces)
        {
            var journal = (await api.JournalAsync(id))
                .Where(l => l.GetProperty("event").GetString() is "step-entered" or "step-completed" or "step-faulted").ToList();
            var events = trace.Elements(Xes + "event").ToList();
            Assert.Equal(journal.Count, events.Count);
            Assert.All(events, e => Assert.Contains(Value(e, "lifecycle:transition"), new[] { "start", "complete" }));
            Assert.All(events, e => Assert.NotNull(e.Elements(Xes + "date").SingleOrDefault(d => (string?)d.Attribute("key") == "time:timestamp")));
        }
        var reworkedLog = traces[reworked].Elements(Xes + "event").Where(e => Value(e, "lifecycle:transition") == "start")
            .Select(e => Value(e, "concept:name")).ToList();
        Assert.Equal(["Step start", "Step log", "Step check", "Step log", "Step check", "Step value", "Step end"], reworkedLog);
        Assert.Contains(traces[straight].Elements(Xes + "event"), e => Value(e, "org:resource") == "agent" && Value(e, "lifecycle:transition") == "complete");

        var csv = (await owner.GetStringAsync($"/api/analytics/value-streams/{Stream}/event-log?format=csv"))
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("case_id,version,activity,step_id,lifecycle,timestamp,resource,outcome", csv[0]);
        Assert.Equal(traces.Values.Sum(t => t.Elements(Xes + "event").Count()), csv.Length - 1);
        Assert.Contains(csv, line => line.StartsWith($"{reworked},1,Step check,check,complete,", StringComparison.Ordinal) && line.EndsWith(",agent,redo", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Only_process_owners_and_admins_measure_a_stream_and_bad_windows_are_refused_by_field()
    {
        await using var api = await EngineApi.StartAsync(StorageProvider.Sqlite);
        await api.PublishAsync(Measured());

        Assert.Equal(HttpStatusCode.Forbidden, (await (await api.As("agent")).GetAsync($"/api/analytics/value-streams/{Stream}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await api.As("agent")).GetAsync($"/api/analytics/value-streams/{Stream}/event-log")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await (await api.As("admin")).GetAsync($"/api/analytics/value-streams/{Stream}")).StatusCode);
        var owner = await api.As("owner");
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync("/api/analytics/value-streams/no-such-stream")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/api/analytics/value-streams/{Stream}?version=9")).StatusCode);

        foreach (var (query, field) in new[]
                 {
                     ("bucket=month", "bucket"), ("from=yesterday", "from"), ("to=2026-13-40", "to"), ("version=0", "version"),
                     ("from=2026-06-01&to=2026-05-01", "from"), ("from=2020-01-01&to=2026-01-01", "from"),
                 })
        {
            var refused = await owner.GetAsync($"/api/analytics/value-streams/{Stream}?{query}");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();
            Assert.Contains(problem.GetProperty("errors").EnumerateArray(), e => e.GetProperty("path").GetString() == field);
        }
        var badFormat = await owner.GetAsync($"/api/analytics/value-streams/{Stream}/event-log?format=json");
        Assert.Equal(HttpStatusCode.BadRequest, badFormat.StatusCode);
        Assert.Contains("format", await badFormat.Content.ReadAsStringAsync());
    }

    private static async Task<List<string>> TraceNamesAsync(HttpClient owner)
    {
        var log = XDocument.Parse(await owner.GetStringAsync($"/api/analytics/value-streams/{Stream}/event-log?format=xes")).Root!;
        return log.Elements(Xes + "trace").Select(t => Value(t, "concept:name")!).ToList();
    }

    private static string? Value(XElement element, string key) =>
        (string?)element.Elements().FirstOrDefault(a => (string?)a.Attribute("key") == key)?.Attribute("value");

    private static List<string> Validate(string xml)
    {
        var schemas = new XmlSchemaSet();
        using (var schema = typeof(StreamAnalyticsApiTests).Assembly.GetManifestResourceStream("xes.xsd")!)
            schemas.Add(XmlSchema.Read(schema, null)!);
        var errors = new List<string>();
        var settings = new XmlReaderSettings { ValidationType = ValidationType.Schema, Schemas = schemas };
        settings.ValidationEventHandler += (_, e) => errors.Add($"{e.Severity}: {e.Message} (line {e.Exception?.LineNumber})");
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        while (reader.Read())
        {
        }
        return errors;
    }
}
