using System.Net;
using System.Net.Http.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;
using static ValueStreams.Tests.Security.InstanceVisibilityTests;

namespace ValueStreams.Tests.Security;

/// <summary>An escalation routes a task only to its step's <c>sla.escalateTo</c> group or the configured escalation group.</summary>
[Collection(nameof(HostCollection))]
public sealed class EscalationTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_escalation_goes_only_to_the_steps_escalation_group_or_the_configured_one(StorageProvider provider)
    {
        await using var api = new EngineApi(await ApiHost.StartAsync(provider, new Dictionary<string, string?>
        {
            ["ValueStreams:DemoUsers"] = "true",
            ["ValueStreams:Tasks:EscalationGroup"] = "second-line-support",
        }));
        var agent = await api.As("agent");
        // The shipped incident stream's first step escalates to service-desk-managers.
        var first = IdOf((await api.TasksOfAsync(IdOf(await api.StartAsync("incident-resolution")))).Single());
        var second = IdOf((await api.TasksOfAsync(IdOf(await api.StartAsync("incident-resolution")))).Single());

        var elsewhere = await agent.PostAsJsonAsync($"/api/tasks/{first}/escalate", new { reason = "urgent", group = "network-support" });
        await AssertStatusAsync(elsewhere, HttpStatusCode.BadRequest, "escalate to network-support");
        var error = Assert.Single((await BodyAsync(elsewhere)).GetProperty("errors").EnumerateArray());
        Assert.Equal("group", error.GetProperty("path").GetString());
        Assert.Equal("'network-support' is not this task's escalation group; escalate to service-desk-managers or second-line-support",
            error.GetProperty("message").GetString());
        Assert.Equal("service-desk", (await BodyAsync(await agent.GetAsync($"/api/tasks/{first}"))).GetProperty("group").GetString());

        var toManagers = await agent.PostAsJsonAsync($"/api/tasks/{first}/escalate", new { reason = "urgent", group = "service-desk-managers" });
        await AssertStatusAsync(toManagers, HttpStatusCode.OK, "escalate to service-desk-managers");
        Assert.Equal("service-desk-managers", (await BodyAsync(toManagers)).GetProperty("group").GetString());

        var toConfigured = await agent.PostAsJsonAsync($"/api/tasks/{second}/escalate", new { reason = "urgent", group = "second-line-support" });
        await AssertStatusAsync(toConfigured, HttpStatusCode.OK, "escalate to the configured group");
        Assert.Equal("second-line-support", (await BodyAsync(toConfigured)).GetProperty("group").GetString());

        // Routing anywhere else stays a reassignment, for admins only.
        await AssertStatusAsync(await agent.PostAsJsonAsync($"/api/tasks/{second}/reassign", new { group = "network-support" }),
            HttpStatusCode.Forbidden, "agent reassigns");
    }

    [Fact]
    public async Task A_task_without_an_escalation_group_can_be_escalated_in_place_but_not_routed()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(new StreamFile("sv-plain").Start().Task("work").Milestone().End().Chain("start", "work", "value", "end"));
        var task = IdOf(await api.OpenTaskAsync(IdOf(await api.StartAsync("sv-plain")), "work"));
        var agent = await api.As("agent");

        var routed = await agent.PostAsJsonAsync($"/api/tasks/{task}/escalate", new { reason = "urgent", group = "second-line-support" });
        await AssertStatusAsync(routed, HttpStatusCode.BadRequest, "escalate to a group");
        Assert.Contains("it has none", Assert.Single((await BodyAsync(routed)).GetProperty("errors").EnumerateArray()).GetProperty("message").GetString());

        var raised = await agent.PostAsJsonAsync($"/api/tasks/{task}/escalate", new { reason = "urgent" });
        await AssertStatusAsync(raised, HttpStatusCode.OK, "escalate in place");
        Assert.Equal("service-desk", (await BodyAsync(raised)).GetProperty("group").GetString());
    }
}
