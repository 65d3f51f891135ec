using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Records;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.ServiceLevels;

/// <summary>
/// Calendars and policies kept by admins through <c>/api/service-levels</c>, on both stores: checked with errors by path,
/// changed only at the revision read, and applied to records and to human tasks whose step names a policy.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class ServiceLevelAdministrationApiTests
{
    private const string Calendars = "/api/service-levels/calendars";
    private const string Policies = "/api/service-levels/policies";

    /// <summary>Mondays 09:00–10:00 UTC only: a due time on it is unmistakably working time, whenever a test runs.</summary>
    private static readonly JsonObject MondayMornings = JsonNode.Parse("""
        { "id": "monday-mornings", "name": "Monday mornings", "timeZone": "UTC",
          "week": { "monday": ["09:00-10:00"], "tuesday": [], "wednesday": [], "thursday": [], "friday": [], "saturday": [], "sunday": [] },
          "holidays": [] }
        """)!.AsObject();

    private static readonly JsonObject DeskTasks = JsonNode.Parse("""
        { "id": "desk-tasks", "name": "Service desk tasks", "recordKind": "human-task", "calendar": "monday-mornings",
          "clocks": [
            { "name": "response", "targets": { "*": { "within": "10 minutes" } } },
            { "name": "resolution", "targets": { "P2": { "within": "30 minutes" }, "*": { "within": "45 minutes" } } } ] }
        """)!.AsObject();

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, JsonNode? body, string? etag)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        if (etag is not null)
            request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await client.SendAsync(request);
    }

    private static async Task<Dictionary<string, string>> ErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return RecordApi.Errors(await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Admins_keep_calendars_and_policies_checked_by_path_and_changed_only_at_the_revision_they_read(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var admin = await host.ClientForAsync("admin");
        var agent = await host.ClientForAsync("agent");

        // The shipped ones seed the store.
        var policies = await admin.GetFromJsonAsync<JsonElement>(Policies);
        Assert.Equal(["incident", "request"], policies.EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.Contains("office-hours", (await admin.GetFromJsonAsync<JsonElement>(Calendars)).EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.Equal(["incident", "request"], (await admin.GetFromJsonAsync<JsonElement>("/api/sla-policies")).EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        Assert.Contains("office-hours", (await admin.GetFromJsonAsync<JsonElement>("/api/calendars")).EnumerateArray().Select(c => c.GetProperty("id").GetString()));
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync(Policies)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync(Calendars, MondayMornings)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"{Calendars}/no-such-calendar")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(admin, HttpMethod.Put, $"{Policies}/no-such-policy", DeskTasks, "\"1\"")).StatusCode);

        // Each problem is named by its path.
        var wrong = MondayMornings.DeepClone().AsObject();
        wrong["timeZone"] = "Mars/Olympus";
        wrong["week"]!["monday"] = new JsonArray("nine to ten");
        var errors = await ErrorsAsync(await admin.PostAsJsonAsync(Calendars, wrong));
        Assert.Equal(["timeZone", "week.monday[0]"], errors.Keys.Order(StringComparer.Ordinal));

        var created = await admin.PostAsJsonAsync(Calendars, MondayMornings);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("\"1\"", created.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.Conflict, (await admin.PostAsJsonAsync(Calendars, MondayMornings)).StatusCode);

        var badPolicy = DeskTasks.DeepClone().AsObject();
        badPolicy["recordKind"] = "spaceship";
        badPolicy["clocks"]![1]!["targets"]!["P2"]!["calendar"] = "lunar";
        badPolicy["clocks"]![1]!["targets"]!["*"]!["within"] = "soonish";
        errors = await ErrorsAsync(await admin.PostAsJsonAsync(Policies, badPolicy));
        Assert.Equal(["clocks[1].targets.*.within", "clocks[1].targets.P2.calendar", "recordKind"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync(Policies, DeskTasks)).StatusCode);

        // Changed at the revision read; a second change from the same read is stale; no If-Match, no change.
        var renamed = MondayMornings.DeepClone().AsObject();
        renamed["name"] = "Monday mornings (UTC)";
        var updated = await SendAsync(admin, HttpMethod.Put, $"{Calendars}/monday-mornings", renamed, "\"1\"");
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        Assert.Equal("\"2\"", updated.Headers.ETag!.Tag);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await SendAsync(admin, HttpMethod.Put, $"{Calendars}/monday-mornings", MondayMornings, "\"1\"")).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionRequired, (await SendAsync(admin, HttpMethod.Put, $"{Calendars}/monday-mornings", MondayMornings, null)).StatusCode);
        var read = await admin.GetFromJsonAsync<JsonElement>($"{Calendars}/monday-mornings");
        Assert.Equal(("Monday mornings (UTC)", 2, "admin"), (read.GetProperty("name").GetString(), read.GetProperty("revision").GetInt32(), read.GetProperty("updatedBy").GetString()));
        var moved = renamed.DeepClone().AsObject();
        moved["id"] = "tuesday-mornings";
        Assert.Equal(["id"], (await ErrorsAsync(await SendAsync(admin, HttpMethod.Put, $"{Calendars}/monday-mornings", moved, "\"2\""))).Keys);

        // A calendar a policy runs on stays until the policy moves off it.
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(admin, HttpMethod.Delete, $"{Calendars}/monday-mornings", null, "\"2\"")).StatusCode);
        Assert.Equal(HttpStatusCode.PreconditionFailed, (await SendAsync(admin, HttpMethod.Delete, $"{Policies}/desk-tasks", null, "\"7\"")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(admin, HttpMethod.Delete, $"{Policies}/desk-tasks", null, "\"1\"")).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(admin, HttpMethod.Delete, $"{Calendars}/monday-mornings", null, "\"2\"")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"{Calendars}/monday-mornings")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_record_s_clocks_follow_its_policy_as_an_admin_edits_it(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var admin = await host.ClientForAsync("admin");
        var agent = await host.ClientForAsync("agent");
        var number = await RecordApi.CreateAsync(agent, "incidents", new { title = "Payroll export fails", impact = "high", urgency = "high" });
        var loggedAt = (await agent.GetFromJsonAsync<JsonElement>($"/api/incidents/{number}")).GetProperty("createdAt").GetDateTimeOffset();
        Assert.Equal("4 hours", (await ResolutionAsync(agent, number)).GetProperty("target").GetString());

        var stored = await admin.GetAsync($"{Policies}/incident");
        var policy = (await stored.Content.ReadFromJsonAsync<JsonObject>())!["definition"]!.AsObject();
        var misspelt = policy.DeepClone().AsObject();
        misspelt["clocks"]![1]!["pauseIn"] = new JsonArray("on hold");
        Assert.Equal(["clocks[1].pauseIn"], (await ErrorsAsync(await SendAsync(admin, HttpMethod.Put, $"{Policies}/incident", misspelt, stored.Headers.ETag!.Tag))).Keys);
        policy["clocks"]!.AsArray().Single(c => (string?)c!["name"] == "resolution")!["targets"]!["P1"]!["within"] = "2 hours";
        Assert.Equal(HttpStatusCode.OK, (await SendAsync(admin, HttpMethod.Put, $"{Policies}/incident", policy, stored.Headers.ETag!.Tag)).StatusCode);

        var resolution = await ResolutionAsync(agent, number);
        Assert.Equal("2 hours", resolution.GetProperty("target").GetString());
        Assert.Equal(loggedAt.AddHours(2), resolution.GetProperty("dueAt").GetDateTimeOffset());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_task_whose_step_names_a_policy_is_due_in_the_policy_s_working_time_by_its_priority(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var admin = await api.As("admin");
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync(Calendars, MondayMornings)).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await admin.PostAsJsonAsync(Policies, DeskTasks)).StatusCode);
        await api.PublishAsync(WithPolicy("desk-policy", "desk-tasks"));

        var instance = EngineApi.IdOf(await api.StartAsync("desk-policy"));
        var task = await api.OpenTaskAsync(instance, "triage");
        var createdAt = task.GetProperty("createdAt").GetDateTimeOffset();
        // Priority 2 takes the P2 target: 30 minutes of Monday-morning time; the response target is any priority's 10.
        Assert.Equal(MondayMorningsAfter(createdAt, TimeSpan.FromMinutes(30)), task.GetProperty("resolveBy").GetDateTimeOffset());
        Assert.Equal(MondayMorningsAfter(createdAt, TimeSpan.FromMinutes(10)), task.GetProperty("respondBy").GetDateTimeOffset());
        Assert.Equal(task.GetProperty("resolveBy").GetDateTimeOffset(), task.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal(DayOfWeek.Monday, task.GetProperty("dueAt").GetDateTimeOffset().UtcDateTime.DayOfWeek);

        // A step naming a policy nobody keeps faults rather than making up a due time.
        await api.PublishAsync(WithPolicy("lost-policy", "no-such-policy"));
        var lost = EngineApi.IdOf(await api.StartAsync("lost-policy"));
        await api.WaitForStatusAsync(lost, "faulted");
        Assert.Empty(await api.TasksOfAsync(lost));
    }

    private static StreamFile WithPolicy(string id, string policy) => new StreamFile(id)
        .Start()
        .Step("triage", "human-task", new JsonObject
        {
            ["title"] = "Task triage",
            ["group"] = "service-desk",
            ["priority"] = 2,
            ["outcomes"] = new JsonArray(new JsonObject { ["id"] = "done", ["label"] = "Done" }),
            ["sla"] = new JsonObject { ["policy"] = policy },
        }, ["desk"])
        .Milestone()
        .End()
        .Chain("start", "triage", "value", "end");

    /// <summary>The moment <paramref name="work"/> of Monday 09:00–10:00 UTC time has passed after <paramref name="from"/>, worked out by hand.</summary>
    private static DateTimeOffset MondayMorningsAfter(DateTimeOffset from, TimeSpan work)
    {
        var utc = from.ToUniversalTime();
        var monday = utc.Date.AddDays(-(((int)utc.DayOfWeek + 6) % 7));
        var opens = new DateTimeOffset(monday.AddHours(9), TimeSpan.Zero);
        while (true)
        {
            var start = utc > opens ? utc : opens;
            var left = opens.AddHours(1) - start;
            if (left >= work)
                return start + work;
            if (left > TimeSpan.Zero)
                work -= left;
            opens = opens.AddDays(7);
        }
    }

    private static async Task<JsonElement> ResolutionAsync(HttpClient client, string number) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/incidents/{number}/sla")).EnumerateArray().Single(c => c.GetProperty("name").GetString() == "resolution");
}
