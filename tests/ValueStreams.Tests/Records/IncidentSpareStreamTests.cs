using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Records;

/// <summary>
/// Incident resolution's row 4 on both stores: the engineer gets the failed item's configuration from the CMS, takes a
/// spare from stock, and the stream records it in use in the item's place; the stock is one lower and, below its
/// threshold, reordered.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class IncidentSpareStreamTests
{
    private const string Store = "Warehouse 2 store";

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_spare_the_engineer_takes_is_recorded_in_the_failed_items_place_and_reordered_below_the_threshold(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var agent = await api.As("agent");
        var admin = await api.As("admin");
        var ci = await RecordApi.CreateAsync(agent, "configuration-items", new { title = "ap-wh2-03", ciType = "network", state = "active", configuration = "ssid=wh2; vlan=20" });
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/assets/stock-levels",
            new { model = "AP-500", location = Store, reorderThreshold = 2, reorderQuantity = 4 })).StatusCode);
        var spare = await RecordApi.CreateAsync(agent, "assets", new { title = "Spare AP-500", assetTag = "AP-1", model = "AP-500", location = Store });
        await RecordApi.CreateAsync(agent, "assets", new { title = "Spare AP-500", assetTag = "AP-2", model = "AP-500", location = Store });

        var instanceId = IdOf(await api.StartAsync("incident-resolution"));
        await api.CompleteFilledAsync(instanceId, "log-incident", "logged", "agent", new() { ["summary"] = "No WiFi in the loading bay", ["location"] = "Loading bay" });
        await api.CompleteFilledAsync(instanceId, "fix-at-desk-or-escalate", "escalate", "agent", []);
        await api.CompleteFilledAsync(instanceId, "diagnose-failure", "diagnosed", "engineer", new() { ["ciName"] = "ap-wh2-03", ["standardChange"] = true });
        var found = (await api.InstanceAsync(instanceId)).GetProperty("variables").GetProperty("configurationItem");
        Assert.Equal("ssid=wh2; vlan=20", found.GetProperty("configuration").GetString());
        await api.CompleteFilledAsync(instanceId, "replace-access-point", "resolved", "engineer", new() { ["spareAssetTag"] = "AP-1", ["logImprovement"] = false });

        var asset = await agent.GetFromJsonAsync<JsonElement>($"/api/assets/{spare}");
        Assert.Equal(("in-use", "Loading bay", "ap-wh2-03", ci), (asset.GetProperty("state").GetString(), asset.GetProperty("location").GetString(),
            asset.GetProperty("replaces").GetString(), asset.GetProperty("configurationItem").GetString()));
        var stock = (await agent.GetFromJsonAsync<JsonElement>($"/api/assets/stock?model=AP-500&location={Uri.EscapeDataString(Store)}")).EnumerateArray().Single();
        Assert.Equal((1, true), (stock.GetProperty("inStock").GetInt32(), stock.GetProperty("belowThreshold").GetBoolean()));
        var reorder = Assert.Single((await agent.GetFromJsonAsync<JsonElement>("/api/requests")).GetProperty("items").EnumerateArray());
        Assert.Equal($"Reorder 4 × AP-500 for {Store}", reorder.GetProperty("title").GetString());
        Assert.Equal(reorder.GetProperty("number").GetString(), stock.GetProperty("openReorder").GetString());
        var incident = (await agent.GetFromJsonAsync<JsonElement>("/api/incidents")).GetProperty("items").EnumerateArray().Single();
        Assert.Equal(("resolved", ci), (incident.GetProperty("state").GetString(), incident.GetProperty("configurationItem").GetString()));
        var ciInstances = (await agent.GetFromJsonAsync<JsonElement>($"/api/configuration-items/{ci}")).GetProperty("instances").EnumerateArray();
        Assert.Equal(instanceId, Assert.Single(ciInstances).GetProperty("id").GetString());
    }
}
