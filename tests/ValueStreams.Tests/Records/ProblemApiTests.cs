using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Records;

/// <summary>The problem records API and the known errors on both stores.</summary>
[Collection(nameof(HostCollection))]
public sealed class ProblemApiTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_problem_gets_a_number_and_priority_and_is_refused_naming_fields_stale_tags_and_unknown_ids(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");

        var empty = await agent.PostAsync("/api/problems", new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(["impact", "title", "urgency"], RecordApi.Errors(await empty.Content.ReadFromJsonAsync<JsonElement>()).Keys.Order());

        var created = await agent.PostAsJsonAsync("/api/problems", new
        {
            title = "Mail server runs out of disk every Monday", impact = "high", urgency = "high", relatedIncidents = "INC-000001, INC-000007",
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var problem = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Matches(@"^PRB-\d{6}$", problem.GetProperty("number").GetString());
        Assert.Equal("P1", problem.GetProperty("priority").GetString());
        Assert.Equal("new", problem.GetProperty("state").GetString());
        var id = problem.GetProperty("id").GetString()!;
        var etag = created.Headers.ETag!.ToString();

        var moved = await RecordApi.PatchAsync(agent, "problems", id, etag, new { state = "under-investigation", assignmentGroup = "second-line-support" });
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        var stale = await RecordApi.PatchAsync(agent, "problems", id, etag, new { assignee = "secondline" });
        Assert.Equal(HttpStatusCode.PreconditionFailed, stale.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync("/api/problems/PRB-999999")).StatusCode);

        var history = await agent.GetFromJsonAsync<JsonElement>($"/api/problems/{problem.GetProperty("number").GetString()}/history");
        Assert.Equal(["new", "under-investigation"], history.EnumerateArray().Where(h => h.GetProperty("field").GetString() == "state")
            .Select(h => h.GetProperty("new").GetString()!).ToArray());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_known_error_needs_a_workaround_or_a_root_cause_but_not_both_and_is_listed_among_the_known_errors(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");
        var (withWorkaround, etag1) = await CreateAsync(agent, "Printer queue stalls", "medium");
        var (withRootCause, etag2) = await CreateAsync(agent, "Laptops lose VPN after sleep", "high");
        var (stillNew, _) = await CreateAsync(agent, "Slow logons", "low");

        etag1 = (await RecordApi.PatchAsync(agent, "problems", withWorkaround, etag1, new { state = "under-investigation" })).Headers.ETag!.ToString();
        var bare = await RecordApi.PatchAsync(agent, "problems", withWorkaround, etag1, new { state = "known-error" });
        Assert.Equal(HttpStatusCode.BadRequest, bare.StatusCode);
        Assert.Contains("workaround or a root cause", RecordApi.Errors(await bare.Content.ReadFromJsonAsync<JsonElement>())["workaround"]);
        Assert.Equal(HttpStatusCode.OK, (await RecordApi.PatchAsync(agent, "problems", withWorkaround, etag1,
            new { state = "known-error", workaround = "Restart the spooler" })).StatusCode);
        etag2 = (await RecordApi.PatchAsync(agent, "problems", withRootCause, etag2, new { state = "under-investigation" })).Headers.ETag!.ToString();
        Assert.Equal(HttpStatusCode.OK, (await RecordApi.PatchAsync(agent, "problems", withRootCause, etag2,
            new { state = "known-error", rootCause = "Driver bug in the VPN client" })).StatusCode);

        var known = await agent.GetFromJsonAsync<JsonElement>("/api/known-errors");
        Assert.Equal(2, known.GetProperty("total").GetInt32());
        Assert.DoesNotContain(known.GetProperty("items").EnumerateArray(), p => p.GetProperty("id").GetString() == stillNew);
        Assert.All(known.GetProperty("items").EnumerateArray(), p => Assert.Equal("known-error", p.GetProperty("state").GetString()));

        var filtered = await agent.GetFromJsonAsync<JsonElement>("/api/known-errors?priority=P2&pageSize=1");
        Assert.Equal(withRootCause, Assert.Single(filtered.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());
        var searched = await agent.GetFromJsonAsync<JsonElement>("/api/known-errors?q=spooler");
        Assert.Equal(withWorkaround, Assert.Single(searched.GetProperty("items").EnumerateArray()).GetProperty("id").GetString());

        var refused = await agent.GetAsync("/api/known-errors?state=new&pageSize=0");
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(["pageSize", "state"], RecordApi.Errors(await refused.Content.ReadFromJsonAsync<JsonElement>()).Keys.Order());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_logged_problem_can_be_closed_as_not_a_problem_without_analysis_and_then_moves_no_more(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");
        var (id, etag) = await CreateAsync(agent, "One user saw a blank page once", "low");

        var closed = await RecordApi.PatchAsync(agent, "problems", id, etag, new { state = "not-a-problem" });
        Assert.Equal(HttpStatusCode.OK, closed.StatusCode);
        var reopened = await RecordApi.PatchAsync(agent, "problems", id, closed.Headers.ETag!.ToString(), new { state = "under-investigation" });
        Assert.Equal(HttpStatusCode.BadRequest, reopened.StatusCode);
        Assert.Contains("cannot change state", RecordApi.Errors(await reopened.Content.ReadFromJsonAsync<JsonElement>())["state"]);
    }

    private static async Task<(string Id, string ETag)> CreateAsync(HttpClient client, string title, string impact)
    {
        var response = await client.PostAsJsonAsync("/api/problems", new { title, impact, urgency = "medium" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return ((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!, response.Headers.ETag!.ToString());
    }
}
