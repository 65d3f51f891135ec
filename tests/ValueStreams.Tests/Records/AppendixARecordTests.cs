using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Records;

/// <summary>
/// The book's A.1.1 and A.1.2 streams, run through the API on both stores, leave the records their rows name, and the
/// instance and its records link both ways.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class AppendixARecordTests
{
    private const string Store = "Warehouse 2 store";

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Incident_resolution_leaves_a_closed_incident_a_consumed_spare_a_survey_and_an_improvement_linked_to_the_incident(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var agent = await api.As("agent");
        var admin = await api.As("admin");
        await RecordApi.CreateAsync(agent, "configuration-items", new { title = "ap-wh2-03", ciType = "network", state = "active", configuration = "ssid=wh2" });
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/assets/stock-levels",
            new { model = "AP-500", location = Store, reorderThreshold = 1, reorderQuantity = 4 })).StatusCode);
        await RecordApi.CreateAsync(agent, "assets", new { title = "Spare AP-500", assetTag = "AP-1", model = "AP-500", location = Store });
        await RecordApi.CreateAsync(agent, "assets", new { title = "Spare AP-500", assetTag = "AP-2", model = "AP-500", location = Store });
        var stockBefore = await InStockAsync(agent);
        var knownError = await KnownErrorAsync(admin, "network", "Restart the access point from the controller");

        var instanceId = IdOf(await api.StartAsync("incident-resolution"));
        await api.CompleteFilledAsync(instanceId, "log-incident", "logged", "agent", new() { ["summary"] = "No WiFi in the loading bay", ["location"] = "Loading bay", ["category"] = "network" });
        await api.CompleteFilledAsync(instanceId, "fix-at-desk-or-escalate", "escalate", "agent", []);
        await api.CompleteFilledAsync(instanceId, "diagnose-failure", "diagnosed", "engineer", new() { ["ciName"] = "ap-wh2-03" });
        await api.CompleteFilledAsync(instanceId, "replace-access-point", "resolved", "engineer",
            new() { ["spareAssetTag"] = "AP-1", ["logImprovement"] = true, ["reflection"] = "Keep a spare in each bay" });
        await api.CompleteFilledAsync(instanceId, "confirm-fix-with-user", "confirmed", "agent", []);
        await new StreamWalker(api.Host).WalkAsync(instanceId);

        // Row 2–5: the incident, resolved and then closed on the caller's confirmation, each state in its history.
        var records = await (await api.As("admin")).GetFromJsonAsync<JsonElement>($"/api/instances/{instanceId}/records");
        var incidentNumber = Number(records, "incident");
        var incident = await admin.GetFromJsonAsync<JsonElement>($"/api/incidents/{incidentNumber}");
        Assert.Equal("closed", incident.GetProperty("state").GetString());
        Assert.Contains(incident.GetProperty("instances").EnumerateArray(), i => i.GetProperty("id").GetString() == instanceId);
        var states = (await admin.GetFromJsonAsync<JsonElement>($"/api/incidents/{incidentNumber}/history")).EnumerateArray()
            .Where(h => h.GetProperty("field").GetString() == "state").Select(h => h.GetProperty("new").GetString()).ToList();
        Assert.Equal(["new", "in-progress", "resolved", "closed"], states);

        // Row 4: the spare consumed, the stock one lower.
        Assert.Equal(stockBefore - 1, await InStockAsync(agent));
        var spare = Single(await admin.GetFromJsonAsync<JsonElement>("/api/assets?state=in-use"));
        Assert.Equal("AP-1", spare.GetProperty("assetTag").GetString());

        // The desk looked for a known error in the incident's category and found its workaround.
        Assert.Contains(records.EnumerateArray(), r => r.GetProperty("number").GetString() == knownError && r.GetProperty("role").GetString() == "read");
        Assert.Equal("Restart the access point from the controller", (await api.InstanceAsync(instanceId)).GetProperty("variables")
            .GetProperty("knownError").GetProperty("workaround").GetString());

        // Rows 4 and 7: an improvement from the reflection and a survey, both linked to the incident.
        var links = (await admin.GetFromJsonAsync<JsonElement>($"/api/incidents/{incidentNumber}/links")).EnumerateArray()
            .Select(l => (Kind: l.GetProperty("record").GetProperty("kind").GetString(), Direction: l.GetProperty("direction").GetString())).ToList();
        Assert.Contains(("improvement", "incoming"), links);
        Assert.Contains(("survey", "incoming"), links);
        var survey = Single(await admin.GetFromJsonAsync<JsonElement>("/api/surveys"));
        Assert.Equal(incidentNumber, survey.GetProperty("relatedRecord").GetString());
        Assert.Contains(records.EnumerateArray(), r => r.GetProperty("kind").GetString() == "survey");
        Assert.Contains(records.EnumerateArray(), r => r.GetProperty("kind").GetString() == "improvement");
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Third_party_software_error_reads_the_contract_publishes_for_one_user_then_all_and_fulfils_the_self_service_request(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var admin = await api.As("admin");
        var contract = await RecordApi.CreateAsync(admin, "supplier-contracts", new { title = "Calendar support", supplier = "Contoso", state = "active", startDate = "2026-01-01T00:00:00Z" });

        var instanceId = IdOf(await api.StartAsync("third-party-software-error"));
        var walker = new StreamWalker(api.Host);
        await walker.WalkAsync(instanceId, stopAt: t => t.GetProperty("stepId").GetString() == "research-vendor-fix");
        await api.CompleteFilledAsync(instanceId, "research-vendor-fix", "escalate", "agent",
            new() { ["vendorFixKnown"] = true, ["vendor"] = "Contoso", ["fixedInVersion"] = "5.2" });
        await walker.WalkAsync(instanceId, stopAt: t => t.GetProperty("stepId").GetString() == "arrange-user-test");
        await api.CompleteFilledAsync(instanceId, "arrange-user-test", "published", "secondline", new() { ["portalItem"] = "Calendar client 5.2" });
        await walker.WalkAsync(instanceId);

        var records = await admin.GetFromJsonAsync<JsonElement>($"/api/instances/{instanceId}/records");
        // Rows 2–4: the incident, escalated to second line; the vendor contract read.
        var incident = await admin.GetFromJsonAsync<JsonElement>($"/api/incidents/{Number(records, "incident")}");
        Assert.Equal(("closed", "second-line-support"), (incident.GetProperty("state").GetString(), incident.GetProperty("assignmentGroup").GetString()));
        Assert.Contains(records.EnumerateArray(), r => r.GetProperty("number").GetString() == contract && r.GetProperty("role").GetString() == "read");
        // Row 5: a catalogue item for the one user; row 9: then for all users.
        var item = await admin.GetFromJsonAsync<JsonElement>($"/api/request-catalogue-items/{Number(records, "request-catalogue-item")}");
        Assert.Equal(("Calendar client 5.2", "all-users", "published"),
            (item.GetProperty("title").GetString(), item.GetProperty("availableTo").GetString(), item.GetProperty("state").GetString()));
        var audience = (await admin.GetFromJsonAsync<JsonElement>($"/api/request-catalogue-items/{item.GetProperty("number").GetString()}/history"))
            .EnumerateArray().Where(h => h.GetProperty("field").GetString() == "availableTo").Select(h => h.GetProperty("new").GetString()).ToList();
        Assert.Equal(2, audience.Count);
        Assert.Equal("all-users", audience[1]);
        // Row 6: the self-service request for it, fulfilled.
        var request = await admin.GetFromJsonAsync<JsonElement>($"/api/requests/{Number(records, "request")}");
        Assert.Equal(("fulfilled", item.GetProperty("number").GetString()), (request.GetProperty("state").GetString(), request.GetProperty("catalogueItem").GetString()));
        // Row 8: the survey; row 9: a release and its deployment, and no change record.
        Assert.Contains(records.EnumerateArray(), r => r.GetProperty("kind").GetString() == "survey");
        Assert.Contains(records.EnumerateArray(), r => r.GetProperty("kind").GetString() == "release");
        Assert.Contains(records.EnumerateArray(), r => r.GetProperty("kind").GetString() == "deployment");
        Assert.DoesNotContain(records.EnumerateArray(), r => r.GetProperty("kind").GetString() == "change");
    }

    /// <summary>A problem analysed to a known error with its workaround; its number.</summary>
    private static async Task<string> KnownErrorAsync(HttpClient client, string category, string workaround)
    {
        var number = await RecordApi.CreateAsync(client, "problems", new { title = "Access points drop off the controller", impact = "medium", urgency = "medium", category });
        var investigating = await RecordApi.PatchAsync(client, "problems", number, "\"1\"", new { state = "under-investigation" });
        Assert.True(investigating.IsSuccessStatusCode, await investigating.Content.ReadAsStringAsync());
        var known = await RecordApi.PatchAsync(client, "problems", number, "\"2\"", new { state = "known-error", workaround });
        Assert.True(known.IsSuccessStatusCode, await known.Content.ReadAsStringAsync());
        return number;
    }

    private static string Number(JsonElement records, string kind) =>
        records.EnumerateArray().First(r => r.GetProperty("kind").GetString() == kind).GetProperty("number").GetString()!;

    private static JsonElement Single(JsonElement page) => Assert.Single(page.GetProperty("items").EnumerateArray());

    private static async Task<int> InStockAsync(HttpClient client) =>
        Assert.Single((await client.GetFromJsonAsync<JsonElement>($"/api/assets/stock?model=AP-500&location={Uri.EscapeDataString(Store)}")).EnumerateArray())
            .GetProperty("inStock").GetInt32();
}
