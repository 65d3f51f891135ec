using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Engine;

/// <summary>
/// <c>outcomes.&lt;step&gt;</c> in every expression (conditions, set-variables, scripts, templates), and a stream file
/// whose steps have no position: it imports, runs and keeps no positions. Both stores, through the API.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class OutcomesAndPositionsTests
{
    /// <summary>
    /// start → review (approved | rejected) → route: approved when <c>outcomes.review === 'approved'</c> →
    /// note (set-variables) → copy (script) → tell (task titled from outcomes) → value → end; else → end.
    /// </summary>
    private static StreamFile Review(string id = "op-review") => new StreamFile(id)
        .Variable("note", "string").Variable("seen", "string").Variable("before", "string")
        .Start()
        .SetVariables("early", ("before", "typeof outcomes.review"))
        .Task("review", outcomes: ["approved", "rejected"])
        .Step("route", "decision", new JsonObject
        {
            ["conditions"] = new JsonArray(new JsonObject { ["port"] = "yes", ["expression"] = "outcomes.review === 'approved'" }),
            ["defaultPort"] = "no",
        })
        .SetVariables("note", ("note", "'review said ' + outcomes.review"))
        .Script("copy", "vars.seen = outcomes.review;")
        .Task("tell")
        .WithProperty("tell", "title", "Review {{ outcomes.review }}")
        .Milestone()
        .End()
        .Chain("start", "early", "review")
        .Connect("review", "route", "approved")
        .Connect("review", "route", "rejected")
        .Connect("route", "note", "yes")
        .Connect("route", "end", "no")
        .Chain("note", "copy", "tell", "value", "end");

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Expressions_read_a_task_outcome_as_outcomes_dot_step(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(Review());
        var id = IdOf(await api.StartAsync("op-review"));

        var after = await api.CompleteStepAsync(id, "review", "approved");

        var variables = after.GetProperty("variables");
        Assert.Equal("undefined", variables.GetProperty("before").GetString()); // no entry before the step completes
        Assert.Equal("review said approved", variables.GetProperty("note").GetString());
        Assert.Equal("approved", variables.GetProperty("seen").GetString());
        Assert.Equal(["tell"], ActiveSteps(after));
        Assert.Equal("Review approved", (await api.OpenTaskAsync(id, "tell")).GetProperty("title").GetString());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_condition_on_another_outcome_takes_the_other_port(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(Review());
        var id = IdOf(await api.StartAsync("op-review"));

        var after = await api.CompleteStepAsync(id, "review", "rejected");

        Assert.Equal("completed", after.GetProperty("status").GetString());
        Assert.Empty(await api.JournalOfAsync(id, "step-entered", "note"));
    }

    /// <summary>The file as <see cref="StreamFile"/> writes it, with every step's position taken out.</summary>
    internal static string WithoutPositions(StreamFile file)
    {
        var root = JsonNode.Parse(file.ToJson())!.AsObject();
        foreach (var step in root["steps"]!.AsArray().OfType<JsonObject>())
            step.Remove("position");
        return root.ToJsonString();
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_file_without_positions_imports_runs_and_exports_without_them(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var owner = await api.As("owner");
        var text = WithoutPositions(Review("op-unplaced"));

        var validated = await owner.PostAsync("/api/value-streams/validate", new StringContent(text, Encoding.UTF8, "application/json"));
        var imported = await owner.PostAsync("/api/value-streams/import", new StringContent(text, Encoding.UTF8, "application/json"));

        Assert.True(imported.StatusCode == HttpStatusCode.OK, await imported.Content.ReadAsStringAsync());
        var report = await BodyAsync(validated);
        Assert.True(report.GetProperty("valid").GetBoolean(), report.ToString());
        var id = IdOf(await api.StartAsync("op-unplaced"));
        var after = await api.CompleteStepAsync(id, "review", "approved");
        Assert.Equal(["tell"], ActiveSteps(after));
        var exported = await owner.GetStringAsync("/api/value-streams/op-unplaced");
        Assert.DoesNotContain("\"position\"", exported);
    }
}
