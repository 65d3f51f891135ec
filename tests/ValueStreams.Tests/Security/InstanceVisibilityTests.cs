using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Security;

/// <summary>
/// Who sees an instance, its variables, journal, work log and tasks: its starter, the candidates of its tasks and
/// admins. Everyone else gets 404, as if it did not exist; lists leave it out; events do not resume it.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class InstanceVisibilityTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Someone_outside_an_instance_sees_nothing_of_it_and_its_starter_and_candidates_see_it_all(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        // user (a business user, among its starters) starts it; its first task goes to service-desk (agent): engineer and owner are outsiders.
        var instance = IdOf(await api.StartAsync("incident-resolution", user: "user"));
        var task = IdOf((await api.TasksOfAsync(instance)).Single());

        foreach (var outsider in new[] { "engineer", "owner" })
        {
            var client = await api.As(outsider);
            foreach (var path in new[]
                     {
                         $"/api/tasks/{task}", $"/api/tasks/{task}/history", $"/api/tasks/{task}/comments",
                         $"/api/instances/{instance}", $"/api/instances/{instance}/journal",
                     })
                await AssertStatusAsync(await client.GetAsync(path), HttpStatusCode.NotFound, $"{outsider} GET {path}");
            await AssertStatusAsync(await client.PostAsync($"/api/tasks/{task}/claim", null), HttpStatusCode.NotFound, $"{outsider} claims");
            await AssertStatusAsync(await client.PostAsJsonAsync($"/api/tasks/{task}/comments", new { text = "hello" }), HttpStatusCode.NotFound,
                $"{outsider} comments");
            Assert.Empty(await ListAsync(client, $"/api/tasks?scope=group&instance={instance}"));
            Assert.Empty(await ListAsync(client, $"/api/tasks?scope=mine&status=open&instance={instance}"));
            Assert.DoesNotContain(instance, (await ListAsync(client, "/api/instances")).Select(IdOf));
        }

        foreach (var insider in new[] { "user", "agent", "admin" })
        {
            var client = await api.As(insider);
            foreach (var path in new[]
                     {
                         $"/api/tasks/{task}", $"/api/tasks/{task}/history", $"/api/tasks/{task}/comments",
                         $"/api/instances/{instance}", $"/api/instances/{instance}/journal",
                     })
                await AssertStatusAsync(await client.GetAsync(path), HttpStatusCode.OK, $"{insider} GET {path}");
            Assert.Contains(instance, (await ListAsync(client, "/api/instances")).Select(IdOf));
        }
        Assert.Equal([task], (await ListAsync(await api.As("agent"), $"/api/tasks?scope=group&instance={instance}")).Select(IdOf));

        // The starter sees the task but is not its candidate: acting on it is forbidden, not hidden.
        await AssertStatusAsync(await (await api.As("user")).PostAsync($"/api/tasks/{task}/claim", null), HttpStatusCode.Forbidden, "starter claims");
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_event_resumes_only_the_instances_its_sender_may_see(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(new StreamFile("sv-event").Start().WaitEvent("await-ack", "ack").Milestone().End()
            .Chain("start", "await-ack", "value", "end"));
        var instance = IdOf(await api.StartAsync("sv-event", user: "agent"));

        // The default correlation is the instance id: knowing it is not enough.
        Assert.Equal(0, await ResumedAsync(await api.As("engineer"), instance));
        Assert.Equal("waiting", await api.StatusAsync(instance));

        Assert.Equal(1, await ResumedAsync(await api.As("agent"), instance));
        await api.WaitForStatusAsync(instance, "completed");
    }

    private static async Task<int> ResumedAsync(HttpClient client, string correlationId)
    {
        var response = await client.PostAsJsonAsync("/api/events", new { name = "ack", correlationId, payload = new { } });
        await AssertStatusAsync(response, HttpStatusCode.OK, "event");
        return (await BodyAsync(response)).GetProperty("resumed").GetInt32();
    }

    internal static async Task<List<JsonElement>> ListAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        await AssertStatusAsync(response, HttpStatusCode.OK, $"GET {path}");
        return (await BodyAsync(response)).EnumerateArray().ToList();
    }

    internal static async Task AssertStatusAsync(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        if (response.StatusCode != expected)
            Assert.Fail($"{what}: expected {(int)expected}, got {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }
}
