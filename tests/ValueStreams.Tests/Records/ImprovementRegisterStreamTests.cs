using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Records;

/// <summary>
/// Continual improvement and the improvement register on both stores: the stream takes forward an entry other streams
/// logged and prioritises it, or registers a new one, and moves it to in progress and done.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class ImprovementRegisterStreamTests
{
    private const string ContinualImprovement = "continual-improvement";

    /// <summary>The improvement lead is in service management.</summary>
    private const string Lead = "servicemanager";

    private static readonly object Vision = new
    {
        initiative = "Self-service password reset", vision = "Users reset their own passwords", stakeholders = "Service desk, users",
        expectedValue = "A third fewer calls", priority = "P2", effort = "low",
    };

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Continual_improvement_takes_a_logged_entry_forward_prioritises_it_and_completes_it(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var agent = await api.As("agent");
        var logged = await agent.PostAsJsonAsync("/api/improvements", new { title = "Too many password calls", source = "service-desk" });
        Assert.Equal(HttpStatusCode.Created, logged.StatusCode);
        var number = (await logged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;

        var instanceId = IdOf(await api.StartAsync(ContinualImprovement, new { title = "Password resets", improvementId = number }));
        await api.CompleteStepAsync(instanceId, "what-is-the-vision", "agreed", Vision, Lead);

        var entry = await agent.GetFromJsonAsync<JsonElement>($"/api/improvements/{number}");
        Assert.Equal(("prioritised", "P2", "low", "A third fewer calls"), (entry.GetProperty("state").GetString(),
            entry.GetProperty("priority").GetString(), entry.GetProperty("effort").GetString(), entry.GetProperty("benefit").GetString()));

        await api.CompleteStepAsync(instanceId, "where-are-we-now", "assessed", new { baseline = "300 calls a month" }, Lead);
        await api.CompleteStepAsync(instanceId, "where-do-we-want-to-be", "agreed", new { gapAnalysis = "No self-service", objectives = "200 calls" }, Lead);
        await api.CompleteStepAsync(instanceId, "how-do-we-get-there", "planned", new { plan = "Pilot with one team" }, Lead);
        Assert.Equal("in-progress", (await agent.GetFromJsonAsync<JsonElement>($"/api/improvements/{number}")).GetProperty("state").GetString());
        await api.CompleteStepAsync(instanceId, "take-action", "done", new { progress = "Rolled out" }, Lead);
        await api.CompleteStepAsync(instanceId, "did-we-get-there", "achieved", new { results = "190 calls" }, Lead);
        await api.CompleteStepAsync(instanceId, "how-do-we-keep-the-momentum-going", "done", new { embedding = "In onboarding", lessonsLearned = "Pilot first" }, Lead);

        Assert.Equal("completed", await api.StatusAsync(instanceId));
        var done = await agent.GetFromJsonAsync<JsonElement>($"/api/improvements/{number}");
        Assert.Equal(("done", "190 calls", "Pilot first"), (done.GetProperty("state").GetString(), done.GetProperty("results").GetString(),
            done.GetProperty("lessonsLearned").GetString()));
        Assert.Equal(1, (await agent.GetFromJsonAsync<JsonElement>("/api/improvements")).GetProperty("total").GetInt32());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Started_without_an_entry_continual_improvement_registers_a_new_prioritised_one(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var instanceId = IdOf(await api.StartAsync(ContinualImprovement, new { title = "Password resets" }));

        await api.CompleteStepAsync(instanceId, "what-is-the-vision", "agreed", Vision, Lead);

        var agent = await api.As("agent");
        var entry = Assert.Single((await agent.GetFromJsonAsync<JsonElement>("/api/improvements")).GetProperty("items").EnumerateArray());
        Assert.Equal(("Self-service password reset", "prioritised", "P2", "continual-improvement"), (entry.GetProperty("title").GetString(),
            entry.GetProperty("state").GetString(), entry.GetProperty("priority").GetString(), entry.GetProperty("source").GetString()));
    }
}
