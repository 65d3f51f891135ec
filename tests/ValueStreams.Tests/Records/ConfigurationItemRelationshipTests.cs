using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Records.CmsAndRequestApiTests;

namespace ValueStreams.Tests.Records;

/// <summary>Relationships between configuration items and the impact they give, on both stores: chains, cycles and both-way connections.</summary>
[Collection(nameof(HostCollection))]
public sealed class ConfigurationItemRelationshipTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Relationships_are_listed_from_both_ends_refused_when_wrong_and_removed(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");
        var app = await CreateAsync(agent, "Warehouse app", "application");
        var db = await CreateAsync(agent, "Warehouse database", "database");

        var added = await RelateAsync(agent, app, "depends-on", db);
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var relationship = await added.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("depends-on", "outgoing", db), (relationship.GetProperty("type").GetString(), relationship.GetProperty("direction").GetString(),
            relationship.GetProperty("ci").GetProperty("number").GetString()));

        var fromDb = (await agent.GetFromJsonAsync<JsonElement>($"/api/configuration-items/{db}/relationships")).EnumerateArray().Single();
        Assert.Equal(("depends-on", "incoming", app, "Warehouse app"), (fromDb.GetProperty("type").GetString(), fromDb.GetProperty("direction").GetString(),
            fromDb.GetProperty("ci").GetProperty("number").GetString(), fromDb.GetProperty("ci").GetProperty("title").GetString()));

        Assert.Contains("depends-on, runs-on, connected-to", await ErrorAsync(await RelateAsync(agent, app, "hosts", db), "type"));
        Assert.Contains("no configuration item 'CI-999999'", await ErrorAsync(await RelateAsync(agent, app, "runs-on", "CI-999999"), "target"));
        Assert.Contains("itself", await ErrorAsync(await RelateAsync(agent, app, "runs-on", app), "target"));
        Assert.Contains("already depends-on", await ErrorAsync(await RelateAsync(agent, app, "depends-on", db), "target"));
        Assert.Equal(HttpStatusCode.NotFound, (await RelateAsync(agent, "CI-999999", "runs-on", db)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync("/api/configuration-items/CI-999999/impact")).StatusCode);

        var id = relationship.GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await agent.DeleteAsync($"/api/configuration-items/{db}/relationships/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.DeleteAsync($"/api/configuration-items/{db}/relationships/{id}")).StatusCode);
        Assert.Empty((await agent.GetFromJsonAsync<JsonElement>($"/api/configuration-items/{app}/relationships")).EnumerateArray());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_impact_of_a_failure_follows_dependencies_transitively_through_a_cycle_and_connections_both_ways(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");
        var app = await CreateAsync(agent, "Warehouse app", "application");
        var db = await CreateAsync(agent, "Warehouse database", "database");
        var server = await CreateAsync(agent, "Server wh-01", "hardware");
        var peer = await CreateAsync(agent, "Server wh-02", "hardware");
        var unrelated = await CreateAsync(agent, "Payroll", "application");

        // A chain of three: the app depends on the database, which runs on the server; the server depends on the app
        // (a cycle), and is connected to its peer.
        foreach (var (source, type, target) in new[] { (app, "depends-on", db), (db, "runs-on", server), (server, "depends-on", app), (server, "connected-to", peer) })
            Assert.Equal(HttpStatusCode.Created, (await RelateAsync(agent, source, type, target)).StatusCode);

        var serverFails = await ImpactAsync(agent, server);
        Assert.Equal([(db, 1, $"{server}>{db}"), (peer, 1, $"{server}>{peer}"), (app, 2, $"{server}>{db}>{app}")], serverFails);

        // The connection counts both ways: the peer failing impacts the server and, through it, the rest.
        var peerFails = await ImpactAsync(agent, peer);
        Assert.Equal([(server, 1, $"{peer}>{server}"), (db, 2, $"{peer}>{server}>{db}"), (app, 3, $"{peer}>{server}>{db}>{app}")], peerFails);

        // Around the cycle from the app: the server depends on it, the database runs on the server; the app is not its own impact.
        var appFails = await ImpactAsync(agent, app);
        Assert.Equal([(server, 1, $"{app}>{server}"), (db, 2, $"{app}>{server}>{db}"), (peer, 2, $"{app}>{server}>{peer}")], appFails);
        Assert.DoesNotContain(appFails, i => i.Number == unrelated);
        Assert.Empty(await ImpactAsync(agent, unrelated));
    }

    private static async Task<List<(string Number, int Depth, string Path)>> ImpactAsync(HttpClient agent, string number)
    {
        var impact = await agent.GetFromJsonAsync<JsonElement>($"/api/configuration-items/{number}/impact");
        Assert.Equal(number, impact.GetProperty("ci").GetProperty("number").GetString());
        return impact.GetProperty("impacted").EnumerateArray()
            .Select(i => (i.GetProperty("number").GetString()!, i.GetProperty("depth").GetInt32(),
                string.Join(">", i.GetProperty("path").EnumerateArray().Select(p => p.GetString()))))
            .OrderBy(i => i.Item2).ThenBy(i => i.Item1, StringComparer.Ordinal).ToList();
    }

    private static async Task<string> CreateAsync(HttpClient agent, string title, string ciType)
    {
        var created = await agent.PostAsJsonAsync("/api/configuration-items", new { title, ciType, state = "active" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;
    }

    private static Task<HttpResponseMessage> RelateAsync(HttpClient agent, string source, string type, string target) =>
        agent.PostAsJsonAsync($"/api/configuration-items/{source}/relationships", new { type, target });

    private static async Task<string> ErrorAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        return Errors(await response.Content.ReadFromJsonAsync<JsonElement>())[field];
    }
}
