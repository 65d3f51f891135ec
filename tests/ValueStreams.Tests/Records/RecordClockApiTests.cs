using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Xml;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Records;

/// <summary>An incident's service level clocks through the API, on both stores: read from its history under the shipped policy.</summary>
[Collection(nameof(HostCollection))]
public sealed class RecordClockApiTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_P1_incident_gets_a_four_hour_resolution_clock_that_pauses_on_hold_and_says_why(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");
        var created = await agent.PostAsJsonAsync("/api/incidents", new { title = "Checkout down for every store", impact = "high", urgency = "high" });
        var incident = await created.Content.ReadFromJsonAsync<JsonElement>();
        var number = incident.GetProperty("number").GetString()!;
        Assert.Equal("P1", incident.GetProperty("priority").GetString());
        var loggedAt = incident.GetProperty("createdAt").GetDateTimeOffset();

        var clocks = await ClocksAsync(agent, number);
        Assert.Equal(["response", "resolution"], clocks.Keys);
        var resolution = clocks["resolution"];
        Assert.Equal(("running", "4 hours", "24x7", "incident"), (resolution.GetProperty("state").GetString(), resolution.GetProperty("target").GetString(),
            resolution.GetProperty("calendar").GetString(), resolution.GetProperty("policy").GetString()));
        Assert.Equal(loggedAt.AddHours(4), resolution.GetProperty("dueAt").GetDateTimeOffset());
        Assert.Equal("15 minutes", clocks["response"].GetProperty("target").GetString());

        // On hold: the resolution clock pauses, with the reason in its timeline; the response clock stops, met.
        var onHold = await RecordApi.PatchAsync(agent, "incidents", number, created.Headers.ETag!.Tag,
            new { state = "on-hold", onHoldReason = "Waiting for the payment provider" });
        Assert.Equal(HttpStatusCode.OK, onHold.StatusCode);
        clocks = await ClocksAsync(agent, number);
        resolution = clocks["resolution"];
        Assert.Equal("paused", resolution.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, resolution.GetProperty("dueAt").ValueKind);
        var pause = resolution.GetProperty("timeline").EnumerateArray().Last();
        Assert.Equal(("pause", "new → on-hold: Waiting for the payment provider"), (pause.GetProperty("event").GetString(), pause.GetProperty("cause").GetString()));
        Assert.True(XmlConvert.ToTimeSpan(resolution.GetProperty("elapsed").GetString()!) < TimeSpan.FromMinutes(5));
        Assert.Equal("met", clocks["response"].GetProperty("state").GetString());

        // Resumed: running again, due four hours of clock time after logging plus the time it was paused.
        var resumed = await RecordApi.PatchAsync(agent, "incidents", number, onHold.Headers.ETag!.Tag, new { state = "in-progress" });
        Assert.Equal(HttpStatusCode.OK, resumed.StatusCode);
        resolution = (await ClocksAsync(agent, number))["resolution"];
        Assert.Equal("running", resolution.GetProperty("state").GetString());
        Assert.Equal(["start", "pause", "resume"], resolution.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("event").GetString()));
        var paused = XmlConvert.ToTimeSpan(resolution.GetProperty("paused").GetString()!);
        Assert.True(paused > TimeSpan.Zero);
        Assert.Equal(loggedAt.AddHours(4) + paused, resolution.GetProperty("dueAt").GetDateTimeOffset(), TimeSpan.FromMilliseconds(5));

        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync("/api/incidents/INC-999999/sla")).StatusCode);
    }

    private static async Task<Dictionary<string, JsonElement>> ClocksAsync(HttpClient client, string number) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/incidents/{number}/sla")).EnumerateArray()
            .ToDictionary(c => c.GetProperty("name").GetString()!, c => c);
}
