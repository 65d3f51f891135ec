using System.Net;
using System.Net.Http.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;
using static ValueStreams.Tests.Security.InstanceVisibilityTests;

namespace ValueStreams.Tests.Security;

/// <summary>
/// Only the holder of a claim completes or delegates the task; a claim and a completion racing each other never both
/// succeed; admins override, audited; claiming one's own claim again writes nothing.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class TaskHolderTests
{
    private const int Rounds = 20;

    /// <summary>start → work (service-desk, assigned to secondline: agent and secondline are both candidates) → value → end.</summary>
    private static StreamFile Shared() => new StreamFile("sv-shared")
        .Start().Task("work", group: "service-desk", assignee: "user:secondline").Milestone().End().Chain("start", "work", "value", "end");

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_claim_and_a_completion_by_another_candidate_racing_never_both_succeed(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(Shared());
        var agent = await api.As("agent");
        var secondline = await api.As("secondline");

        for (var round = 0; round < Rounds; round++)
        {
            var instance = IdOf(await api.StartAsync("sv-shared"));
            var task = IdOf(await api.OpenTaskAsync(instance, "work"));
            var claim = agent.PostAsync($"/api/tasks/{task}/claim", null);
            var complete = secondline.PostAsJsonAsync($"/api/tasks/{task}/complete", new { outcome = "done", data = new { } });
            var answers = await Task.WhenAll(claim, complete);

            var codes = answers.Select(a => a.StatusCode).ToArray();
            Assert.True(codes.Count(c => c == HttpStatusCode.OK) == 1 && codes.Count(c => c == HttpStatusCode.Conflict) == 1,
                $"round {round}: claim {(int)codes[0]}, complete {(int)codes[1]}: {await answers[0].Content.ReadAsStringAsync()} / {await answers[1].Content.ReadAsStringAsync()}");
            var status = (await BodyAsync(await (await api.As("admin")).GetAsync($"/api/tasks/{task}"))).GetProperty("status").GetString();
            Assert.Equal(codes[0] == HttpStatusCode.OK ? "claimed" : "completed", status);
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Only_the_holder_completes_or_delegates_a_claimed_task_and_an_admin_override_is_recorded(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(Shared());
        var instance = IdOf(await api.StartAsync("sv-shared"));
        var task = IdOf(await api.OpenTaskAsync(instance, "work"));
        Assert.Equal(HttpStatusCode.OK, (await api.ClaimAsync("agent", task)).StatusCode);

        var completed = await api.TryCompleteAsync("secondline", task, "done");
        await AssertStatusAsync(completed, HttpStatusCode.Conflict, "secondline completes agent's claim");
        Assert.Equal($"Task '{task}' is claimed by agent.", (await BodyAsync(completed)).GetProperty("title").GetString());
        await AssertStatusAsync(await (await api.As("secondline")).PostAsJsonAsync($"/api/tasks/{task}/delegate", new { assignee = "engineer" }),
            HttpStatusCode.Conflict, "secondline delegates agent's claim");

        await AssertStatusAsync(await (await api.As("admin")).PostAsJsonAsync($"/api/tasks/{task}/delegate", new { assignee = "secondline" }),
            HttpStatusCode.OK, "admin delegates over the claim");
        Assert.Equal(HttpStatusCode.OK, (await api.ClaimAsync("secondline", task)).StatusCode);
        await api.CompleteAsync("admin", task, "done");
        await api.WaitForStatusAsync(instance, "completed");

        var history = (await ListAsync(await api.As("admin"), $"/api/tasks/{task}/history"))
            .Select(e => $"{e.GetProperty("actor").GetString()} {e.GetProperty("action").GetString()}").ToList();
        Assert.Equal(["system created", "agent claimed", "admin delegated", "secondline claimed", "admin completed"], history);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Fifty_claims_at_once_by_the_holder_and_another_candidate_give_one_holder_and_one_history_line(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(Shared());
        var instance = IdOf(await api.StartAsync("sv-shared"));
        var task = IdOf(await api.OpenTaskAsync(instance, "work"));

        var claims = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => api.ClaimAsync(i % 2 == 0 ? "agent" : "secondline", task)));

        var holder = (await api.OpenTaskAsync(instance, "work")).GetProperty("claimedBy").GetString();
        Assert.All(claims.Select((c, i) => (c.StatusCode, User: i % 2 == 0 ? "agent" : "secondline")),
            c => Assert.Equal(c.User == holder ? HttpStatusCode.OK : HttpStatusCode.Conflict, c.StatusCode));
        var history = (await ListAsync(await api.As("admin"), $"/api/tasks/{task}/history")).Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["created", "claimed"], history);
    }
}
