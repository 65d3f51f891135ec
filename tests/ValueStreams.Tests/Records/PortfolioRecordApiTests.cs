using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Records;

/// <summary>
/// The records of the service portfolio and of the work that changes it, on both stores: services (the portfolio and
/// the catalogue, which admins keep), releases, deployments and projects.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class PortfolioRecordApiTests
{
    /// <summary>Each kind's collection, number prefix, a valid record, a move it allows and the fields an empty body misses.</summary>
    public static TheoryData<StorageProvider, string, string, string, string, string[]> Kinds()
    {
        var data = new TheoryData<StorageProvider, string, string, string, string, string[]>();
        foreach (var provider in new[] { StorageProvider.Sqlite, StorageProvider.PostgreSql })
        {
            data.Add(provider, "services", "SVC",
                """{"title": "Shoe designer website", "description": "Customers design and order shoes", "owner": "owner", "ownerGroup": "sales", "serviceLevel": "99.5% in business hours"}""",
                "chartered", ["title"]);
            data.Add(provider, "releases", "REL",
                """{"title": "Designer 1.2", "version": "1.2", "plannedDate": "2027-03-01T09:00:00Z", "releaseNotes": "Colour picker"}""",
                "built", ["title"]);
            data.Add(provider, "deployments", "DEP",
                """{"title": "Designer 1.2 to staging", "environment": "staging", "scheduledAt": "2027-03-02T20:00:00Z"}""",
                "in-progress", ["environment", "title"]);
            data.Add(provider, "projects", "PRJ",
                """{"title": "Build the shoe designer", "sponsor": "owner", "manager": "agent", "budget": 250000, "startDate": "2027-01-04T00:00:00Z", "endDate": "2027-06-30T00:00:00Z"}""",
                "approved", ["title"]);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_record_gets_its_number_moves_with_if_match_keeps_its_history_and_bad_or_unknown_requests_are_refused(
        StorageProvider provider, string collection, string prefix, string body, string nextState, string[] required)
    {
        await using var host = await ApiHost.StartAsync(provider);
        // Services are catalogue records, which admins keep; the admin works every kind here.
        var admin = await host.ClientForAsync("admin");

        var created = await admin.PostAsync($"/api/{collection}", new StringContent(body, Encoding.UTF8, "application/json"));
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var record = await created.Content.ReadFromJsonAsync<JsonElement>();
        var number = record.GetProperty("number").GetString()!;
        Assert.Matches($@"^{prefix}-\d{{6}}$", number);
        var firstState = record.GetProperty("state").GetString();
        foreach (var (name, value) in JsonDocument.Parse(body).RootElement.EnumerateObject().Select(p => (p.Name, p.Value)))
            Assert.Equal(Canonical(value), Canonical(record.GetProperty(name)));
        Assert.Equal("\"1\"", created.Headers.ETag?.ToString());

        var byNumber = await admin.GetFromJsonAsync<JsonElement>($"/api/{collection}/{number}");
        Assert.Equal(record.GetProperty("id").GetString(), byNumber.GetProperty("id").GetString());

        var moved = await PatchAsync(admin, collection, number, "\"1\"", new { state = nextState });
        Assert.True(moved.StatusCode == HttpStatusCode.OK, await moved.Content.ReadAsStringAsync());
        Assert.Equal("\"2\"", moved.Headers.ETag?.ToString());
        var stale = await PatchAsync(admin, collection, number, "\"1\"", new { title = "Renamed by someone who did not see the move" });
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(nextState, (await admin.GetFromJsonAsync<JsonElement>($"/api/{collection}/{number}")).GetProperty("state").GetString());

        var history = await admin.GetFromJsonAsync<JsonElement>($"/api/{collection}/{number}/history");
        var states = history.EnumerateArray().Where(h => h.GetProperty("field").GetString() == "state").Select(h => h.GetProperty("new").GetString());
        Assert.Equal([firstState, nextState], states);
        Assert.All(history.EnumerateArray(), h => Assert.Equal("admin", h.GetProperty("actor").GetString()));

        var empty = await admin.PostAsync($"/api/{collection}", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(required, Errors(await empty.Content.ReadFromJsonAsync<JsonElement>()).Keys.Order());

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/{collection}/{prefix}-999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PatchAsync(admin, collection, $"{prefix}-999999", "\"1\"", new { title = "x" })).StatusCode);
        Assert.Equal(1, (await admin.GetFromJsonAsync<JsonElement>($"/api/{collection}")).GetProperty("total").GetInt32());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Each_kind_refuses_what_its_lifecycle_and_fields_do_not_allow_naming_the_field(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var admin = await host.ClientForAsync("admin");

        // A service reaches the catalogue only through its charter and design, and only saying whom it is offered to.
        var service = await CreateAsync(admin, "services", new { title = "Payments" });
        Assert.Equal("pipeline", service.State);
        var skipped = await PatchAsync(admin, "services", service.Number, service.ETag, new { state = "live" });
        Assert.Contains("cannot go from pipeline to live", (await ErrorsAsync(skipped))["state"]);
        var etag = await MoveAsync(admin, "services", service.Number, service.ETag, new { state = "chartered" });
        etag = await MoveAsync(admin, "services", service.Number, etag, new { state = "designed" });
        var noAudience = await PatchAsync(admin, "services", service.Number, etag, new { state = "live" });
        Assert.Contains("required when the service is live", (await ErrorsAsync(noAudience))["audience"]);
        await MoveAsync(admin, "services", service.Number, etag, new { state = "live", audience = "all users" });

        // A release built and tested elsewhere (a vendor, a pipeline) may be accepted as ready from its plan; it is
        // never deployed before it is ready.
        var release = await CreateAsync(admin, "releases", new { title = "Payments 4.0", version = "4.0", service = service.Number });
        var early = await PatchAsync(admin, "releases", release.Number, release.ETag, new { state = "deployed" });
        Assert.Contains("cannot go from planned to deployed", (await ErrorsAsync(early))["state"]);
        var ready = await MoveAsync(admin, "releases", release.Number, release.ETag, new { state = "ready" });
        await MoveAsync(admin, "releases", release.Number, ready, new { state = "deployed" });
        var badDate = await admin.PostAsJsonAsync("/api/releases", new { title = "Payments 4.1", plannedDate = "next Tuesday" });
        Assert.Contains("date and time", (await ErrorsAsync(badDate))["plannedDate"]);

        // A deployment is to a known environment, and a deployed one says when it happened.
        var wrongPlace = await admin.PostAsJsonAsync("/api/deployments", new { title = "Payments 4.0", environment = "the cloud" });
        Assert.Contains("not one of development, test, staging, production", (await ErrorsAsync(wrongPlace))["environment"]);
        var undated = await admin.PostAsJsonAsync("/api/deployments", new { title = "Payments 4.0", environment = "production", state = "deployed" });
        Assert.Contains("required when the deployment is deployed", (await ErrorsAsync(undated))["deployedAt"]);
        var deployment = await CreateAsync(admin, "deployments", new
        {
            title = "Payments 4.0 to production", environment = "production", release = release.Number, state = "deployed",
            deployedAt = "2027-03-02T21:15:00Z",
        });
        Assert.Equal("deployed", deployment.State);
        var failed = await MoveAsync(admin, "deployments", deployment.Number, deployment.ETag, new { state = "failed", notes = "Checkout errors" });
        await MoveAsync(admin, "deployments", deployment.Number, failed, new { state = "rolled-back" });

        // A project ends after it starts, has no negative budget, and closes only with its review.
        var backwards = await admin.PostAsJsonAsync("/api/projects", new
        {
            title = "PSD3", startDate = "2027-05-01T00:00:00Z", endDate = "2027-04-01T00:00:00Z", budget = -5,
        });
        var errors = await ErrorsAsync(backwards);
        Assert.Contains("must not be before 'startDate'", errors["endDate"]);
        Assert.Contains("must not be negative", errors["budget"]);
        var project = await CreateAsync(admin, "projects", new { title = "PSD3", budget = 120000.5 });
        etag = await MoveAsync(admin, "projects", project.Number, project.ETag, new { state = "approved" });
        etag = await MoveAsync(admin, "projects", project.Number, etag, new { state = "in-progress" });
        var unreviewed = await PatchAsync(admin, "projects", project.Number, etag, new { state = "closed" });
        Assert.Contains("required when the project is closed", (await ErrorsAsync(unreviewed))["closureNotes"]);
        await MoveAsync(admin, "projects", project.Number, etag, new { state = "closed", closureNotes = "On time, under budget" });
        Assert.Equal(120000.5, (await admin.GetFromJsonAsync<JsonElement>($"/api/projects/{project.Number}")).GetProperty("budget").GetDouble());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Lists_filter_by_state_and_reference_and_search_the_text(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var admin = await host.ClientForAsync("admin");
        var web = await CreateAsync(admin, "releases", new { title = "Web 1", version = "1" });
        var app = await CreateAsync(admin, "releases", new { title = "App 2", version = "2" });
        foreach (var (title, release, environment) in new[] { ("Web 1 to test", web.Number, "test"), ("Web 1 to production", web.Number, "production"), ("App 2 to production", app.Number, "production") })
            await CreateAsync(admin, "deployments", new { title, release, environment });

        var production = await admin.GetFromJsonAsync<JsonElement>("/api/deployments?environment=production&sort=title");
        Assert.Equal(["App 2 to production", "Web 1 to production"], Titles(production));
        var ofRelease = await admin.GetFromJsonAsync<JsonElement>($"/api/deployments?release={web.Number}&q=web&sort=title");
        Assert.Equal(["Web 1 to production", "Web 1 to test"], Titles(ofRelease));
        var planned = await admin.GetFromJsonAsync<JsonElement>("/api/deployments?state=planned");
        Assert.Equal(3, planned.GetProperty("total").GetInt32());
    }

    private sealed record Created(string Number, string State, string ETag);

    private static async Task<Created> CreateAsync(HttpClient client, string collection, object body)
    {
        var response = await client.PostAsJsonAsync($"/api/{collection}", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"{collection}: {await response.Content.ReadAsStringAsync()}");
        var record = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new(record.GetProperty("number").GetString()!, record.GetProperty("state").GetString()!, response.Headers.ETag!.ToString());
    }

    private static async Task<string> MoveAsync(HttpClient client, string collection, string number, string etag, object change)
    {
        var response = await PatchAsync(client, collection, number, etag, change);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{number}: {await response.Content.ReadAsStringAsync()}");
        return response.Headers.ETag!.ToString();
    }

    private static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string collection, string id, string etag, object change)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/{collection}/{id}") { Content = JsonContent.Create(change) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await client.SendAsync(request);
    }

    private static async Task<Dictionary<string, string>> ErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return Errors(await response.Content.ReadFromJsonAsync<JsonElement>());
    }

    private static Dictionary<string, string> Errors(JsonElement problem) =>
        problem.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("path").GetString()!, e => e.GetProperty("message").GetString()!);

    private static List<string> Titles(JsonElement list) =>
        list.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("title").GetString()!).ToList();

    /// <summary>A value as text for comparison: dates as instants, numbers as numbers.</summary>
    private static string Canonical(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String when DateTimeOffset.TryParse(value.GetString(), out var at) && value.GetString()!.Contains('T') => at.ToUniversalTime().ToString("O"),
        JsonValueKind.Number => value.GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
