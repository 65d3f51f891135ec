using System.Text.Json.Nodes;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Engine;

/// <summary>Steps where several roles act together (swarming, joint reviews): one task per role's group.</summary>
[Collection(nameof(HostCollection))]
public sealed class MultiRoleTaskTests
{
    private static StreamFile JointReview(string id, string completion) => new StreamFile(id)
        .Start()
        .Step("review", "human-task", new JsonObject
        {
            ["title"] = "Review together",
            ["completion"] = completion,
            ["outcomes"] = new JsonArray(
                new JsonObject { ["id"] = "approve", ["label"] = "Approve" },
                new JsonObject { ["id"] = "reject", ["label"] = "Reject" }),
        }, ["desk", "network"])
        .Milestone()
        .End()
        .End("rejected")
        .Connect("start", "review")
        .Connect("review", "value", "approve")
        .Connect("review", "rejected", "reject")
        .Connect("value", "end");

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task With_all_every_group_gets_a_task_and_the_step_waits_for_both(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(JointReview("joint-all", "all"));
        var instance = EngineApi.IdOf(await api.StartAsync("joint-all"));

        var tasks = await api.TasksOfAsync(instance);
        Assert.Equal(["network-support", "service-desk"], tasks.Select(t => t.GetProperty("group").GetString()).Order());

        var desk = tasks.Single(t => t.GetProperty("group").GetString() == "service-desk");
        await api.CompleteAsync("agent", EngineApi.IdOf(desk), "approve");
        Assert.Equal("waiting", await api.StatusAsync(instance));
        Assert.Equal(["review"], EngineApi.ActiveSteps(await api.InstanceAsync(instance)));

        var network = tasks.Single(t => t.GetProperty("group").GetString() == "network-support");
        await api.CompleteAsync("engineer", EngineApi.IdOf(network), "approve");

        Assert.Equal("completed", await api.StatusAsync(instance));
        Assert.Single(await api.JournalOfAsync(instance, "value-realised"));
    }

    [Fact]
    public async Task With_all_one_objection_carries_the_step()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(JointReview("joint-objection", "all"));
        var instance = EngineApi.IdOf(await api.StartAsync("joint-objection"));
        var tasks = await api.TasksOfAsync(instance);

        await api.CompleteAsync("engineer", EngineApi.IdOf(tasks.Single(t => t.GetProperty("group").GetString() == "network-support")), "reject");
        await api.CompleteAsync("agent", EngineApi.IdOf(tasks.Single(t => t.GetProperty("group").GetString() == "service-desk")), "approve");

        Assert.Equal("completed", await api.StatusAsync(instance));
        Assert.Empty(await api.JournalOfAsync(instance, "value-realised"));
        Assert.Single(await api.JournalOfAsync(instance, "step-completed", "rejected"));
    }

    [Fact]
    public async Task With_any_the_first_completion_decides_and_the_other_task_is_cancelled()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(JointReview("joint-any", "any"));
        var instance = EngineApi.IdOf(await api.StartAsync("joint-any"));
        var tasks = await api.TasksOfAsync(instance);

        await api.CompleteAsync("engineer", EngineApi.IdOf(tasks.Single(t => t.GetProperty("group").GetString() == "network-support")), "approve");

        Assert.Equal("completed", await api.StatusAsync(instance));
        var done = await api.TasksOfAsync(instance, "done");
        Assert.Equal(["cancelled", "completed"], done.Select(t => t.GetProperty("status").GetString()).Order());
        var late = await api.TryCompleteAsync("agent", EngineApi.IdOf(tasks.Single(t => t.GetProperty("group").GetString() == "service-desk")), "approve");
        Assert.Equal(System.Net.HttpStatusCode.Conflict, late.StatusCode);
    }
}
