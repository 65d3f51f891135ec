using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Records.CmsAndRequestApiTests;

namespace ValueStreams.Tests.Records;

/// <summary>Spare stock on both stores: levels admins set, in-stock counts, and exactly one reorder when a spare taken into use leaves the stock below its threshold.</summary>
[Collection(nameof(HostCollection))]
public sealed class SpareStockTests
{
    private const string Model = "AP-500";
    private const string Store = "Warehouse 2 store";

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Taking_spares_into_use_lowers_the_stock_and_raises_one_reorder_below_the_threshold(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");
        var admin = await host.ClientForAsync("admin");

        var level = new { model = Model, location = Store, reorderThreshold = 2, reorderQuantity = 5 };
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PutAsJsonAsync("/api/assets/stock-levels", level)).StatusCode);
        var bad = await admin.PutAsJsonAsync("/api/assets/stock-levels", new { model = Model, reorderThreshold = -1 });
        Assert.Equal(["location", "reorderQuantity", "reorderThreshold"], Errors(await bad.Content.ReadFromJsonAsync<JsonElement>()).Keys.Order());
        Assert.Equal(HttpStatusCode.OK, (await admin.PutAsJsonAsync("/api/assets/stock-levels", level)).StatusCode);
        Assert.Equal(5, (await agent.GetFromJsonAsync<JsonElement>("/api/assets/stock-levels")).EnumerateArray().Single().GetProperty("reorderQuantity").GetInt32());

        var spares = new List<(string Number, string ETag)>();
        for (var i = 1; i <= 4; i++)
            spares.Add(await CreateSpareAsync(agent, $"AP-{i}", Model, Store));
        await CreateSpareAsync(agent, "AP-elsewhere", Model, "Head office");
        Assert.Equal((4, false), await StockAsync(agent));

        // 4 → 3 → 2: still at or above the threshold of 2, no reorder.
        await TakeIntoUseAsync(agent, spares[0]);
        await TakeIntoUseAsync(agent, spares[1]);
        Assert.Equal((2, false), await StockAsync(agent));
        Assert.Empty(await ReordersAsync(agent));

        // 2 → 1 is below it: one reorder; 1 → 0 while that reorder is open raises no second one.
        await TakeIntoUseAsync(agent, spares[2]);
        var reorder = Assert.Single(await ReordersAsync(agent));
        Assert.Equal($"Reorder 5 × {Model} for {Store}", reorder.GetProperty("title").GetString());
        Assert.Contains("fell to 1, below its reorder threshold of 2", reorder.GetProperty("description").GetString());
        Assert.Equal("agent", reorder.GetProperty("createdBy").GetString());
        await TakeIntoUseAsync(agent, spares[3]);
        Assert.Single(await ReordersAsync(agent));
        var stock = (await agent.GetFromJsonAsync<JsonElement>($"/api/assets/stock?model={Model}&location={Uri.EscapeDataString(Store)}")).EnumerateArray().Single();
        Assert.Equal((0, true, reorder.GetProperty("number").GetString()),
            (stock.GetProperty("inStock").GetInt32(), stock.GetProperty("belowThreshold").GetBoolean(), stock.GetProperty("openReorder").GetString()));
        // The other location's stock is its own.
        var other = (await agent.GetFromJsonAsync<JsonElement>("/api/assets/stock?location=Head%20office")).EnumerateArray().Single();
        Assert.Equal(1, other.GetProperty("inStock").GetInt32());

        // Once the reorder is closed, stock still below the threshold raises the next one when another spare leaves.
        var returned = await CreateSpareAsync(agent, "AP-5", Model, Store);
        var reorderEtag = (await agent.GetAsync($"/api/requests/{reorder.GetProperty("number").GetString()}")).Headers.ETag!.ToString();
        Assert.Equal(HttpStatusCode.OK, (await PatchAsync(agent, "requests", reorder.GetProperty("number").GetString()!, reorderEtag, new { state = "cancelled" })).StatusCode);
        await TakeIntoUseAsync(agent, returned);
        Assert.Equal(2, (await ReordersAsync(agent)).Count);
    }

    private static async Task<(string Number, string ETag)> CreateSpareAsync(HttpClient agent, string tag, string model, string location)
    {
        var created = await agent.PostAsJsonAsync("/api/assets", new { title = $"Spare {tag}", assetTag = tag, model, location });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return ((await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!, created.Headers.ETag!.ToString());
    }

    private static async Task TakeIntoUseAsync(HttpClient agent, (string Number, string ETag) spare)
    {
        var response = await PatchAsync(agent, "assets", spare.Number, spare.ETag, new { state = "in-use", location = "Loading bay" });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<(int InStock, bool Below)> StockAsync(HttpClient agent)
    {
        var stock = (await agent.GetFromJsonAsync<JsonElement>($"/api/assets/stock?model={Model}&location={Uri.EscapeDataString(Store)}")).EnumerateArray().Single();
        Assert.Equal(2, stock.GetProperty("reorderThreshold").GetInt32());
        return (stock.GetProperty("inStock").GetInt32(), stock.GetProperty("belowThreshold").GetBoolean());
    }

    private static async Task<List<JsonElement>> ReordersAsync(HttpClient agent) =>
        (await agent.GetFromJsonAsync<JsonElement>("/api/requests?q=Reorder")).GetProperty("items").EnumerateArray().ToList();
}
