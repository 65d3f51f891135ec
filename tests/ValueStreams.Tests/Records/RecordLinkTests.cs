using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Records;

/// <summary>Typed links between records, both ways, on both stores: drawn, read from either end, refused when wrong, removed.</summary>
[Collection(nameof(HostCollection))]
public sealed class RecordLinkTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_link_reads_one_way_from_each_end_and_is_removed_once(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");
        var first = await CreateAsync(agent, new { title = "Wi-Fi down in bay 3", impact = "medium", urgency = "high" });
        var second = await CreateAsync(agent, new { title = "No Wi-Fi at the loading bay", impact = "medium", urgency = "high" });

        var drawn = await agent.PostAsJsonAsync($"/api/incidents/{second}/links", new { type = "duplicate-of", target = first });
        Assert.Equal(HttpStatusCode.Created, drawn.StatusCode);
        var link = await drawn.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("duplicate of", link.GetProperty("label").GetString());
        Assert.Equal(first, link.GetProperty("record").GetProperty("number").GetString());

        var fromSecond = Assert.Single((await agent.GetFromJsonAsync<JsonElement>($"/api/incidents/{second}/links")).EnumerateArray());
        Assert.Equal(("outgoing", "duplicate of", first), Read(fromSecond));
        var fromFirst = Assert.Single((await agent.GetFromJsonAsync<JsonElement>($"/api/incidents/{first}/links")).EnumerateArray());
        Assert.Equal(("incoming", "duplicated by", second), Read(fromFirst));
        Assert.Equal("agent", fromFirst.GetProperty("createdBy").GetString());

        Assert.Equal(HttpStatusCode.NoContent, (await agent.DeleteAsync($"/api/incidents/{second}/links/duplicate-of/{first}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.DeleteAsync($"/api/incidents/{second}/links/duplicate-of/{first}")).StatusCode);
        Assert.Empty((await agent.GetFromJsonAsync<JsonElement>($"/api/incidents/{first}/links")).EnumerateArray());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_wrong_link_is_refused_naming_what_is_wrong_and_a_link_to_a_hidden_record_is_left_out(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");
        var secondLine = await host.ClientForAsync("secondline");
        var one = await CreateAsync(agent, new { title = "Mail slow", impact = "low", urgency = "low" });
        var other = await CreateAsync(agent, new { title = "Mail down", impact = "high", urgency = "high", assignmentGroup = "network-support" });

        async Task<string> RefusedAsync(object body, string field)
        {
            var response = await agent.PostAsJsonAsync($"/api/incidents/{one}/links", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var error = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray());
            Assert.Equal(field, error.GetProperty("path").GetString());
            return error.GetProperty("message").GetString()!;
        }
        Assert.Contains("caused-by", await RefusedAsync(new { type = "blames", target = other }, "type"));
        Assert.Contains("There is no incident 'INC-999999'", await RefusedAsync(new { type = "related-to", target = "INC-999999" }, "target"));
        Assert.Contains("such as INC-000123", await RefusedAsync(new { type = "related-to", target = "yesterday's outage" }, "target"));
        Assert.Contains("itself", await RefusedAsync(new { type = "related-to", target = one }, "target"));
        Assert.Equal(HttpStatusCode.Created, (await agent.PostAsJsonAsync($"/api/incidents/{one}/links", new { type = "caused-by", target = other })).StatusCode);
        Assert.Contains("already caused by", await RefusedAsync(new { type = "caused-by", target = other }, "target"));
        Assert.Equal(HttpStatusCode.NotFound, (await agent.PostAsJsonAsync("/api/incidents/INC-999999/links", new { type = "caused-by", target = other })).StatusCode);

        // Second line sees the unassigned incident but not network support's: the link to it is left out.
        Assert.Single((await agent.GetFromJsonAsync<JsonElement>($"/api/incidents/{one}/links")).EnumerateArray());
        Assert.Empty((await secondLine.GetFromJsonAsync<JsonElement>($"/api/incidents/{one}/links")).EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await secondLine.GetAsync($"/api/incidents/{other}/links")).StatusCode);
        // Nor may they link to it.
        var hidden = await secondLine.PostAsJsonAsync($"/api/incidents/{one}/links", new { type = "related-to", target = other });
        Assert.Equal(HttpStatusCode.BadRequest, hidden.StatusCode);
    }

    private static (string Direction, string Label, string Number) Read(JsonElement link) =>
        (link.GetProperty("direction").GetString()!, link.GetProperty("label").GetString()!, link.GetProperty("record").GetProperty("number").GetString()!);

    private static async Task<string> CreateAsync(HttpClient client, object incident)
    {
        var response = await client.PostAsJsonAsync("/api/incidents", incident);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;
    }
}
