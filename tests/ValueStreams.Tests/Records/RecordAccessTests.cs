using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Records;

/// <summary>
/// Who sees and works records, on both stores: a record with an assignment group is for its group, the people it names,
/// its creator and admins; one without a group is the shared triage queue. Others get 404, in lists, pages, history and
/// changes alike.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class RecordAccessTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_incident_of_another_group_is_hidden_from_an_agent_outside_it_in_every_way(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var desk = await host.ClientForAsync("agent");            // service-desk
        var network = await host.ClientForAsync("engineer");      // network-support
        var secondLine = await host.ClientForAsync("secondline"); // second-line-support
        var admin = await host.ClientForAsync("admin");

        var routed = await CreateAsync(desk, new { title = "Access point down", impact = "medium", urgency = "high", assignmentGroup = "network-support" });
        var unassigned = await CreateAsync(desk, new { title = "Printer jam", impact = "low", urgency = "low" });
        var namesSecondLine = await CreateAsync(desk, new { title = "Laptop slow", impact = "low", urgency = "low", assignmentGroup = "network-support", caller = "secondline" });

        // The group, the creator and admins see the routed incident; another group does not, by id or by number.
        Assert.Equal(HttpStatusCode.OK, (await network.GetAsync($"/api/incidents/{routed.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await desk.GetAsync($"/api/incidents/{routed.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/incidents/{routed.Number}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await secondLine.GetAsync($"/api/incidents/{routed.Id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await secondLine.GetAsync($"/api/incidents/{routed.Number}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await secondLine.GetAsync($"/api/incidents/{routed.Id}/history")).StatusCode);

        // Changing it is refused as if it did not exist, and nothing changes.
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/incidents/{routed.Id}") { Content = JsonContent.Create(new { title = "Mine now" }) };
        Assert.Equal(HttpStatusCode.NotFound, (await secondLine.SendAsync(patch)).StatusCode);
        Assert.Equal("Access point down", (await admin.GetFromJsonAsync<JsonElement>($"/api/incidents/{routed.Id}")).GetProperty("title").GetString());

        // Lists hold exactly what each may see: second line sees the unassigned one and the one that names them.
        Assert.Equal([unassigned.Number, namesSecondLine.Number], await NumbersAsync(secondLine, "/api/incidents?sort=number"));
        Assert.Equal([routed.Number, unassigned.Number, namesSecondLine.Number], await NumbersAsync(network, "/api/incidents?sort=number"));
        Assert.Equal([routed.Number, unassigned.Number, namesSecondLine.Number], await NumbersAsync(admin, "/api/incidents?sort=number"));
        // Filters and search never reach past the rule.
        Assert.Empty(await NumbersAsync(secondLine, "/api/incidents?assignmentGroup=network-support&q=Access"));
        var total = (await secondLine.GetFromJsonAsync<JsonElement>("/api/incidents?assignmentGroup=network-support")).GetProperty("total").GetInt32();
        Assert.Equal(1, total);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_member_of_the_group_may_work_the_incident_and_moving_it_away_takes_it_out_of_their_sight(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var desk = await host.ClientForAsync("agent");
        var network = await host.ClientForAsync("engineer");

        var incident = await CreateAsync(desk, new { title = "Switch fault", impact = "high", urgency = "high", assignmentGroup = "network-support" });
        var read = await network.GetAsync($"/api/incidents/{incident.Id}");
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/incidents/{incident.Id}")
        {
            Content = JsonContent.Create(new { assignmentGroup = "second-line-support" }),
        };
        patch.Headers.IfMatch.Add(read.Headers.ETag!);
        var moved = await network.SendAsync(patch);
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal("second-line-support", (await moved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("assignmentGroup").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await network.GetAsync($"/api/incidents/{incident.Id}")).StatusCode);
        Assert.Equal("engineer", (await desk.GetFromJsonAsync<JsonElement>($"/api/incidents/{incident.Id}")).GetProperty("updatedBy").GetString());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Agents_read_a_catalogue_but_only_admins_create_and_change_its_entries(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");
        var admin = await host.ClientForAsync("admin");
        var model = new { title = "Replace a failed access point", changeType = "standard", risk = "low", changeAuthority = "network-support" };

        var refused = await agent.PostAsJsonAsync("/api/change-models", model);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(0, (await agent.GetFromJsonAsync<JsonElement>("/api/change-models")).GetProperty("total").GetInt32());

        var created = await admin.PostAsJsonAsync("/api/change-models", model);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var number = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString();
        Assert.Equal(number, Assert.Single((await agent.GetFromJsonAsync<JsonElement>("/api/change-models")).GetProperty("items").EnumerateArray())
            .GetProperty("number").GetString());
        var patch = new HttpRequestMessage(HttpMethod.Patch, $"/api/change-models/{number}") { Content = JsonContent.Create(new { risk = "high" }) };
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.SendAsync(patch)).StatusCode);
        Assert.Equal("low", (await agent.GetFromJsonAsync<JsonElement>($"/api/change-models/{number}")).GetProperty("risk").GetString());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_reference_must_name_an_existing_record_is_stored_as_its_number_and_links_both_ways(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");
        var ci = await agent.PostAsJsonAsync("/api/configuration-items", new { title = "ap-wh2-03", ciType = "network" });
        Assert.Equal(HttpStatusCode.Created, ci.StatusCode);
        var ciBody = await ci.Content.ReadFromJsonAsync<JsonElement>();

        var unknown = await agent.PostAsJsonAsync("/api/incidents", new { title = "AP down", impact = "low", urgency = "low", configurationItem = "CI-999999" });
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("There is no configuration item 'CI-999999'", await unknown.Content.ReadAsStringAsync());
        Assert.Equal(0, (await agent.GetFromJsonAsync<JsonElement>("/api/incidents")).GetProperty("total").GetInt32());

        // Given by id, kept as the number; the CI lists the incident that names it.
        var incident = await CreateAsync(agent, new { title = "AP down", impact = "low", urgency = "low", configurationItem = ciBody.GetProperty("id").GetString() });
        var stored = await agent.GetFromJsonAsync<JsonElement>($"/api/incidents/{incident.Number}");
        Assert.Equal(ciBody.GetProperty("number").GetString(), stored.GetProperty("configurationItem").GetString());
        var link = Assert.Single((await agent.GetFromJsonAsync<JsonElement>($"/api/configuration-items/{ciBody.GetProperty("number").GetString()}/links")).EnumerateArray());
        Assert.Equal(("incoming", incident.Number), (link.GetProperty("direction").GetString(), link.GetProperty("record").GetProperty("number").GetString()));
        Assert.Equal("Configuration item of an incident", link.GetProperty("label").GetString());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_change_schedule_leaves_off_changes_of_another_group_but_names_their_clashes_by_number(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var desk = await host.ClientForAsync("agent");        // service-desk
        var network = await host.ClientForAsync("engineer");  // network-support
        var admin = await host.ClientForAsync("admin");
        var monday = new DateTimeOffset(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);
        var phones = (await RecordApi.ItemsAsync(admin, "PBX01"))["PBX01"];
        object Change(string title, string group, int fromHour, int toHour) => new
        {
            title, type = "normal", risk = "low", configurationItem = phones, assignmentGroup = group,
            plannedStart = monday.AddHours(fromHour), plannedEnd = monday.AddHours(toHour),
        };
        var switchover = await RecordApi.CreateAsync(admin, "changes", Change("Replace the PBX", "network-support", 9, 12));
        var handsets = await RecordApi.CreateAsync(admin, "changes", Change("Swap the desk handsets", "service-desk", 11, 13));
        var url = $"/api/changes/schedule?from={monday:yyyy-MM-dd}&to={monday.AddDays(7):yyyy-MM-dd}";

        // Each group sees its own change, marked as clashing with the other's, which it may not open.
        Assert.Equal([$"{handsets} clashes with {switchover}, hidden {switchover}"], await ScheduledAsync(desk, url));
        Assert.Equal(HttpStatusCode.NotFound, (await desk.GetAsync($"/api/changes/{switchover}")).StatusCode);
        Assert.Equal([$"{switchover} clashes with {handsets}, hidden {handsets}"], await ScheduledAsync(network, url));

        // The calendar page shows the desk the clash as a bare number: no link, no title.
        var browser = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await Security.CookieSignIn.SignInAsync(browser, "agent")).StatusCode);
        var page = await browser.GetStringAsync($"/records/changes/schedule?view=week&from={monday:yyyy-MM-dd}");
        Assert.Contains($"title=\"A change you may not open\">{switchover}</span>", page);
        Assert.DoesNotContain($"href=\"/records/changes/{switchover}\"", page);
        Assert.DoesNotContain("Replace the PBX", page);
        Assert.Contains("Swap the desk handsets", page);

        // One change's clashes: the desk learns the other change's number only, and cannot ask for the other change's.
        var deskClash = Assert.Single((await desk.GetFromJsonAsync<JsonElement>($"/api/changes/{handsets}/clashes")).EnumerateArray());
        Assert.Equal((switchover, true, JsonValueKind.Null, JsonValueKind.Null), (deskClash.GetProperty("number").GetString(),
            deskClash.GetProperty("hidden").GetBoolean(), deskClash.GetProperty("title").ValueKind, deskClash.GetProperty("plannedStart").ValueKind));
        Assert.Equal(HttpStatusCode.NotFound, (await desk.GetAsync($"/api/changes/{switchover}/clashes")).StatusCode);

        // An admin sees both, and may open every change they clash with.
        Assert.Equal([$"{switchover} clashes with {handsets}, hidden ", $"{handsets} clashes with {switchover}, hidden "], await ScheduledAsync(admin, url));
        var adminClash = Assert.Single((await admin.GetFromJsonAsync<JsonElement>($"/api/changes/{handsets}/clashes")).EnumerateArray());
        Assert.Equal(("Replace the PBX", false), (adminClash.GetProperty("title").GetString(), adminClash.GetProperty("hidden").GetBoolean()));
    }

    /// <summary>The changes on the caller's schedule, each as its number, the clashes it names and those of them the caller may not open.</summary>
    private static async Task<List<string>> ScheduledAsync(HttpClient client, string url)
    {
        static string Numbers(JsonElement list) => string.Join(",", list.EnumerateArray().Select(n => n.GetString()));
        return (await client.GetFromJsonAsync<JsonElement>(url)).GetProperty("changes").EnumerateArray()
            .Select(c => $"{c.GetProperty("number").GetString()} clashes with {Numbers(c.GetProperty("clashes"))}, hidden {Numbers(c.GetProperty("hiddenClashes"))}")
            .ToList();
    }

    private static async Task<(string Id, string Number)> CreateAsync(HttpClient client, object incident)
    {
        var response = await client.PostAsJsonAsync("/api/incidents", incident);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return (body.GetProperty("id").GetString()!, body.GetProperty("number").GetString()!);
    }

    private static async Task<List<string>> NumbersAsync(HttpClient client, string url) =>
        (await client.GetFromJsonAsync<JsonElement>(url)).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("number").GetString()!).ToList();
}
