using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Records;

/// <summary>
/// The new-service (A.1.3) and regulatory-change (A.1.4) streams and A.1.2's rollout (row 9), walked through the API on
/// both stores, leave the records their rows name, linked to the instance that wrote them.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class PortfolioStreamTests
{
    /// <summary>What the walk fills into every required text field.</summary>
    private const string Walked = "Filled in by the walk-through";

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_new_service_leaves_its_portfolio_entry_project_knowledge_articles_release_and_deployment(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var admin = await api.As("admin");
        var instanceId = EngineApi.IdOf(await api.StartAsync("new-it-service"));

        await new StreamWalker(api.Host).WalkAsync(instanceId);

        // Row 6: the service enters the portfolio, chartered by the go decision.
        var service = Single(await admin.GetFromJsonAsync<JsonElement>("/api/services"));
        Assert.Equal((Walked, "chartered", Walked), (Text(service, "title"), Text(service, "state"), Text(service, "description")));
        await AssertLinkedAsync(admin, "services", service, instanceId);
        var serviceNumberStored = Text(service, "number"); // reference fields hold the record's number

        // Row 7: the project that builds it.
        var project = Single(await admin.GetFromJsonAsync<JsonElement>("/api/projects"));
        Assert.Equal(("Build " + Walked, "approved", serviceNumberStored, Walked), (Text(project, "title"), Text(project, "state"), Text(project, "service"), Text(project, "description")));
        await AssertLinkedAsync(admin, "projects", project, instanceId);

        // Row 12: the support article and the user guide.
        var articles = await api.JournalOfAsync(instanceId, "record-written");
        Assert.Equal(["created", "created"], articles.Where(l => Text(l, "stepId") is "publish-support-article" or "publish-user-guide").Select(l => Text(l, "outcome")));
        var kinds = await admin.GetFromJsonAsync<JsonElement>("/api/record-kinds");
        if (kinds.EnumerateArray().Any(k => Text(k, "name") == "knowledge-article"))
        {
            var published = (await admin.GetFromJsonAsync<JsonElement>("/api/knowledge-articles?sort=title")).GetProperty("items").EnumerateArray().ToList();
            Assert.Equal(["Supporting " + Walked, "Using " + Walked], published.Select(a => Text(a, "title")));
            Assert.All(published, a => Assert.Equal((serviceNumberStored, "published"), (Text(a, "sourceRecord"), Text(a, "state"))));
        }

        // Row 13: the increment's release, deployed to production.
        var release = Single(await admin.GetFromJsonAsync<JsonElement>("/api/releases"));
        Assert.Equal((Walked, serviceNumberStored, "deployed", Walked), (Text(release, "version"), Text(release, "service"), Text(release, "state"), Text(release, "description")));
        await AssertLinkedAsync(admin, "releases", release, instanceId);
        var deployment = Single(await admin.GetFromJsonAsync<JsonElement>("/api/deployments"));
        Assert.Equal((Text(release, "number"), "production", "deployed", serviceNumberStored), (Text(deployment, "release"), Text(deployment, "environment"), Text(deployment, "state"), Text(deployment, "service")));
        Assert.True(deployment.GetProperty("deployedAt").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-10));
        await AssertLinkedAsync(admin, "deployments", deployment, instanceId);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_regulatory_change_closes_its_project_deploys_with_no_change_releases_and_updates_the_catalogue_entry(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var admin = await api.As("admin");
        var serviceNumber = await LiveServiceAsync(admin, "Payments", "Card payments");
        var instanceId = EngineApi.IdOf(await api.StartAsync("regulatory-change"));
        var walker = new StreamWalker(api.Host);

        // Row 2: the compliance manager names the service the regulation touches, and the project is created.
        await walker.WalkAsync(instanceId, stopAt: t => Text(t, "stepId") == "agree-to-create-project");
        await CompleteAsync(api, instanceId, "agree-to-create-project", "create-project", new
        {
            regulation = "PSD3", requirements = "Strong customer authentication everywhere", affectedServices = "Payments",
            serviceName = "Payments", complianceDeadline = "2027-12-31T00:00:00Z",
        });
        var proposed = Single(await admin.GetFromJsonAsync<JsonElement>("/api/projects"));
        Assert.Equal(("Meet PSD3", "proposed"), (Text(proposed, "title"), Text(proposed, "state")));

        var finished = await walker.WalkAsync(instanceId);
        Assert.Equal("completed", Text(finished, "status"));

        var service = await admin.GetFromJsonAsync<JsonElement>($"/api/services/{serviceNumber}");
        var serviceNumberStored = Text(service, "number"); // reference fields hold the record's number

        // Rows 2, 3, 4 and 10: the project, approved, run and closed with its review.
        var project = Single(await admin.GetFromJsonAsync<JsonElement>("/api/projects"));
        Assert.Equal(("closed", serviceNumberStored, Walked), (Text(project, "state"), Text(project, "service"), Text(project, "closureNotes")));
        var projectStates = (await admin.GetFromJsonAsync<JsonElement>($"/api/projects/{Text(project, "number")}/history")).EnumerateArray()
            .Where(h => Text(h, "field") == "state").Select(h => Text(h, "new"));
        Assert.Equal(["proposed", "approved", "in-progress", "closed"], projectStates);
        await AssertLinkedAsync(admin, "projects", project, instanceId);

        // Row 7: the automated deployment, with no change request.
        var deployment = Single(await admin.GetFromJsonAsync<JsonElement>("/api/deployments"));
        var release = Single(await admin.GetFromJsonAsync<JsonElement>("/api/releases"));
        Assert.Equal((Text(release, "number"), "production", "deployed", serviceNumberStored), (Text(deployment, "release"), Text(deployment, "environment"), Text(deployment, "state"), Text(deployment, "service")));
        Assert.Equal(JsonValueKind.Null, deployment.GetProperty("change").ValueKind);
        Assert.False(string.IsNullOrEmpty(Text(deployment, "configurationItem")));
        Assert.Contains("no change request", Text(deployment, "notes"));
        await AssertLinkedAsync(admin, "deployments", deployment, instanceId);

        // Row 9: the release, turned on by the feature flag, and the catalogue entry offering it.
        Assert.Equal((Walked, "deployed", Walked, serviceNumberStored), (Text(release, "version"), Text(release, "state"), Text(release, "releaseNotes"), Text(release, "service")));
        Assert.Equal(JsonValueKind.Null, release.GetProperty("change").ValueKind);
        var releaseStates = (await admin.GetFromJsonAsync<JsonElement>($"/api/releases/{Text(release, "number")}/history")).EnumerateArray()
            .Where(h => Text(h, "field") == "state").Select(h => Text(h, "new"));
        Assert.Equal(["planned", "ready", "deployed"], releaseStates);
        await AssertLinkedAsync(admin, "releases", release, instanceId);
        Assert.Equal("Card payments\n" + Walked, Text(service, "offerings"));
        Assert.Equal("live", Text(service, "state"));
        await AssertLinkedAsync(admin, "services", service, instanceId);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_vendor_fix_is_offered_to_all_users_then_released_and_deployed_with_no_change(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var admin = await api.As("admin");
        var instanceId = EngineApi.IdOf(await api.StartAsync("third-party-software-error"));
        var walker = new StreamWalker(api.Host);

        // Row 5: second line publish the new version on the portal for the one user who tests it.
        await walker.WalkAsync(instanceId, stopAt: t => Text(t, "stepId") == "arrange-user-test");
        await CompleteAsync(api, instanceId, "arrange-user-test", "published", new { portalItem = "Calendar client 5.2" });
        await walker.WalkAsync(instanceId);

        // Row 9: a release and its controlled deployment, and no change (the catalogue item: AppendixARecordTests).
        var release = Single(await admin.GetFromJsonAsync<JsonElement>("/api/releases"));
        Assert.Equal(("deployed", Walked), (Text(release, "state"), Text(release, "releaseNotes")));
        Assert.Equal(JsonValueKind.Null, release.GetProperty("change").ValueKind);
        await AssertLinkedAsync(admin, "releases", release, instanceId);
        var deployment = Single(await admin.GetFromJsonAsync<JsonElement>("/api/deployments"));
        Assert.Equal((Text(release, "number"), "production", "deployed"), (Text(deployment, "release"), Text(deployment, "environment"), Text(deployment, "state")));
        Assert.Equal(JsonValueKind.Null, deployment.GetProperty("change").ValueKind);
        await AssertLinkedAsync(admin, "deployments", deployment, instanceId);
        var written = (await api.JournalOfAsync(instanceId, "record-written")).Select(l => l.GetProperty("detail").GetString() ?? "").ToList();
        Assert.Contains(written, d => d.StartsWith("release ", StringComparison.Ordinal));
        Assert.DoesNotContain(written, d => d.StartsWith("change ", StringComparison.Ordinal));
    }

    /// <summary>Claims and completes the open task at a step as a member of its group.</summary>
    private static async Task CompleteAsync(EngineApi api, string instanceId, string stepId, string outcome, object data)
    {
        var task = await api.OpenTaskAsync(instanceId, stepId);
        var member = DemoUsers.Members.First(m => m.Groups.Contains(Text(task, "group"))).Username;
        Assert.Equal(HttpStatusCode.OK, (await api.ClaimAsync(member, EngineApi.IdOf(task))).StatusCode);
        await api.CompleteAsync(member, EngineApi.IdOf(task), outcome, data);
    }

    /// <summary>A service in the catalogue, as an admin puts it there: chartered, designed, then live.</summary>
    private static async Task<string> LiveServiceAsync(HttpClient admin, string title, string offerings, string audience = "all users")
    {
        var created = await admin.PostAsJsonAsync("/api/services", new { title, offerings, audience });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var number = Text(await created.Content.ReadFromJsonAsync<JsonElement>(), "number");
        var etag = created.Headers.ETag!.ToString();
        foreach (var state in new[] { "chartered", "designed", "live" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/services/{number}") { Content = JsonContent.Create(new { state }) };
            request.Headers.TryAddWithoutValidation("If-Match", etag);
            var moved = await admin.SendAsync(request);
            Assert.True(moved.StatusCode == HttpStatusCode.OK, await moved.Content.ReadAsStringAsync());
            etag = moved.Headers.ETag!.ToString();
        }
        return number;
    }

    private static JsonElement Single(JsonElement list) => Assert.Single(list.GetProperty("items").EnumerateArray());

    private static string Text(JsonElement element, string name) => element.GetProperty(name).GetString()!;

    /// <summary>The record, read from its own endpoint, names the instance among its value stream instances.</summary>
    private static async Task AssertLinkedAsync(HttpClient client, string collection, JsonElement record, string instanceId)
    {
        var read = await client.GetFromJsonAsync<JsonElement>($"/api/{collection}/{Text(record, "number")}");
        var linked = read.GetProperty("instances").EnumerateArray().ToList();
        Assert.Contains(linked, i => Text(i, "id") == instanceId);
        Assert.All(linked, i => Assert.Equal(("completed"), Text(i, "status")));
    }
}
