using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Records;

/// <summary>
/// Streams and incident records together, on both stores: a new incident starts incident resolution once, in the same
/// transaction, and the stream works on that incident; record steps write typed incidents and are refused field by field.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class IncidentStreamTests
{
    private const string Resolution = "incident-resolution";

    private static readonly object LogData = new
    {
        summary = "No WiFi in the loading bay", businessImpact = "Forklift drivers cannot get instructions", priority = "P2",
        category = "network", location = "Warehouse 2", reporterName = "Walt", reporterEmail = "walt@example.com",
    };

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_new_incident_starts_incident_resolution_once_and_the_stream_works_on_that_incident(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var agent = await api.As("agent");

        var created = await agent.PostAsJsonAsync("/api/incidents", new { title = "WiFi down", impact = "high", urgency = "medium", caller = "warehouse" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var incident = await created.Content.ReadFromJsonAsync<JsonElement>();
        var linked = Assert.Single(incident.GetProperty("instances").EnumerateArray());
        Assert.Equal(Resolution, linked.GetProperty("valueStreamId").GetString());
        Assert.Equal("waiting", linked.GetProperty("status").GetString());
        var instanceId = linked.GetProperty("id").GetString()!;

        var instance = await api.InstanceAsync(instanceId);
        var starting = instance.GetProperty("variables").GetProperty("startingRecord");
        Assert.Equal(incident.GetProperty("id").GetString(), starting.GetProperty("id").GetString());
        Assert.Equal("WiFi down", instance.GetProperty("variables").GetProperty("title").GetString());

        // The stream's logging step fills in the incident that started it, instead of creating another.
        await api.CompleteStepAsync(instanceId, "log-incident", "logged", LogData);
        var list = await agent.GetFromJsonAsync<JsonElement>("/api/incidents");
        var only = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal("No WiFi in the loading bay", only.GetProperty("title").GetString());
        Assert.Equal("Forklift drivers cannot get instructions", only.GetProperty("businessImpact").GetString());
        Assert.Equal("service-desk", only.GetProperty("assignmentGroup").GetString());
        Assert.Equal("P2", only.GetProperty("priority").GetString());
        var variables = (await api.InstanceAsync(instanceId)).GetProperty("variables");
        Assert.Equal(incident.GetProperty("id").GetString(), variables.GetProperty("incidentId").GetString());
        Assert.Equal("adopted", Assert.Single(await api.JournalOfAsync(instanceId, "record-written", "create-incident-record")).GetProperty("outcome").GetString());

        var history = await agent.GetFromJsonAsync<JsonElement>($"/api/incidents/{incident.GetProperty("number").GetString()}/history");
        var title = history.EnumerateArray().Last(h => h.GetProperty("field").GetString() == "title");
        Assert.Equal(("WiFi down", "No WiFi in the loading bay"), (title.GetProperty("old").GetString(), title.GetProperty("new").GetString()));
        Assert.StartsWith(Resolution, title.GetProperty("actor").GetString());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Eight_clients_creating_incidents_at_once_start_exactly_one_instance_each(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var clients = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => api.Host.ClientForAsync("agent")));

        var responses = await Task.WhenAll(clients.Select((client, i) =>
            client.PostAsJsonAsync("/api/incidents", new { title = $"Printer {i} offline", impact = "low", urgency = "medium" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var agent = await api.As("agent");
        var instanceIds = new List<string>();
        foreach (var response in responses)
        {
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();
            var incident = await agent.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
            instanceIds.Add(Assert.Single(incident.GetProperty("instances").EnumerateArray()).GetProperty("id").GetString()!);
        }
        Assert.Equal(8, instanceIds.Distinct().Count());
        var all = await agent.GetFromJsonAsync<JsonElement>($"/api/instances?valueStream={Resolution}");
        Assert.Equal(8, all.EnumerateArray().Count());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Started_without_an_incident_the_stream_creates_a_typed_one_at_its_logging_step(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var instance = await api.StartAsync(Resolution, new { title = "Scanner broken", impact = "medium", urgency = "low" });
        var instanceId = IdOf(instance);

        await api.CompleteStepAsync(instanceId, "log-incident", "logged", LogData);

        var agent = await api.As("agent");
        var incidentId = (await api.InstanceAsync(instanceId)).GetProperty("variables").GetProperty("incidentId").GetString();
        var incident = await agent.GetFromJsonAsync<JsonElement>($"/api/incidents/{incidentId}");
        Assert.Matches(@"^INC-\d{6}$", incident.GetProperty("number").GetString());
        Assert.Equal("P4", incident.GetProperty("priority").GetString());
        Assert.Equal("Walt <walt@example.com>", incident.GetProperty("contact").GetString());
        Assert.Equal(instanceId, Assert.Single(incident.GetProperty("instances").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal("created", Assert.Single(await api.JournalOfAsync(instanceId, "record-written", "create-incident-record")).GetProperty("outcome").GetString());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_record_step_whose_values_the_kind_refuses_faults_naming_the_field_and_writes_nothing(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(new StreamFile("rec-bad-values")
            .Start()
            .Step("log", "create-record", new JsonObject
            {
                ["recordType"] = "incident",
                ["values"] = StreamFile.Pairs("field", ("title", "'Disk full'"), ("impact", "'enormous'"), ("urgency", "'low'")),
            })
            .Milestone().End()
            .Chain("start", "log", "value", "end"));

        var instance = await api.StartAsync("rec-bad-values");

        Assert.Equal("faulted", instance.GetProperty("status").GetString());
        var fault = (await api.InstanceAsync(IdOf(instance))).GetProperty("activeSteps")[0].GetProperty("fault").GetString();
        Assert.Contains("impact: 'enormous' is not one of high, medium, low", fault);
        var agent = await api.As("agent");
        Assert.Equal(0, (await agent.GetFromJsonAsync<JsonElement>("/api/incidents")).GetProperty("total").GetInt32());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_new_instance_that_creates_an_incident_in_its_first_run_is_stored_as_it_ended_that_run(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(new StreamFile("rec-first-run")
            .Variable("incidentId", "string")
            .Start()
            .Step("log", "create-record", new JsonObject
            {
                ["recordType"] = "incident",
                ["values"] = StreamFile.Pairs("field", ("title", "'Disk full'"), ("impact", "'low'"), ("urgency", "'low'")),
                ["resultVariable"] = "incidentId",
            })
            .Milestone().End()
            .Chain("start", "log", "value", "end"));

        var started = await api.StartAsync("rec-first-run");

        Assert.Equal("completed", started.GetProperty("status").GetString());
        var stored = await api.InstanceAsync(IdOf(started));
        Assert.Equal("completed", stored.GetProperty("status").GetString());
        Assert.Equal(started.GetProperty("variables").GetProperty("incidentId").GetString(),
            stored.GetProperty("variables").GetProperty("incidentId").GetString());
    }

    [Fact]
    public async Task Publishing_a_record_step_with_a_field_the_kind_does_not_have_is_an_error_at_its_path()
    {
        await using var api = await EngineApi.StartAsync();
        var owner = await api.As("owner");
        var file = new StreamFile("rec-unknown-field")
            .Start()
            .Step("log", "create-record", new JsonObject
            {
                ["recordType"] = "incident",
                ["values"] = StreamFile.Pairs("field", ("title", "'x'"), ("status", "'open'"), ("priority", "'P1'")),
            })
            .Milestone().End()
            .Chain("start", "log", "value", "end");

        var response = await owner.PostAsync("/api/value-streams/validate", new StringContent(file.ToJson(), System.Text.Encoding.UTF8, "application/json"));
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = report.GetProperty("errors").EnumerateArray()
            .ToDictionary(e => e.GetProperty("path").GetString()!, e => e.GetProperty("message").GetString()!);
        Assert.Contains("an incident has no field 'status'", errors["steps[1].values[1].field"]);
        Assert.Contains("derived", errors["steps[1].values[2].field"]);
    }
}
