using System.Net.Http.Json;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Records;

/// <summary>The normal change stream works on a typed change record, on both stores.</summary>
[Collection(nameof(HostCollection))]
public sealed class ChangeStreamTests
{
    private const string Stream = "normal-change";

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_normal_change_run_through_the_API_creates_its_change_record_and_has_it_approved_scheduled_implemented_reviewed_and_closed(
        StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var agent = await api.As("agent");
        var database = (await RecordApi.ItemsAsync(agent, "DB01"))["DB01"];
        var instanceId = EngineApi.IdOf(await api.StartAsync(Stream, new { }));
        var start = DateTimeOffset.UtcNow.AddDays(2);

        await api.CompleteStepAsync(instanceId, "log-change-request", "logged", new
        {
            summary = "Upgrade the database to version 17", reason = "Support ends", changeType = "normal", risk = "high", affectedCi = database,
            implementationPlan = "Dump, upgrade, restore", requesterEmail = "dba@example.com",
        }, "servicemanager");
        var changeId = (await api.InstanceAsync(instanceId)).GetProperty("variables").GetProperty("changeId").GetString()!;
        var change = await agent.GetFromJsonAsync<JsonElement>($"/api/changes/{changeId}");
        Assert.Equal("assess", change.GetProperty("state").GetString());
        Assert.Equal("change-authority", change.GetProperty("changeAuthority").GetString());
        Assert.Equal(Stream, Assert.Single(change.GetProperty("instances").EnumerateArray()).GetProperty("valueStreamId").GetString());

        await api.CompleteStepAsync(instanceId, "assess-change", "assessed", new { riskAssessment = "Data loss if restore fails", impact = "Two hours down" },
            "servicemanager");
        // High risk: the change advisory board authorises it, not the change manager.
        await api.CompleteStepAsync(instanceId, "authorise-change", "approve", new { authorityNotes = "Only at the weekend" }, "cab");
        await api.CompleteStepAsync(instanceId, "schedule-change", "scheduled", new { plannedStart = start, plannedEnd = start.AddHours(3) }, "servicemanager");
        var schedule = await agent.GetFromJsonAsync<JsonElement>($"/api/changes/schedule?from={start.AddDays(-1):yyyy-MM-dd}");
        var scheduled = Assert.Single(schedule.GetProperty("changes").EnumerateArray());
        Assert.Equal("scheduled", scheduled.GetProperty("state").GetString());
        Assert.Equal(database, scheduled.GetProperty("configurationItem").GetString());

        Assert.Equal(1, await api.FireTimersAsync(instanceId));
        await api.CompleteStepAsync(instanceId, "test-change", "passed", new { testResults = "Upgrade rehearsed on a copy" }, "secondline");
        await api.CompleteStepAsync(instanceId, "implement-change", "implemented", new { implementationNotes = "Upgraded in 2 hours" }, "secondline");
        await api.CompleteStepAsync(instanceId, "review-change", "close", new { reviewOutcome = "successful", reviewNotes = "On time" }, "servicemanager");
        await api.WaitForStatusAsync(instanceId, "completed");

        change = await agent.GetFromJsonAsync<JsonElement>($"/api/changes/{changeId}");
        Assert.Equal("closed", change.GetProperty("state").GetString());
        Assert.Equal("Only at the weekend", change.GetProperty("authorisationNotes").GetString());
        Assert.Equal("Upgrade rehearsed on a copy", change.GetProperty("testResults").GetString());
        Assert.Equal("successful", change.GetProperty("reviewOutcome").GetString());
        Assert.Equal(start.AddHours(3).ToUnixTimeSeconds(), change.GetProperty("plannedEnd").GetDateTimeOffset().ToUnixTimeSeconds());
        var history = await agent.GetFromJsonAsync<JsonElement>($"/api/changes/{changeId}/history");
        Assert.Equal(["new", "assess", "authorize", "scheduled", "implement", "review", "closed"], history.EnumerateArray()
            .Where(h => h.GetProperty("field").GetString() == "state").Select(h => h.GetProperty("new").GetString()!).ToArray());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_change_declared_standard_without_an_active_standard_model_is_assessed_as_a_normal_change(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var agent = await api.As("agent");
        var instanceId = EngineApi.IdOf(await api.StartAsync(Stream, new { }));

        await api.CompleteStepAsync(instanceId, "log-change-request", "logged", new
        {
            summary = "Open port 22 on the firewall", reason = "Remote admin", changeType = "standard", changeModel = "CHM-000042", risk = "low",
            implementationPlan = "Add the rule", requesterEmail = "ops@example.com",
        }, "servicemanager");

        var change = (await agent.GetFromJsonAsync<JsonElement>("/api/changes")).GetProperty("items")[0];
        Assert.Equal("normal", change.GetProperty("type").GetString());
        Assert.Equal(JsonValueKind.Null, change.GetProperty("changeModel").ValueKind);
        // Low risk: the change manager authorises it once assessed.
        Assert.Equal("service-management", change.GetProperty("changeAuthority").GetString());
        await api.CompleteStepAsync(instanceId, "assess-change", "assessed", new { riskAssessment = "Small", impact = "None" }, "servicemanager");
        Assert.Equal("service-management", (await api.OpenTaskAsync(instanceId, "authorise-low-risk-change")).GetProperty("group").GetString());
    }
}
