using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Records;

/// <summary>
/// Improvements, surveys, knowledge articles, monitoring events and supplier contracts through the records API on both
/// stores: numbers, refusals naming fields, ETags, history, their cross-field rules and the event policy.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class RegisterRecordApiTests
{
    /// <summary>Per kind: its collection, number prefix, a valid record, the fields an empty one lacks, and a change.</summary>
    private static readonly Dictionary<string, (string Prefix, object Valid, string[] Required, object Change, string Changed)> Kinds = new()
    {
        ["improvements"] = ("IMP", new { title = "Fewer password resets", description = "Self-service reset", source = "service-desk" },
            ["title"], new { state = "prioritised", priority = "P2", effort = "low" }, "priority"),
        ["surveys"] = ("SRV", new { title = "How did we do?", recipient = "walt@example.com", state = "sent" },
            ["title"], new { state = "returned", score = 4, comment = "Quick and friendly" }, "score"),
        ["knowledge-articles"] = ("KB", new { title = "Reset the scanner", body = "Hold the power button", category = "hardware", audience = "internal" },
            ["title"], new { state = "published" }, "state"),
        ["monitoring-events"] = ("EVT", new { title = "Disk 80% full", severity = "warning", source = "Zabbix", occurredAt = "2026-12-01T08:00:00Z" },
            ["severity", "title"], new { state = "acknowledged" }, "state"),
        ["supplier-contracts"] = ("SUP", new { title = "Calendar support", supplier = "Contoso", startDate = "2026-01-01T00:00:00Z",
            endDate = "2027-01-01T00:00:00Z", value = 12000 }, ["supplier", "title"], new { state = "active" }, "state"),
    };

    public static TheoryData<StorageProvider, string> StoresAndKinds
    {
        get
        {
            var data = new TheoryData<StorageProvider, string>();
            foreach (var provider in (StorageProvider[])[StorageProvider.Sqlite, StorageProvider.PostgreSql])
                foreach (var kind in Kinds.Keys)
                    data.Add(provider, kind);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(StoresAndKinds))]
    public async Task Each_kind_is_numbered_refused_by_field_guarded_by_its_etag_and_keeps_its_history(StorageProvider provider, string collection)
    {
        var (prefix, valid, required, change, changed) = Kinds[collection];
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");

        var created = await agent.PostAsJsonAsync($"/api/{collection}", valid);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var record = await created.Content.ReadFromJsonAsync<JsonElement>();
        var number = record.GetProperty("number").GetString()!;
        Assert.Matches($@"^{prefix}-\d{{6}}$", number);
        var etag = created.Headers.ETag!.ToString();

        var empty = await agent.PostAsync($"/api/{collection}", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(required, Errors(await empty.Content.ReadFromJsonAsync<JsonElement>()).Keys.Order());

        var patched = await PatchAsync(agent, collection, number, etag, change);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var stale = await PatchAsync(agent, collection, number, etag, change);
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/{collection}/{prefix}-999999")).StatusCode);

        var history = await agent.GetFromJsonAsync<JsonElement>($"/api/{collection}/{number}/history");
        Assert.Contains(history.EnumerateArray(), h => h.GetProperty("field").GetString() == changed && h.GetProperty("actor").GetString() == "agent");
        var list = await agent.GetFromJsonAsync<JsonElement>($"/api/{collection}");
        Assert.Equal(1, list.GetProperty("total").GetInt32());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_survey_score_outside_one_to_five_is_refused(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");

        foreach (var score in new[] { 0, 6 })
        {
            var refused = await agent.PostAsJsonAsync("/api/surveys", new { title = "How did we do?", score });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("from 1 to 5", Errors(await refused.Content.ReadFromJsonAsync<JsonElement>())["score"]);
        }
        var half = await agent.PostAsJsonAsync("/api/surveys", new { title = "How did we do?", score = 2.5 });
        Assert.Equal(HttpStatusCode.BadRequest, half.StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await agent.PostAsJsonAsync("/api/surveys", new { title = "How did we do?", score = 5 })).StatusCode);
        Assert.Equal(1, (await agent.GetFromJsonAsync<JsonElement>("/api/surveys")).GetProperty("total").GetInt32());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_supplier_contract_must_end_after_it_starts(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");

        var refused = await agent.PostAsJsonAsync("/api/supplier-contracts", new
        {
            title = "Calendar support", supplier = "Contoso", startDate = "2026-06-01T00:00:00Z", endDate = "2026-05-01T00:00:00Z",
        });

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("after 'startDate'", Errors(await refused.Content.ReadFromJsonAsync<JsonElement>())["endDate"]);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_exception_event_opens_one_incident_that_starts_incident_resolution_and_the_event_names_it(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");

        var created = await agent.PostAsJsonAsync("/api/monitoring-events", new
        {
            title = "Mail server down", severity = "exception", source = "Zabbix", message = "SMTP does not answer on mx1",
            occurredAt = "2026-12-01T08:00:00Z",
        });

        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var evt = await created.Content.ReadFromJsonAsync<JsonElement>();
        var incidents = await agent.GetFromJsonAsync<JsonElement>("/api/incidents");
        var incident = Assert.Single(incidents.GetProperty("items").EnumerateArray());
        Assert.Equal(incident.GetProperty("number").GetString(), evt.GetProperty("incident").GetString());
        Assert.Equal(("medium", "high", "P2"), (incident.GetProperty("impact").GetString(), incident.GetProperty("urgency").GetString(),
            incident.GetProperty("priority").GetString()));
        Assert.Equal("SMTP does not answer on mx1", incident.GetProperty("description").GetString());
        var opened = await agent.GetFromJsonAsync<JsonElement>($"/api/incidents/{incident.GetProperty("number").GetString()}");
        Assert.Equal("incident-resolution", Assert.Single(opened.GetProperty("instances").EnumerateArray()).GetProperty("valueStreamId").GetString());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Informational_and_warning_events_open_no_incident(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");

        foreach (var severity in new[] { "informational", "warning" })
        {
            var created = await agent.PostAsJsonAsync("/api/monitoring-events", new { title = "Backup finished", severity });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
            Assert.Equal(JsonValueKind.Null, (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("incident").ValueKind);
        }

        Assert.Equal(0, (await agent.GetFromJsonAsync<JsonElement>("/api/incidents")).GetProperty("total").GetInt32());
    }

    private static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string collection, string id, string etag, object change)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/{collection}/{id}") { Content = JsonContent.Create(change) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await client.SendAsync(request);
    }

    private static Dictionary<string, string> Errors(JsonElement problem) =>
        problem.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("path").GetString()!, e => e.GetProperty("message").GetString()!);
}
