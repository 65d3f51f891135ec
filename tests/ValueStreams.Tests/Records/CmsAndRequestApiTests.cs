using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Records;

/// <summary>
/// The records API for configuration items, assets, service requests and request catalogue items, on both stores:
/// numbers, refusals naming every field, ETags, unknown records and history.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class CmsAndRequestApiTests
{
    public static TheoryData<StorageProvider, string> Kinds()
    {
        var data = new TheoryData<StorageProvider, string>();
        foreach (var provider in new[] { StorageProvider.Sqlite, StorageProvider.PostgreSql })
            foreach (var collection in Samples.Keys)
                data.Add(provider, collection);
        return data;
    }

    /// <summary>Per collection: a valid record, its number prefix, the fields an empty body lacks, and a change with a state move.</summary>
    private static readonly Dictionary<string, (object Valid, string Prefix, string[] Missing, object Change)> Samples = new()
    {
        ["configuration-items"] = (new { title = "ap-wh2-03", ciType = "network", location = "Warehouse 2", configuration = "ssid=wh2" },
            "CI", ["ciType", "title"], new { state = "active", version = "7.2" }),
        ["assets"] = (new { title = "Spare access point", assetTag = "A-1001", model = "AP-500", location = "Store" },
            "AST", ["assetTag", "title"], new { state = "in-use", assignedTo = "engineer" }),
        ["requests"] = (new { title = "A laptop for a new starter", approvalPolicy = "none", requestedFor = "user" },
            "REQ", ["title"], new { state = "in-fulfilment", assignmentGroup = "service-desk" }),
        ["request-catalogue-items"] = (new { title = "New laptop", approvalPolicy = "financial", fulfilmentTarget = "3 working days" },
            "RCI", ["approvalPolicy", "title"], new { state = "published" }),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task A_record_gets_a_number_is_refused_naming_fields_keeps_its_ETag_and_history(StorageProvider provider, string collection)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var admin = await host.ClientForAsync("admin");
        var (valid, prefix, missing, change) = Samples[collection];

        var empty = await admin.PostAsync($"/api/{collection}", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(missing, Errors(await empty.Content.ReadFromJsonAsync<JsonElement>()).Keys.Order());
        var wrong = await admin.PostAsJsonAsync($"/api/{collection}", new { title = "x", status = "live" });
        Assert.Contains("no field 'status'", Errors(await wrong.Content.ReadFromJsonAsync<JsonElement>())["status"]);

        var created = await admin.PostAsJsonAsync($"/api/{collection}", valid);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var record = await created.Content.ReadFromJsonAsync<JsonElement>();
        var number = record.GetProperty("number").GetString()!;
        Assert.Matches($@"^{prefix}-\d{{6}}$", number);
        var etag = created.Headers.ETag!.ToString();

        var changed = await PatchAsync(admin, collection, number, etag, change);
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        var stale = await PatchAsync(admin, collection, number, etag, new { title = "Renamed" });
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(record.GetProperty("title").GetString(), (await admin.GetFromJsonAsync<JsonElement>($"/api/{collection}/{number}")).GetProperty("title").GetString());

        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/{collection}/{prefix}-999999")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PatchAsync(admin, collection, "no-such-id", "\"1\"", change)).StatusCode);

        var history = await admin.GetFromJsonAsync<JsonElement>($"/api/{collection}/{number}/history");
        var states = history.EnumerateArray().Where(h => h.GetProperty("field").GetString() == "state").Select(h => h.GetProperty("new").GetString()).ToList();
        Assert.Equal(2, states.Count);
        Assert.Equal(((JsonElement)JsonSerializer.SerializeToElement(change)).GetProperty("state").GetString(), states[1]);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_request_under_an_approval_policy_cannot_skip_approval_and_its_approval_follows_its_state(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");

        var created = await agent.PostAsJsonAsync("/api/requests", new { title = "Analytics licence", approvalPolicy = "financial", approval = "approved" });
        Assert.Contains("derived", Errors(await created.Content.ReadFromJsonAsync<JsonElement>())["approval"]);
        created = await agent.PostAsJsonAsync("/api/requests", new { title = "Analytics licence", approvalPolicy = "financial" });
        var request = await created.Content.ReadFromJsonAsync<JsonElement>();
        var number = request.GetProperty("number").GetString()!;
        var etag = created.Headers.ETag!.ToString();

        var skipped = await PatchAsync(agent, "requests", number, etag, new { state = "in-fulfilment" });
        Assert.Equal(HttpStatusCode.BadRequest, skipped.StatusCode);
        Assert.Contains("must be approved before it is fulfilled", Errors(await skipped.Content.ReadFromJsonAsync<JsonElement>())["state"]);

        var asked = await PatchAsync(agent, "requests", number, etag, new { state = "awaiting-approval" });
        Assert.Equal("pending", (await asked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("approval").GetString());
        var approved = await PatchAsync(agent, "requests", number, asked.Headers.ETag!.ToString(), new { state = "approved" });
        var fulfilling = await PatchAsync(agent, "requests", number, approved.Headers.ETag!.ToString(), new { state = "in-fulfilment" });
        Assert.Equal(HttpStatusCode.OK, fulfilling.StatusCode);
        var now = await fulfilling.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(("in-fulfilment", "approved"), (now.GetProperty("state").GetString(), now.GetProperty("approval").GetString()));

        var fulfilledWithoutNotes = await PatchAsync(agent, "requests", number, fulfilling.Headers.ETag!.ToString(), new { state = "fulfilled" });
        Assert.Contains("required when the request is fulfilled", Errors(await fulfilledWithoutNotes.Content.ReadFromJsonAsync<JsonElement>())["fulfilmentNotes"]);
    }

    internal static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string collection, string id, string etag, object change)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/{collection}/{id}") { Content = JsonContent.Create(change) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await client.SendAsync(request);
    }

    internal static Dictionary<string, string> Errors(JsonElement problem) =>
        problem.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("path").GetString()!, e => e.GetProperty("message").GetString()!);
}
