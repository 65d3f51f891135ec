using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Records;

/// <summary>The incident records API on both stores: numbers, the priority matrix, states, paging, ETags and history.</summary>
[Collection(nameof(HostCollection))]
public sealed class IncidentApiTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_incident_gets_a_number_and_its_priority_from_impact_and_urgency_and_is_found_by_id_and_number(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");

        var created = await agent.PostAsJsonAsync("/api/incidents", new
        {
            title = "Scanners offline in the loading bay", description = "Since 08:00", caller = "warehouse",
            impact = "high", urgency = "medium", assignmentGroup = "service-desk",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var incident = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Matches(@"^INC-\d{6}$", incident.GetProperty("number").GetString());
        Assert.Equal("P2", incident.GetProperty("priority").GetString());
        Assert.Equal("new", incident.GetProperty("state").GetString());
        Assert.Equal("agent", incident.GetProperty("createdBy").GetString());
        // Incident resolution starts on every new incident and is linked to it.
        Assert.Equal("incident-resolution", Assert.Single(incident.GetProperty("instances").EnumerateArray()).GetProperty("valueStreamId").GetString());
        Assert.Equal("\"1\"", created.Headers.ETag?.ToString());

        var id = incident.GetProperty("id").GetString();
        var number = incident.GetProperty("number").GetString();
        var byId = await agent.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}");
        var byNumber = await agent.GetFromJsonAsync<JsonElement>($"/api/incidents/{number!.ToLowerInvariant()}");
        Assert.Equal(number, byId.GetProperty("number").GetString());
        Assert.Equal(id, byNumber.GetProperty("id").GetString());
        Assert.Equal("Since 08:00", byNumber.GetProperty("description").GetString());

        var missing = await agent.GetAsync("/api/incidents/INC-999999");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("INC-999999", await missing.Content.ReadAsStringAsync());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_bad_incident_is_refused_naming_every_field_and_nothing_is_stored(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");

        var empty = await agent.PostAsync("/api/incidents", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(["impact", "title", "urgency"], Errors(await empty.Content.ReadFromJsonAsync<JsonElement>()).Keys.Order());

        var wrong = await agent.PostAsJsonAsync("/api/incidents", new
        {
            title = new string('x', 201), impact = "enormous", urgency = "low", priority = "P1", colour = "red", majorIncident = "yes",
            number = "INC-000001",
        });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var errors = Errors(await wrong.Content.ReadFromJsonAsync<JsonElement>());
        Assert.Contains("at most 200", errors["title"]);
        Assert.Contains("'enormous' is not one of high, medium, low", errors["impact"]);
        Assert.Contains("derived", errors["priority"]);
        Assert.Contains("no field 'colour'", errors["colour"]);
        Assert.Contains("true or false", errors["majorIncident"]);
        Assert.Contains("set by the product", errors["number"]);

        var list = await agent.GetFromJsonAsync<JsonElement>("/api/incidents");
        Assert.Equal(0, list.GetProperty("total").GetInt32());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task States_move_only_as_the_kind_allows_and_every_change_is_in_the_history(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");
        var (id, etag) = await CreateAsync(agent, "Printer jam", "low", "low");

        var noReason = await PatchAsync(agent, id, etag, new { state = "on-hold" });
        Assert.Equal(HttpStatusCode.BadRequest, noReason.StatusCode);
        Assert.Contains("required when the incident is on-hold", Errors(await noReason.Content.ReadFromJsonAsync<JsonElement>())["onHoldReason"]);

        var held = await PatchAsync(agent, id, etag, new { state = "on-hold", onHoldReason = "Waiting for the caller" });
        Assert.Equal(HttpStatusCode.OK, held.StatusCode);
        etag = held.Headers.ETag!.ToString();
        Assert.Equal("\"2\"", etag);

        var resolved = await PatchAsync(agent, id, etag, new { state = "resolved", resolutionCode = "fixed", urgency = "high" });
        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        Assert.Equal("P3", (await resolved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("priority").GetString());
        etag = resolved.Headers.ETag!.ToString();

        // The caller's "not fixed" reopens it; closing is final.
        var reopened = await PatchAsync(agent, id, etag, new { state = "in-progress" });
        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
        etag = reopened.Headers.ETag!.ToString();
        var skipped = await PatchAsync(agent, id, etag, new { state = "closed" });
        Assert.Equal(HttpStatusCode.BadRequest, skipped.StatusCode);
        Assert.Contains("cannot go from in-progress to closed", Errors(await skipped.Content.ReadFromJsonAsync<JsonElement>())["state"]);
        etag = (await PatchAsync(agent, id, etag, new { state = "resolved" })).Headers.ETag!.ToString();
        etag = (await PatchAsync(agent, id, etag, new { state = "closed" })).Headers.ETag!.ToString();
        var afterClose = await PatchAsync(agent, id, etag, new { state = "in-progress" });
        Assert.Equal(HttpStatusCode.BadRequest, afterClose.StatusCode);

        var history = await agent.GetFromJsonAsync<JsonElement>($"/api/incidents/{id}/history");
        var states = history.EnumerateArray().Where(h => h.GetProperty("field").GetString() == "state")
            .Select(h => h.GetProperty("new").GetString()).ToList();
        Assert.Equal(["new", "on-hold", "resolved", "in-progress", "resolved", "closed"], states);
        var priority = history.EnumerateArray().Last(h => h.GetProperty("field").GetString() == "priority");
        Assert.Equal(("P4", "P3", "agent"), (priority.GetProperty("old").GetString(), priority.GetProperty("new").GetString(),
            priority.GetProperty("actor").GetString()));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_stale_if_match_gets_412_and_leaves_the_record_as_it_was(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");
        var (id, etag) = await CreateAsync(agent, "VPN drops", "medium", "medium");

        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(agent, id, etag, new { assignee = "agent" })).StatusCode);
        var stale = await PatchAsync(agent, id, etag, new { assignee = "engineer" });
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        var malformed = await PatchAsync(agent, id, "not-a-tag", new { assignee = "engineer" });
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var unknown = await PatchAsync(agent, "INC-999999", etag, new { assignee = "engineer" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        var now = await agent.GetAsync($"/api/incidents/{id}");
        Assert.Equal("\"2\"", now.Headers.ETag?.ToString());
        Assert.Equal("agent", (await now.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("assignee").GetString());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_list_pages_filters_sorts_and_searches_on_the_server_and_refuses_unknown_names(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");
        for (var i = 0; i < 12; i++)
            await CreateAsync(agent, i % 3 == 0 ? $"Mail 50%_off bounce {i}" : $"Laptop fan noise {i}", i % 2 == 0 ? "high" : "low", "high");

        var page = await agent.GetFromJsonAsync<JsonElement>("/api/incidents?pageSize=5&page=3&sort=number");
        Assert.Equal(12, page.GetProperty("total").GetInt32());
        Assert.Equal(["INC-000011", "INC-000012"], page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("number").GetString()));

        var urgentOnes = await agent.GetFromJsonAsync<JsonElement>("/api/incidents?priority=P1&sort=-number");
        Assert.Equal(6, urgentOnes.GetProperty("total").GetInt32());
        Assert.Equal("INC-000011", urgentOnes.GetProperty("items")[0].GetProperty("number").GetString());
        var both = await agent.GetFromJsonAsync<JsonElement>("/api/incidents?priority=P1,P3&state=new");
        Assert.Equal(12, both.GetProperty("total").GetInt32());

        // The search text's % and _ are literal, and case does not matter.
        var found = await agent.GetFromJsonAsync<JsonElement>("/api/incidents?q=" + Uri.EscapeDataString("50%_OFF"));
        Assert.Equal(4, found.GetProperty("total").GetInt32());
        Assert.Equal(0, (await agent.GetFromJsonAsync<JsonElement>("/api/incidents?q=50%25x")).GetProperty("total").GetInt32());

        var refused = await agent.GetAsync("/api/incidents?colour=red&sort=description&pageSize=5000&q=" + new string('x', 201));
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(["colour", "pageSize", "q", "sort"], Errors(await refused.Content.ReadFromJsonAsync<JsonElement>()).Keys.Order());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Eight_clients_creating_at_once_get_eight_different_numbers(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agents = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => host.ClientForAsync("agent")));

        var responses = await Task.WhenAll(agents.Select((client, i) =>
            client.PostAsJsonAsync("/api/incidents", new { title = $"Outage report {i}", impact = "medium", urgency = "low" })));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Created, r.StatusCode));
        var numbers = await Task.WhenAll(responses.Select(async r => (await r.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()));
        Assert.Equal(Enumerable.Range(1, 8).Select(n => $"INC-{n:D6}"), numbers.Order());
    }

    [Fact]
    public async Task Only_agents_and_admins_read_and_write_incident_records_and_everyone_signed_in_reads_the_kinds()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        // Process owners design streams; they are not agents and do not work records.
        var requester = await host.ClientForAsync("owner");

        Assert.Equal(HttpStatusCode.Forbidden, (await requester.GetAsync("/api/incidents")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden,
            (await requester.PostAsJsonAsync("/api/incidents", new { title = "x", impact = "low", urgency = "low" })).StatusCode);
        var kinds = await requester.GetFromJsonAsync<JsonElement>("/api/record-kinds");
        var incident = kinds.EnumerateArray().Single(k => k.GetProperty("name").GetString() == "incident");
        Assert.Equal("INC", incident.GetProperty("numberPrefix").GetString());
        Assert.Contains(incident.GetProperty("transitions").EnumerateArray(),
            t => t.GetProperty("from").GetString() == "resolved" && t.GetProperty("to").GetString() == "in-progress");
    }

    private static async Task<(string Id, string ETag)> CreateAsync(HttpClient client, string title, string impact, string urgency)
    {
        var response = await client.PostAsJsonAsync("/api/incidents", new { title, impact, urgency });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!, response.Headers.ETag!.ToString());
    }

    private static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string id, string etag, object change)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/incidents/{id}") { Content = JsonContent.Create(change) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await client.SendAsync(request);
    }

    private static Dictionary<string, string> Errors(JsonElement problem) =>
        problem.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("path").GetString()!, e => e.GetProperty("message").GetString()!);
}
