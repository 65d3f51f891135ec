using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Records;

/// <summary>Change records, change models and the change schedule with its clashes, on both stores.</summary>
[Collection(nameof(HostCollection))]
public sealed class ChangeApiTests
{
    private static readonly DateTimeOffset Monday = new(2027, 3, 1, 0, 0, 0, TimeSpan.Zero);

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_change_gets_its_authority_from_type_and_risk_and_is_refused_naming_fields_stale_tags_and_unknown_ids(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");

        var empty = await agent.PostAsync("/api/changes", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(["risk", "title", "type"], RecordApi.Errors(await empty.Content.ReadFromJsonAsync<JsonElement>()).Keys.Order());

        var backwards = await agent.PostAsJsonAsync("/api/changes", new
        {
            title = "Patch the database", type = "normal", risk = "low", plannedStart = Monday.AddHours(10), plannedEnd = Monday.AddHours(9),
        });
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("after 'plannedStart'", RecordApi.Errors(await backwards.Content.ReadFromJsonAsync<JsonElement>())["plannedEnd"]);

        var low = await CreateAsync(agent, new { title = "Patch the database", type = "normal", risk = "low" });
        Assert.Matches(@"^CHG-\d{6}$", low.GetProperty("number").GetString());
        Assert.Equal("service-management", low.GetProperty("changeAuthority").GetString());
        Assert.Equal("change-authority", (await CreateAsync(agent, new { title = "Move the data centre", type = "normal", risk = "high" }))
            .GetProperty("changeAuthority").GetString());
        Assert.Equal("change-authority", (await CreateAsync(agent, new { title = "Hot-fix the login", type = "emergency", risk = "medium" }))
            .GetProperty("changeAuthority").GetString());

        var id = low.GetProperty("id").GetString()!;
        var skip = await RecordApi.PatchAsync(agent, "changes", id, "\"1\"", new { state = "authorize" });
        Assert.Contains("assessed before", RecordApi.Errors(await skip.Content.ReadFromJsonAsync<JsonElement>())["state"]);
        Assert.Equal(HttpStatusCode.OK, (await RecordApi.PatchAsync(agent, "changes", id, "\"1\"", new { state = "assess" })).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await RecordApi.PatchAsync(agent, "changes", id, "\"1\"", new { state = "authorize" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync("/api/changes/CHG-999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync("/api/changes/CHG-999999/clashes")).StatusCode);

        var history = await agent.GetFromJsonAsync<JsonElement>($"/api/changes/{id}/history");
        Assert.Equal(["new", "assess"], history.EnumerateArray().Where(h => h.GetProperty("field").GetString() == "state")
            .Select(h => h.GetProperty("new").GetString()!).ToArray());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_standard_change_must_follow_an_active_standard_change_model_and_takes_its_authority(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var admin = await host.ClientForAsync("admin");
        var agent = await host.ClientForAsync("agent");
        var standard = (await admin.PostAsJsonAsync("/api/change-models", new
        {
            title = "Add a user to a distribution list", changeType = "standard", risk = "low", changeAuthority = "service-desk",
            procedure = "Add the user in the directory; tell the user.",
        })).Content.ReadFromJsonAsync<JsonElement>();
        var standardNumber = (await standard).GetProperty("number").GetString()!;
        Assert.Matches(@"^CHM-\d{6}$", standardNumber);
        var normalModel = await (await admin.PostAsJsonAsync("/api/change-models", new { title = "Firewall rule", changeType = "normal", risk = "medium" }))
            .Content.ReadFromJsonAsync<JsonElement>();

        var selfDeclared = await agent.PostAsJsonAsync("/api/changes", new { title = "Open port 22", type = "standard", risk = "low" });
        Assert.Equal(HttpStatusCode.BadRequest, selfDeclared.StatusCode);
        Assert.Contains("standard change model", RecordApi.Errors(await selfDeclared.Content.ReadFromJsonAsync<JsonElement>())["changeModel"]);

        var wrongModel = await agent.PostAsJsonAsync("/api/changes", new
        {
            title = "Open port 22", type = "standard", risk = "low", changeModel = normalModel.GetProperty("number").GetString(),
        });
        Assert.Equal(HttpStatusCode.BadRequest, wrongModel.StatusCode);
        Assert.Contains("normal change model", RecordApi.Errors(await wrongModel.Content.ReadFromJsonAsync<JsonElement>())["changeModel"]);

        var unknownModel = await agent.PostAsJsonAsync("/api/changes", new { title = "Open port 22", type = "standard", risk = "low", changeModel = "CHM-999999" });
        Assert.Contains("There is no change model 'CHM-999999'", RecordApi.Errors(await unknownModel.Content.ReadFromJsonAsync<JsonElement>())["changeModel"]);
        Assert.Equal(0, (await agent.GetFromJsonAsync<JsonElement>("/api/changes")).GetProperty("total").GetInt32());

        var change = await CreateAsync(agent, new { title = "Add Ann to the sales list", type = "standard", risk = "low", changeModel = standardNumber });
        Assert.Equal("service-desk", change.GetProperty("changeAuthority").GetString());
        // Pre-authorised: it goes straight to implementation.
        var implementing = await RecordApi.PatchAsync(agent, "changes", change.GetProperty("id").GetString()!, "\"1\"", new { state = "implement" });
        Assert.Equal(HttpStatusCode.OK, implementing.StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Two_normal_changes_on_one_CI_with_overlapping_windows_clash_on_the_schedule_and_in_their_clashes(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");
        var cis = await RecordApi.ItemsAsync(agent, "DB01", "WEB01", "MAIL01", "MAIL02");
        var email = await RecordApi.ServiceAsync(await host.ClientForAsync("admin"), "email");
        var first = await CreateAsync(agent, Windowed("Upgrade the database", "normal", cis["DB01"], null, 9, 12));
        var second = await CreateAsync(agent, Windowed("Patch the database OS", "normal", cis["DB01"], null, 11, 13));
        var later = await CreateAsync(agent, Windowed("Reindex the database", "normal", cis["DB01"], null, 13, 14));
        var elsewhere = await CreateAsync(agent, Windowed("Patch the web server", "normal", cis["WEB01"], null, 9, 12));
        var sameService = await CreateAsync(agent, Windowed("Restart mail", "emergency", cis["MAIL01"], email, 10, 11));
        var sameServiceToo = await CreateAsync(agent, Windowed("Move mailboxes", "normal", cis["MAIL02"], email, 10, 12));
        var rejected = await CreateAsync(agent, Windowed("Replace the database", "emergency", cis["DB01"], null, 9, 12));
        var etag = (await RecordApi.PatchAsync(agent, "changes", Id(rejected), "\"1\"", new { state = "authorize" })).Headers.ETag!.ToString();
        Assert.Equal(HttpStatusCode.OK, (await RecordApi.PatchAsync(agent, "changes", Id(rejected), etag, new { state = "rejected" })).StatusCode);

        var schedule = await agent.GetFromJsonAsync<JsonElement>($"/api/changes/schedule?from={Monday:yyyy-MM-dd}&to={Monday.AddDays(1):yyyy-MM-dd}");
        Assert.Equal(Monday, schedule.GetProperty("from").GetDateTimeOffset());
        var byNumber = schedule.GetProperty("changes").EnumerateArray().ToDictionary(c => c.GetProperty("number").GetString()!);
        Assert.Equal(6, byNumber.Count);
        Assert.DoesNotContain(Number(rejected), byNumber.Keys);
        Assert.Equal([Number(second)], Clashes(byNumber[Number(first)]));
        Assert.Equal([Number(first)], Clashes(byNumber[Number(second)]));
        Assert.Empty(Clashes(byNumber[Number(later)]));
        Assert.Empty(Clashes(byNumber[Number(elsewhere)]));
        // Emergency changes are on the schedule too, and clash on a shared service.
        Assert.Equal("emergency", byNumber[Number(sameService)].GetProperty("type").GetString());
        Assert.Equal([Number(sameServiceToo)], Clashes(byNumber[Number(sameService)]));
        Assert.Equal(Monday.AddHours(11), byNumber[Number(second)].GetProperty("plannedStart").GetDateTimeOffset());

        var clash = Assert.Single((await agent.GetFromJsonAsync<JsonElement>($"/api/changes/{Number(second)}/clashes")).EnumerateArray());
        Assert.Equal(Number(first), clash.GetProperty("number").GetString());
        Assert.Equal("configurationItem", clash.GetProperty("on").GetString());
        Assert.Equal(Monday.AddHours(9), clash.GetProperty("plannedStart").GetDateTimeOffset());
        Assert.Equal("service", Assert.Single((await agent.GetFromJsonAsync<JsonElement>($"/api/changes/{Id(sameServiceToo)}/clashes")).EnumerateArray())
            .GetProperty("on").GetString());
        Assert.Empty((await agent.GetFromJsonAsync<JsonElement>($"/api/changes/{Id(later)}/clashes")).EnumerateArray());

        var nextWeek = await agent.GetFromJsonAsync<JsonElement>($"/api/changes/schedule?from={Monday.AddDays(7):yyyy-MM-dd'T'HH:mm:ss'Z'}");
        Assert.Empty(nextWeek.GetProperty("changes").EnumerateArray());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_schedule_refuses_bad_dates_and_periods_naming_the_parameter(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");

        Assert.Equal(["from"], await ErrorPathsAsync(await agent.GetAsync("/api/changes/schedule?from=next-tuesday")));
        Assert.Equal(["to"], await ErrorPathsAsync(await agent.GetAsync("/api/changes/schedule?from=2027-03-02&to=2027-03-01")));
        Assert.Equal(["to"], await ErrorPathsAsync(await agent.GetAsync("/api/changes/schedule?from=2027-01-01&to=2028-06-01")));
        var byDefault = await agent.GetFromJsonAsync<JsonElement>("/api/changes/schedule");
        Assert.Equal(TimeSpan.FromDays(30), byDefault.GetProperty("to").GetDateTimeOffset() - byDefault.GetProperty("from").GetDateTimeOffset());
    }

    private static object Windowed(string title, string type, string ci, string? service, int fromHour, int toHour) => new
    {
        title, type, risk = "medium", configurationItem = ci, service, plannedStart = Monday.AddHours(fromHour), plannedEnd = Monday.AddHours(toHour),
    };

    private static async Task<JsonElement> CreateAsync(HttpClient client, object change)
    {
        var response = await client.PostAsJsonAsync("/api/changes", change);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task<List<string>> ErrorPathsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return RecordApi.Errors(await response.Content.ReadFromJsonAsync<JsonElement>()).Keys.ToList();
    }

    private static string Id(JsonElement record) => record.GetProperty("id").GetString()!;

    private static string Number(JsonElement record) => record.GetProperty("number").GetString()!;

    private static string[] Clashes(JsonElement scheduled) => scheduled.GetProperty("clashes").EnumerateArray().Select(c => c.GetString()!).ToArray();
}
