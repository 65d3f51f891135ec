using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Engine;

/// <summary>
/// For-each (docs/EXECUTION.md): a human task or a call run once per item of a list, in parallel or in sequence, its
/// results collected in list order; on both stores, through the API.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class ForEachTests
{
    public static TheoryData<StorageProvider, string, int> ModesAndCounts()
    {
        var data = new TheoryData<StorageProvider, string, int>();
        foreach (var provider in new[] { StorageProvider.Sqlite, StorageProvider.PostgreSql })
            foreach (var mode in new[] { "parallel", "sequence" })
                foreach (var count in new[] { 0, 1, 100 })
                    data.Add(provider, mode, count);
        return data;
    }

    // ---------------------------------------------------------------- streams

    private static JsonObject Each(string mode, string items = "vars.people", string itemVariable = "person", string collect = "reviews") =>
        new() { ["items"] = items, ["mode"] = mode, ["itemVariable"] = itemVariable, ["collect"] = collect };

    /// <summary>start → review (one task per person: approve | concerns) → value → end; concerns → rework → end.</summary>
    private static StreamFile Reviews(string id, string mode, string? title = null) => new StreamFile(id)
        .Variable("people", "list").Variable("reviews", "list")
        .Start().Task("review", outcomes: ["approve", "concerns"], form: FormField.Form(FormField.Of("note", "text")))
        .WithProperty("review", "forEach", Each(mode))
        .WithProperty("review", "title", title ?? "Review the design")
        .Milestone().Milestone("rework").End()
        .Connect("start", "review").Connect("review", "value", "approve").Connect("review", "rework", "concerns")
        .Connect("value", "end").Connect("rework", "end");

    /// <summary>The child: start → greet (greeting = 'hello ' + vars.who) → value → end; declares the output greeting.</summary>
    private static string Greeter() => WithOutputs(new StreamFile("each-greeter")
        .Variable("who", "string").Variable("greeting", "string")
        .Start().SetVariables("greet", ("greeting", "'hello ' + vars.who")).Milestone().End()
        .Chain("start", "greet", "value", "end"), ("greeting", "string"));

    /// <summary>The child that waits: start → answer (task) → value → end.</summary>
    private static StreamFile WaitingChild() => new StreamFile("each-waiter").Start().Task("answer").Milestone().End().Chain("start", "answer", "value", "end");

    /// <summary>start → greet-all (one child per person, who = the person) → value → end.</summary>
    private static StreamFile Caller(string id, string child, string mode) => new StreamFile(id)
        .Variable("people", "list").Variable("greetings", "list")
        .Start()
        .Step("greet-all", "call-value-stream", new JsonObject
        {
            ["valueStream"] = child, ["mode"] = "wait",
            ["input"] = StreamFile.Pairs("variable", ("who", "vars.person")),
            ["forEach"] = Each(mode, collect: "greetings"),
        })
        .Milestone().End().Chain("start", "greet-all", "value", "end");

    /// <summary>A stream file with declared outputs.</summary>
    internal static string WithOutputs(StreamFile file, params (string Name, string? Type)[] outputs)
    {
        var json = JsonNode.Parse(file.ToJson())!.AsObject();
        json["outputs"] = new JsonArray(outputs.Select(o =>
        {
            var output = new JsonObject { ["name"] = o.Name };
            if (o.Type is not null)
                output["type"] = o.Type;
            return (JsonNode?)output;
        }).ToArray());
        return json.ToJsonString();
    }

    internal static async Task<int> PublishAsync(EngineApi api, string json)
    {
        var owner = await api.As("owner");
        var response = await owner.PostAsync("/api/value-streams/import", new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"import: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("version").GetInt32();
    }

    private static string[] People(int count) => Enumerable.Range(1, count).Select(i => $"person-{i:000}").ToArray();

    private static async Task<List<JsonElement>> OpenAtAsync(EngineApi api, string id, string stepId) =>
        (await api.TasksOfAsync(id)).Where(t => t.GetProperty("stepId").GetString() == stepId).ToList();

    private static string? Fault(JsonElement instance) =>
        instance.GetProperty("activeSteps").EnumerateArray().Select(s => s.GetProperty("fault").GetString()).FirstOrDefault(f => f is not null);

    // ---------------------------------------------------------------- human tasks

    [Theory]
    [MemberData(nameof(ModesAndCounts))]
    public async Task A_for_each_task_runs_once_per_item_and_collects_the_results_in_list_order(StorageProvider provider, string mode, int count)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(Reviews("each-review", mode));
        var people = People(count);
        var started = await api.StartAsync("each-review", new { people });
        var id = IdOf(started);

        if (count == 0)
        {
            Assert.Equal("completed", started.GetProperty("status").GetString());
        }
        else if (mode == "parallel")
        {
            // Every item's task at once, each titled with its item; completed in reverse order.
            var open = await OpenAtAsync(api, id, "review");
            Assert.Equal(count, open.Count);
            var byTitle = open.ToDictionary(t => t.GetProperty("title").GetString()!, IdOf);
            for (var i = count - 1; i >= 0; i--)
            {
                var title = $"Review the design — {people[i]} ({i + 1} of {count})";
                Assert.True(byTitle.ContainsKey(title), $"no task titled '{title}' among {string.Join(" | ", byTitle.Keys.Take(3))}…");
                var after = await api.CompleteAsync("agent", byTitle[title], "approve", new { note = $"note {i}" });
                Assert.Equal(i == 0 ? "completed" : "waiting", after.GetProperty("status").GetString());
            }
        }
        else
        {
            // One task at a time, in list order.
            for (var i = 0; i < count; i++)
            {
                var open = await OpenAtAsync(api, id, "review");
                var task = Assert.Single(open);
                Assert.Equal($"Review the design — {people[i]} ({i + 1} of {count})", task.GetProperty("title").GetString());
                var after = await api.CompleteAsync("agent", IdOf(task), "approve", new { note = $"note {i}" });
                Assert.Equal(i == count - 1 ? "completed" : "waiting", after.GetProperty("status").GetString());
            }
        }

        var instance = await api.InstanceAsync(id);
        Assert.Equal("completed", instance.GetProperty("status").GetString());
        var reviews = instance.GetProperty("variables").GetProperty("reviews").EnumerateArray().ToList();
        Assert.Equal(people, reviews.Select(r => r.GetProperty("item").GetString()));
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"note {i}"), reviews.Select(r => r.GetProperty("data").GetProperty("note").GetString()));
        Assert.All(reviews, r => Assert.Equal("approve", r.GetProperty("outcome").GetString()));
        Assert.All(reviews, r => Assert.Equal("agent", r.GetProperty("completedBy").GetString()));
        Assert.False(instance.GetProperty("variables").TryGetProperty("person", out _), "the item variable is not left behind");
        var left = Assert.Single(await api.JournalOfAsync(id, "step-completed", "review"));
        Assert.Equal("approve", left.GetProperty("outcome").GetString());
        Assert.Single(await api.JournalOfAsync(id, "step-entered", "review"));
        Assert.Equal(count, (await api.JournalOfAsync(id, "item-completed", "review")).Count);
        Assert.Equal(count, (await api.JournalOfAsync(id, "task-created", "review")).Count);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_for_each_task_leaves_by_the_first_other_outcome_in_list_order_and_a_title_may_show_the_item_itself(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(Reviews("each-concerns", "parallel", title: "Review by {{ vars.person }}"));
        var id = IdOf(await api.StartAsync("each-concerns", new { people = new[] { "ann", "bob", "cy" } }));
        var tasks = (await OpenAtAsync(api, id, "review")).ToDictionary(t => t.GetProperty("title").GetString()!, IdOf);
        Assert.Equal(["Review by ann", "Review by bob", "Review by cy"], tasks.Keys.Order());

        await api.CompleteAsync("agent", tasks["Review by cy"], "concerns", new { note = "too slow" });
        await api.CompleteAsync("agent", tasks["Review by ann"], "approve");
        var done = await api.CompleteAsync("agent", tasks["Review by bob"], "approve");

        Assert.Equal("completed", done.GetProperty("status").GetString());
        Assert.Equal("concerns", Assert.Single(await api.JournalOfAsync(id, "step-completed", "review")).GetProperty("outcome").GetString());
        Assert.Single(await api.JournalOfAsync(id, "value-realised", "rework"));
        Assert.Empty(await api.JournalOfAsync(id, "value-realised", "value"));
        var outcomes = done.GetProperty("variables").GetProperty("reviews").EnumerateArray().Select(r => r.GetProperty("outcome").GetString());
        Assert.Equal(["approve", "approve", "concerns"], outcomes);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_deadline_covers_the_whole_list_the_open_item_tasks_time_out_and_the_results_so_far_are_kept(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var file = new StreamFile("each-deadline").Variable("people", "list").Variable("reviews", "list")
            .Start().Task("review", outcomes: ["approve"]).WithProperty("review", "forEach", Each("parallel")).WithProperty("review", "timeout", "P1D")
            .Milestone().Milestone("closed").End()
            .Connect("start", "review").Connect("review", "value", "approve").Connect("review", "closed", "timeout")
            .Connect("value", "end").Connect("closed", "end");
        await api.PublishAsync(file);
        var id = IdOf(await api.StartAsync("each-deadline", new { people = new[] { "ann", "bob", "cy" } }));
        var bob = (await OpenAtAsync(api, id, "review")).Single(t => t.GetProperty("title").GetString()!.Contains("bob"));
        await api.CompleteAsync("agent", IdOf(bob), "approve");

        Assert.Equal(1, await api.FireTimersAsync(id));

        var instance = await api.InstanceAsync(id);
        Assert.Equal("completed", instance.GetProperty("status").GetString());
        var reviews = instance.GetProperty("variables").GetProperty("reviews").EnumerateArray().ToList();
        Assert.Equal([JsonValueKind.Null, JsonValueKind.Object, JsonValueKind.Null], reviews.Select(r => r.ValueKind));
        Assert.Equal("bob", reviews[1].GetProperty("item").GetString());
        Assert.Empty(await api.TasksOfAsync(id));
        Assert.Equal(2, (await api.TasksOfAsync(id, "done")).Count(t => t.GetProperty("status").GetString() == "timed-out"));
        Assert.Equal("timeout", Assert.Single(await api.JournalOfAsync(id, "step-completed", "review")).GetProperty("outcome").GetString());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Cancelling_the_instance_cancels_every_open_item_task(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(Reviews("each-cancel", "parallel"));
        var id = IdOf(await api.StartAsync("each-cancel", new { people = People(3) }));
        var first = IdOf((await OpenAtAsync(api, id, "review"))[0]);
        await api.CompleteAsync("agent", first, "approve");
        Assert.Equal(2, (await OpenAtAsync(api, id, "review")).Count);

        Assert.Equal(HttpStatusCode.OK, (await api.ControlAsync("admin", id, "cancel")).StatusCode);

        Assert.Equal("cancelled", await api.StatusAsync(id));
        Assert.Empty(await api.TasksOfAsync(id));
        Assert.Equal(2, (await api.TasksOfAsync(id, "done")).Count(t => t.GetProperty("status").GetString() == "cancelled"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_list_longer_than_the_item_limit_faults_the_step_saying_so_and_creates_no_task(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider, new Dictionary<string, string?> { ["ValueStreams:Engine:MaxForEachItems"] = "5" });
        await api.PublishAsync(Reviews("each-bound", "parallel"));

        var instance = await api.StartAsync("each-bound", new { people = People(6) });

        Assert.Equal("faulted", instance.GetProperty("status").GetString());
        Assert.Contains("the for-each items gave 6 items; a for-each runs at most 5", Fault(instance));
        Assert.Empty(await api.TasksOfAsync(IdOf(instance)));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Items_that_are_not_a_list_fault_the_step_saying_so(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(Reviews("each-not-a-list", "sequence"));

        var instance = await api.StartAsync("each-not-a-list", new { people = "ann" });

        Assert.Equal("faulted", instance.GetProperty("status").GetString());
        Assert.Contains("the for-each items (vars.people) did not give a list", Fault(instance));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_for_each_that_is_not_well_formed_is_refused_on_import_naming_the_field(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var owner = await api.As("owner");
        var file = Reviews("each-bad", "parallel").WithProperty("review", "forEach", Each("sometimes", itemVariable: "1st", collect: "people"));

        var response = await owner.PostAsync("/api/value-streams/import", new StringContent(file.ToJson(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var paths = await ErrorPathsAsync(response);
        Assert.Contains("steps[1].forEach.mode", paths);
        Assert.Contains("steps[1].forEach.itemVariable", paths);
    }

    // ---------------------------------------------------------------- calls

    [Theory]
    [MemberData(nameof(ModesAndCounts))]
    public async Task A_for_each_call_starts_one_child_per_item_and_collects_their_outputs_in_list_order(StorageProvider provider, string mode, int count)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await PublishAsync(api, Greeter());
        await api.PublishAsync(Caller("each-caller", "each-greeter", mode));
        var people = People(count);

        var id = IdOf(await api.StartAsync("each-caller", new { people }));

        var parent = await api.WaitForStatusAsync(id, "completed", TimeSpan.FromSeconds(count == 100 ? 180 : 30));
        var greetings = parent.GetProperty("variables").GetProperty("greetings").EnumerateArray().ToList();
        Assert.Equal(people, greetings.Select(g => g.GetProperty("item").GetString()));
        Assert.Equal(people.Select(p => $"hello {p}"), greetings.Select(g => g.GetProperty("outputs").GetProperty("greeting").GetString()));
        Assert.Equal(count, greetings.Select(g => g.GetProperty("instance").GetString()).Distinct().Count());
        var journal = (await api.JournalAsync(id))
            .Where(l => l.GetProperty("stepId").GetString() == "greet-all" && l.GetProperty("event").GetString() is "child-started" or "item-completed")
            .Select(l => l.GetProperty("event").GetString()).ToList();
        Assert.Equal(2 * count, journal.Count);
        if (mode == "sequence")
            Assert.Equal(Enumerable.Range(0, count).SelectMany(_ => new[] { "child-started", "item-completed" }), journal);
        else
            Assert.Equal(Enumerable.Repeat("child-started", count), journal.Take(count));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Cancelling_the_parent_cancels_every_child_of_a_for_each_call_at_once(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(WaitingChild());
        await api.PublishAsync(Caller("each-caller-waits", "each-waiter", "parallel"));
        var id = IdOf(await api.StartAsync("each-caller-waits", new { people = People(3) }));
        var children = (await api.JournalOfAsync(id, "child-started", "greet-all")).Select(l => l.GetProperty("detail").GetString()!.Split(' ')[1]).ToList();
        Assert.Equal(3, children.Count);
        foreach (var child in children)
            await api.WaitForAsync(child, i => ActiveSteps(i).Contains("answer"), "the child reaching its task");

        Assert.Equal(HttpStatusCode.OK, (await api.ControlAsync("admin", id, "cancel")).StatusCode);

        foreach (var child in children)
        {
            Assert.Equal("cancelled", await api.StatusAsync(child));
            Assert.Empty(await api.TasksOfAsync(child));
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task One_child_that_is_cancelled_fails_the_for_each_call_and_its_other_children_are_cancelled(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(WaitingChild());
        await api.PublishAsync(Caller("each-caller-fails", "each-waiter", "parallel"));
        var id = IdOf(await api.StartAsync("each-caller-fails", new { people = People(3) }));
        var children = (await api.JournalOfAsync(id, "child-started", "greet-all")).Select(l => l.GetProperty("detail").GetString()!.Split(' ')[1]).ToList();
        foreach (var child in children)
            await api.WaitForAsync(child, i => ActiveSteps(i).Contains("answer"), "the child reaching its task");

        Assert.Equal(HttpStatusCode.OK, (await api.ControlAsync("admin", children[1], "cancel")).StatusCode);

        var parent = await api.WaitForStatusAsync(id, "faulted", TimeSpan.FromSeconds(30));
        Assert.Contains($"child instance {children[1]} of 'each-waiter' was cancelled", Fault(parent));
        Assert.Equal("cancelled", await api.StatusAsync(children[0]));
        Assert.Equal("cancelled", await api.StatusAsync(children[2]));
    }
}
