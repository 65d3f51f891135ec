using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Api;

/// <summary>Raising work: the streams a caller may start with their start forms, starting under the start step's rules, and "my requests".</summary>
[Collection(nameof(HostCollection))]
public sealed class PortalApiTests
{
    private const string Incident = "incident-resolution";

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_requester_sees_the_incident_stream_with_its_start_form_starts_it_and_follows_it_under_my_requests(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider, new Dictionary<string, string?> { ["ValueStreams:DemoUsers"] = "true" });
        var requester = await host.ClientForAsync("warehouse");

        var startable = await requester.GetFromJsonAsync<JsonElement>("/api/value-streams?startable=true");
        var incident = startable.EnumerateArray().Single(s => s.GetProperty("id").GetString() == Incident);
        var fields = incident.GetProperty("startForm").EnumerateArray().Select(f => f.GetProperty("name").GetString()).ToList();
        Assert.Equal(["title", "description", "impact", "urgency"], fields);

        var started = await requester.PostAsJsonAsync($"/api/value-streams/{Incident}/instances",
            new { input = new { title = "No WiFi in the loading bay", description = "Scanners are offline.", impact = "high", urgency = "high" } });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        var mine = await requester.GetFromJsonAsync<JsonElement>("/api/portal/my-requests");
        var request = Assert.Single(mine.EnumerateArray());
        Assert.Equal(id, request.GetProperty("instanceId").GetString());
        Assert.Equal("No WiFi in the loading bay", request.GetProperty("summary").GetString());
        Assert.Equal("waiting", request.GetProperty("status").GetString());
        Assert.Equal(["Log and prioritise the incident"], request.GetProperty("currentSteps").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(["group service-desk"], request.GetProperty("withWhom").EnumerateArray().Select(s => s.GetString()));
        Assert.Empty((await (await host.ClientForAsync("agent")).GetFromJsonAsync<JsonElement>("/api/portal/my-requests")).EnumerateArray());
    }

    [Fact]
    public async Task The_start_form_is_checked_like_a_task_form_and_only_starters_may_start()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var requester = await host.ClientForAsync("warehouse");
        var engineer = await host.ClientForAsync("engineer");

        var wrong = await requester.PostAsJsonAsync($"/api/value-streams/{Incident}/instances",
            new { input = new { title = new string('x', 201), impact = "enormous" } });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        var errors = (await wrong.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateArray()
            .ToDictionary(e => e.GetProperty("path").GetString()!, e => e.GetProperty("message").GetString()!);
        Assert.Contains("at most 200", errors["input.title"]);
        Assert.Contains("'enormous' is not one of high, medium, low", errors["input.impact"]);

        Assert.DoesNotContain((await engineer.GetFromJsonAsync<JsonElement>("/api/value-streams?startable=true")).EnumerateArray(),
            s => s.GetProperty("id").GetString() == Incident);
        var refused = await engineer.PostAsJsonAsync($"/api/value-streams/{Incident}/instances", new { input = new { title = "x" } });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("not among those who may start", await refused.Content.ReadAsStringAsync());

        // Left-out choices take the form's defaults.
        var defaults = await requester.PostAsJsonAsync($"/api/value-streams/{Incident}/instances", new { input = new { title = "Printer jam" } });
        Assert.Equal(HttpStatusCode.Created, defaults.StatusCode);
        var variables = (await defaults.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("variables");
        Assert.Equal("medium", variables.GetProperty("urgency").GetString());
        Assert.Empty((await engineer.GetFromJsonAsync<JsonElement>("/api/portal/my-requests")).EnumerateArray());
    }
}
