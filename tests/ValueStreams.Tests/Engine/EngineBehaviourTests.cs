using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Engine;

/// <summary>
/// How the engine behaves through the API: tasks and who may act on them, decisions, forks and joins, timers,
/// events, child streams, records, faults and control, migration and bad input. Each test publishes the small
/// streams it needs on a fresh store; the key ones run on both providers.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class EngineBehaviourTests
{
    // ---------------------------------------------------------------- streams

    /// <summary>start → triage (service desk; resolved | escalate) → [escalate: fix (network support)] → value → end.</summary>
    private static StreamFile Desk(string id = "eb-desk") => new StreamFile(id)
        .Variable("summary", "string").Variable("impact", "number").Variable("category", "string")
        .Start()
        .Task("triage", "service-desk", ["resolved", "escalate"], FormField.Form(
            FormField.Of("summary", "text", required: true),
            FormField.Of("impact", "number", min: 1, max: 5),
            FormField.Of("category", "choice", options: ["hardware", "software"])))
        .Task("fix", "network-support")
        .Milestone()
        .End()
        .Connect("start", "triage")
        .Connect("triage", "value", "resolved")
        .Connect("triage", "fix", "escalate")
        .Chain("fix", "value", "end");

    private static readonly object ValidTriage = new { summary = "Printer jams", impact = 3, category = "hardware" };

    /// <summary>start → assess (score) → route: high when score ≥ 8, medium when score ≥ 5, else low → a milestone per port → end.</summary>
    private static StreamFile Decision() => new StreamFile("eb-decision")
        .Variable("score", "number")
        .Start()
        .Task("assess", form: FormField.Form(FormField.Of("score", "number", required: true)))
        .Step("route", "decision", new JsonObject
        {
            ["conditions"] = new JsonArray(
                new JsonObject { ["port"] = "high", ["expression"] = "vars.score >= 8" },
                new JsonObject { ["port"] = "medium", ["expression"] = "vars.score >= 5" }),
            ["defaultPort"] = "low",
        })
        .Milestone("high-value").Milestone("medium-value").Milestone("low-value")
        .End()
        .Chain("start", "assess", "route")
        .Connect("route", "high-value", "high").Connect("route", "medium-value", "medium").Connect("route", "low-value", "low")
        .Connect("high-value", "end").Connect("medium-value", "end").Connect("low-value", "end");

    /// <summary>start → fork into n branches, each a task <c>task-i</c> → join (mode) → after (milestone) → end.</summary>
    private static StreamFile FanOut(string mode, int branches, int? count = null)
    {
        var ports = Enumerable.Range(1, branches).Select(i => $"b{i}").ToArray();
        var file = new StreamFile($"eb-join-{mode}").Start().Fork("fork", ports);
        for (var i = 1; i <= branches; i++)
            file.Task($"task-{i}");
        file.Join("join", mode, count).Milestone("after").End().Connect("start", "fork");
        for (var i = 1; i <= branches; i++)
            file.Connect("fork", $"task-{i}", $"b{i}").Connect($"task-{i}", "join");
        return file.Chain("join", "after", "end");
    }

    /// <summary>start → wait (timer) → value → end.</summary>
    private static StreamFile TimerStream(string duration) => new StreamFile("eb-timer")
        .Start().Timer("wait", duration).Milestone().End().Chain("start", "wait", "value", "end");

    /// <summary>start → await-ack (event 'ack') → keep (received = the event's payload from outputs) → value → end.</summary>
    private static StreamFile EventStream() => new StreamFile("eb-event")
        .Variable("received", "object")
        .Start().WaitEvent("await-ack", "ack").SetVariables("keep", ("received", "outputs['await-ack'].payload")).Milestone().End()
        .Chain("start", "await-ack", "keep", "value", "end");

    /// <summary>The child: start → answer (a task whose form sets 'answer') → value → end.</summary>
    private static StreamFile Child() => new StreamFile("eb-child")
        .Variable("question", "string").Variable("answer", "string")
        .Start().Task("answer", form: FormField.Form(FormField.Of("answer", "text", required: true))).Milestone().End()
        .Chain("start", "answer", "value", "end");

    /// <summary>The parent: start → call (eb-child, mode) → keep (the child's variables from outputs) → value → end.</summary>
    private static StreamFile Parent(string mode) => new StreamFile($"eb-parent-{mode}")
        .Variable("topic", "string").Variable("fromChild", "string").Variable("childQuestion", "string")
        .Start()
        .Step("call", "call-value-stream", new JsonObject
        {
            ["valueStream"] = "eb-child",
            ["mode"] = mode,
            ["input"] = new JsonArray(new JsonObject { ["variable"] = "question", ["expression"] = "vars.topic" }),
        })
        .SetVariables("keep",
            ("fromChild", "outputs['call'] && outputs['call'].variables ? outputs['call'].variables.answer : 'nothing'"),
            ("childQuestion", "outputs['call'] && outputs['call'].variables ? outputs['call'].variables.question : 'nothing'"))
        .Milestone().End()
        .Chain("start", "call", "keep", "value", "end");

    /// <summary>start → create (problem from title and impact) → find (problem by lookFor) → found-value | missing-value → end.</summary>
    private static StreamFile Records() => new StreamFile("eb-records")
        .Variable("title", "string").Variable("impact", "string").Variable("lookFor", "string")
        .Variable("createdId", "string").Variable("found", "object")
        .Start()
        .Step("create", "create-record", new JsonObject
        {
            ["recordType"] = "problem",
            ["values"] = StreamFile.Pairs("field", ("title", "vars.title"), ("impact", "vars.impact"), ("urgency", "'low'")),
            ["resultVariable"] = "createdId",
        })
        .Step("find", "lookup-record", new JsonObject
        {
            ["recordType"] = "problem",
            ["filters"] = StreamFile.Pairs("field", ("title", "vars.lookFor")),
            ["resultVariable"] = "found",
        })
        .Milestone("found-value").Milestone("missing-value").End()
        .Chain("start", "create", "find")
        .Connect("find", "found-value", "found").Connect("find", "missing-value", "not-found")
        .Connect("found-value", "end").Connect("missing-value", "end");

    /// <summary>start → create (problem) → investigate (update its state) → find (problem by title and state) → found-value | missing-value → end.</summary>
    private static StreamFile CreateUpdateFind() => new StreamFile("eb-update")
        .Variable("title", "string").Variable("createdId", "string").Variable("found", "object")
        .Start()
        .Step("create", "create-record", new JsonObject
        {
            ["recordType"] = "problem",
            ["values"] = StreamFile.Pairs("field", ("title", "vars.title"), ("impact", "'medium'"), ("urgency", "'medium'")),
            ["resultVariable"] = "createdId",
        })
        .Step("investigate", "update-record", new JsonObject
        {
            ["recordType"] = "problem",
            ["record"] = "vars.createdId",
            ["values"] = StreamFile.Pairs("field", ("state", "'under-investigation'")),
        })
        .Step("find", "lookup-record", new JsonObject
        {
            ["recordType"] = "problem",
            ["filters"] = StreamFile.Pairs("field", ("title", "vars.title"), ("state", "'under-investigation'")),
            ["resultVariable"] = "found",
        })
        .Milestone("found-value").Milestone("missing-value").End()
        .Chain("start", "create", "investigate", "find")
        .Connect("find", "found-value", "found").Connect("find", "missing-value", "not-found")
        .Connect("found-value", "end").Connect("missing-value", "end");

    /// <summary>start → update (problem vars.recordId: state under investigation; the retry policy if given) → value → end.</summary>
    internal static StreamFile UpdateOnly(string id = "eb-update-missing", JsonObject? retry = null)
    {
        var update = new JsonObject
        {
            ["recordType"] = "problem",
            ["record"] = "vars.recordId",
            ["values"] = StreamFile.Pairs("field", ("state", "'under-investigation'")),
        };
        if (retry is not null)
            update["retry"] = retry;
        return new StreamFile(id).Variable("recordId", "string").Start().Step("update", "update-record", update).Milestone().End()
            .Chain("start", "update", "value", "end");
    }

    /// <summary>start → run (script) → value → end.</summary>
    private static StreamFile ScriptStream(string script, string id = "eb-script") => new StreamFile(id)
        .Variable("notBefore", "number")
        .Start().Script("run", script).Milestone().End().Chain("start", "run", "value", "end");

    /// <summary>start → fork: a task, and a one-hour timer → join all → value → end.</summary>
    private static StreamFile TaskAndTimer() => new StreamFile("eb-task-and-timer")
        .Start().Fork("fork", "work", "wait").Task("handle").Timer("later", "PT1H").Join("join", "all").Milestone().End()
        .Connect("start", "fork").Connect("fork", "handle", "work").Connect("fork", "later", "wait")
        .Connect("handle", "join").Connect("later", "join").Chain("join", "value", "end");

    /// <summary>Version 1: start → a → value → end; version 2 adds b after a; version 3 has c instead of a.</summary>
    private static StreamFile Versioned(int version)
    {
        var file = new StreamFile("eb-migrate", $"Migration v{version}").Start();
        return version switch
        {
            1 => file.Task("a").Milestone().End().Chain("start", "a", "value", "end"),
            2 => file.Task("a").Task("b").Milestone().End().Chain("start", "a", "b", "value", "end"),
            _ => file.Task("c").Milestone().End().Chain("start", "c", "value", "end"),
        };
    }

    private static string Event(JsonElement line) => line.GetProperty("event").GetString()!;

    private static string? Step(JsonElement line) => line.GetProperty("stepId").GetString();

    private static string? Fault(JsonElement instance) =>
        instance.GetProperty("activeSteps").EnumerateArray().Select(s => s.GetProperty("fault").GetString()).FirstOrDefault(f => f is not null);

    private static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        return problem;
    }

    // ---------------------------------------------------------------- tasks API

    [Fact]
    public async Task A_user_outside_the_tasks_instance_can_neither_see_claim_nor_complete_it()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Desk());
        var instance = IdOf(await api.StartAsync("eb-desk"));
        var task = IdOf(await api.OpenTaskAsync(instance, "triage"));

        await ProblemAsync(await api.ClaimAsync("engineer", task), HttpStatusCode.NotFound);
        await ProblemAsync(await api.TryCompleteAsync("engineer", task, "resolved", ValidTriage), HttpStatusCode.NotFound);

        var still = await api.OpenTaskAsync(instance, "triage");
        Assert.Equal("open", still.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, still.GetProperty("claimedBy").ValueKind);
        Assert.Equal("waiting", await api.StatusAsync(instance));
    }

    [Fact]
    public async Task An_invalid_form_is_a_400_naming_each_failing_field_and_changes_nothing()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Desk());
        var instance = IdOf(await api.StartAsync("eb-desk"));
        var task = IdOf(await api.OpenTaskAsync(instance, "triage"));

        var response = await api.TryCompleteAsync("agent", task, "resolved", new { impact = 0, category = "furniture", colour = "red" });

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors").EnumerateArray()
            .ToDictionary(e => e.GetProperty("path").GetString()!, e => e.GetProperty("message").GetString()!);
        Assert.Equal(["data.category", "data.colour", "data.impact", "data.summary"], errors.Keys.Order().ToArray());
        Assert.Contains("required", errors["data.summary"]);
        Assert.Contains("at least 1", errors["data.impact"]);
        Assert.Contains("'furniture' is not one of hardware, software", errors["data.category"]);
        Assert.Contains("not a field", errors["data.colour"]);

        Assert.Equal("open", (await api.OpenTaskAsync(instance, "triage")).GetProperty("status").GetString());
        Assert.Empty(await api.JournalOfAsync(instance, "step-completed", "triage"));
    }

    [Fact]
    public async Task A_number_above_max_and_an_outcome_the_task_lacks_are_each_a_400()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Desk());
        var instance = IdOf(await api.StartAsync("eb-desk"));
        var task = IdOf(await api.OpenTaskAsync(instance, "triage"));

        var tooBig = await api.TryCompleteAsync("agent", task, "resolved", new { summary = "x", impact = 6 });
        Assert.Equal(["data.impact"], await ErrorPathsAsync(tooBig));

        var unknownOutcome = await api.TryCompleteAsync("agent", task, "shrugged", ValidTriage);
        await ProblemAsync(unknownOutcome, HttpStatusCode.BadRequest);
        Assert.Equal(["outcome"], await ErrorPathsAsync(unknownOutcome));

        var noOutcome = await api.TryCompleteAsync("agent", task, "", ValidTriage);
        Assert.Equal(["outcome"], await ErrorPathsAsync(noOutcome));
        Assert.Equal("open", (await api.OpenTaskAsync(instance, "triage")).GetProperty("status").GetString());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_second_completion_is_a_409_and_the_task_takes_effect_once(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(Desk());
        var instance = IdOf(await api.StartAsync("eb-desk"));
        var task = IdOf(await api.OpenTaskAsync(instance, "triage"));

        // Two at once: exactly one wins.
        var racing = await Task.WhenAll(
            api.TryCompleteAsync("agent", task, "escalate", ValidTriage),
            api.TryCompleteAsync("agent", task, "escalate", ValidTriage));
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], racing.Select(r => r.StatusCode).Order().ToArray());
        // And one after: still a conflict.
        await ProblemAsync(await api.TryCompleteAsync("agent", task, "resolved", ValidTriage), HttpStatusCode.Conflict);

        Assert.Single(await api.JournalOfAsync(instance, "step-completed", "triage"));
        Assert.Single(await api.JournalOfAsync(instance, "task-created", "fix"));
        var fix = Assert.Single(await api.TasksOfAsync(instance), t => t.GetProperty("stepId").GetString() == "fix");
        Assert.Equal(["fix"], ActiveSteps(await api.InstanceAsync(instance)));
        var done = Assert.Single(await api.TasksOfAsync(instance, "done"));
        Assert.Equal("escalate", done.GetProperty("outcome").GetString());
        Assert.Equal("open", fix.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_task_claimed_by_someone_else_cannot_be_claimed_or_completed_by_another_member()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Desk());
        var instance = IdOf(await api.StartAsync("eb-desk"));
        var task = IdOf(await api.OpenTaskAsync(instance, "triage"));

        Assert.Equal(HttpStatusCode.OK, (await api.ClaimAsync("admin", task)).StatusCode);
        var conflict = await ProblemAsync(await api.ClaimAsync("agent", task), HttpStatusCode.Conflict);
        Assert.Contains("admin", conflict.GetProperty("title").GetString());
        await ProblemAsync(await api.TryCompleteAsync("agent", task, "resolved", ValidTriage), HttpStatusCode.Conflict);

        // Claiming one's own claim again changes nothing.
        Assert.Equal(HttpStatusCode.OK, (await api.ClaimAsync("admin", task)).StatusCode);
        Assert.Equal("admin", (await api.OpenTaskAsync(instance, "triage")).GetProperty("claimedBy").GetString());
    }

    [Fact]
    public async Task Two_candidates_claiming_at_once_leaves_the_task_with_exactly_one_of_them()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Desk());
        var instance = IdOf(await api.StartAsync("eb-desk"));
        var task = IdOf(await api.OpenTaskAsync(instance, "triage"));

        var claims = await Task.WhenAll(api.ClaimAsync("agent", task), api.ClaimAsync("admin", task));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.Conflict], claims.Select(c => c.StatusCode).Order().ToArray());
        var winner = claims[0].StatusCode == HttpStatusCode.OK ? "agent" : "admin";
        Assert.Equal(winner, (await api.OpenTaskAsync(instance, "triage")).GetProperty("claimedBy").GetString());
    }

    [Fact]
    public async Task An_admin_may_claim_and_complete_a_task_of_any_group()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Desk());
        var instance = IdOf(await api.StartAsync("eb-desk"));
        var triage = IdOf(await api.OpenTaskAsync(instance, "triage"));

        var claimed = await api.ClaimAsync("admin", triage);
        Assert.Equal(HttpStatusCode.OK, claimed.StatusCode);
        Assert.Equal("admin", (await BodyAsync(claimed)).GetProperty("claimedBy").GetString());
        await api.CompleteAsync("admin", triage, "escalate", ValidTriage);

        // Completing without claiming first is allowed too.
        var after = await api.CompleteAsync("admin", IdOf(await api.OpenTaskAsync(instance, "fix")), "done");

        Assert.Equal("completed", after.GetProperty("status").GetString());
        var done = await api.TasksOfAsync(instance, "done");
        Assert.All(done, t => Assert.Equal("admin", t.GetProperty("completedBy").GetString()));
        Assert.Equal(2, done.Count);
        Assert.Equal("admin", Assert.Single(await api.JournalOfAsync(instance, "step-completed", "triage")).GetProperty("actor").GetString());
    }

    [Fact]
    public async Task The_task_list_shows_each_user_the_tasks_of_their_scope_and_status()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Desk());
        var instance = IdOf(await api.StartAsync("eb-desk"));
        var triage = IdOf(await api.OpenTaskAsync(instance, "triage"));

        async Task<List<string>> Ids(string user, string query)
        {
            var response = await (await api.As(user)).GetAsync($"/api/tasks?{query}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{user} {query}: {(int)response.StatusCode}");
            return (await BodyAsync(response)).EnumerateArray().Select(IdOf).ToList();
        }

        Assert.Equal([triage], await Ids("agent", "scope=group&status=open"));
        Assert.Equal([triage], await Ids("agent", "status=open")); // group is the default scope
        Assert.Empty(await Ids("engineer", "scope=group&status=open"));
        Assert.Empty(await Ids("agent", "scope=mine&status=open"));
        await ProblemAsync(await (await api.As("agent")).GetAsync("/api/tasks?scope=all"), HttpStatusCode.Forbidden);
        await ProblemAsync(await (await api.As("engineer")).GetAsync("/api/tasks?scope=all"), HttpStatusCode.Forbidden);
        Assert.Equal([triage], await Ids("admin", "scope=all&status=open"));

        Assert.Equal(HttpStatusCode.OK, (await api.ClaimAsync("agent", triage)).StatusCode);
        Assert.Equal([triage], await Ids("agent", "scope=mine&status=open"));
        Assert.Empty(await Ids("engineer", "scope=mine&status=open"));

        await api.CompleteAsync("agent", triage, "escalate", ValidTriage);
        var fix = IdOf(await api.OpenTaskAsync(instance, "fix"));

        Assert.Empty(await Ids("agent", "scope=group&status=open"));
        Assert.Equal([triage], await Ids("agent", "scope=group&status=done"));
        Assert.Equal([triage], await Ids("agent", "scope=mine&status=done"));
        Assert.Equal([fix], await Ids("engineer", "scope=group&status=open"));
        Assert.Empty(await Ids("engineer", "scope=group&status=done"));
        Assert.Equal([fix], await Ids("admin", "scope=all&status=open"));
        Assert.Equal([triage], await Ids("admin", "scope=all&status=done"));

        Assert.Equal(HttpStatusCode.BadRequest, (await (await api.As("agent")).GetAsync("/api/tasks?scope=everyone")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await (await api.As("agent")).GetAsync("/api/tasks?status=pending")).StatusCode);
    }

    [Fact]
    public async Task A_listed_task_shows_its_outcomes_expected_first_and_its_form()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Desk());
        var instance = IdOf(await api.StartAsync("eb-desk"));

        var task = Assert.Single((await (await api.As("agent")).GetFromJsonAsync<JsonElement>("/api/tasks?scope=group&status=open")).EnumerateArray());

        Assert.Equal(instance, task.GetProperty("instanceId").GetString());
        Assert.Equal("triage", task.GetProperty("stepId").GetString());
        Assert.Equal("service-desk", task.GetProperty("group").GetString());
        Assert.Equal("Task triage", task.GetProperty("title").GetString());
        Assert.Equal(["resolved", "escalate"], task.GetProperty("outcomes").EnumerateArray().Select(o => o.GetProperty("id").GetString()!).ToArray());
        var form = task.GetProperty("form").EnumerateArray().ToList();
        Assert.Equal(["summary", "impact", "category"], form.Select(f => f.GetProperty("name").GetString()!).ToArray());
        Assert.True(form[0].GetProperty("required").GetBoolean());
        Assert.Equal(["hardware", "software"], form[2].GetProperty("options").EnumerateArray().Select(o => o.GetString()!).ToArray());
    }

    [Fact]
    public async Task Form_data_becomes_instance_variables_and_the_outcome_is_recorded()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Desk());
        var instance = IdOf(await api.StartAsync("eb-desk"));

        var after = await api.CompleteStepAsync(instance, "triage", "resolved", ValidTriage);

        Assert.Equal("completed", after.GetProperty("status").GetString());
        var variables = after.GetProperty("variables");
        Assert.Equal("Printer jams", variables.GetProperty("summary").GetString());
        Assert.Equal(3, variables.GetProperty("impact").GetInt32());
        Assert.Equal("resolved", variables.GetProperty("triage_outcome").GetString());
        var completed = Assert.Single(await api.JournalOfAsync(instance, "step-completed", "triage"));
        Assert.Equal("resolved", completed.GetProperty("outcome").GetString());
        Assert.Equal("agent", completed.GetProperty("actor").GetString());
    }

    // ---------------------------------------------------------------- decisions

    [Theory]
    [InlineData(9, "high")]   // both conditions hold: the first one in order wins
    [InlineData(8, "high")]
    [InlineData(5, "medium")]
    [InlineData(4.5, "low")]  // no condition holds: the default port
    [InlineData(0, "low")]
    public async Task A_decision_takes_the_first_true_condition_in_order_else_its_default_port(double score, string port)
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Decision());
        var instance = IdOf(await api.StartAsync("eb-decision"));

        var after = await api.CompleteStepAsync(instance, "assess", data: new { score });

        Assert.Equal("completed", after.GetProperty("status").GetString());
        Assert.Equal(port, Assert.Single(await api.JournalOfAsync(instance, "step-completed", "route")).GetProperty("outcome").GetString());
        var realised = Assert.Single(await api.JournalOfAsync(instance, "value-realised"));
        Assert.Equal($"{port}-value", Step(realised));
    }

    [Fact]
    public async Task A_decision_can_use_the_input_the_instance_started_with()
    {
        await using var api = await EngineApi.StartAsync();
        var file = new StreamFile("eb-decision-input").Variable("vip", "boolean", false)
            .Start()
            .Step("route", "decision", new JsonObject
            {
                ["conditions"] = new JsonArray(new JsonObject { ["port"] = "vip", ["expression"] = "vars.vip === true" }),
                ["defaultPort"] = "normal",
            })
            .Milestone("vip-value").Milestone("normal-value").End()
            .Connect("start", "route").Connect("route", "vip-value", "vip").Connect("route", "normal-value", "normal")
            .Connect("vip-value", "end").Connect("normal-value", "end");
        await api.PublishAsync(file);

        var vip = await api.StartAsync("eb-decision-input", new { vip = true });
        var normal = await api.StartAsync("eb-decision-input");

        Assert.Equal("vip-value", Step(Assert.Single(await api.JournalOfAsync(IdOf(vip), "value-realised"))));
        Assert.Equal("normal-value", Step(Assert.Single(await api.JournalOfAsync(IdOf(normal), "value-realised"))));
    }

    // ---------------------------------------------------------------- fork and join

    [Fact]
    public async Task A_join_in_all_mode_waits_for_every_branch()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(FanOut("all", 3));
        var instance = IdOf(await api.StartAsync("eb-join-all"));
        Assert.Equal(3, (await api.TasksOfAsync(instance)).Count);

        await api.CompleteStepAsync(instance, "task-2");
        await api.CompleteStepAsync(instance, "task-3");
        Assert.Empty(await api.JournalOfAsync(instance, "step-entered", "after"));
        Assert.Equal("waiting", await api.StatusAsync(instance));

        var after = await api.CompleteStepAsync(instance, "task-1");

        Assert.Equal("completed", after.GetProperty("status").GetString());
        Assert.Single(await api.JournalOfAsync(instance, "step-entered", "after"));
        Assert.Single(await api.JournalOfAsync(instance, "instance-completed"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_join_in_any_mode_goes_on_after_the_first_branch_and_absorbs_the_rest(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(FanOut("any", 2));
        var instance = IdOf(await api.StartAsync("eb-join-any"));

        await api.CompleteStepAsync(instance, "task-2");

        Assert.Single(await api.JournalOfAsync(instance, "step-entered", "after"));
        Assert.Single(await api.JournalOfAsync(instance, "value-realised"));

        var after = await api.CompleteStepAsync(instance, "task-1");

        Assert.Equal("completed", after.GetProperty("status").GetString());
        Assert.Empty(after.GetProperty("activeSteps").EnumerateArray());
        Assert.Single(await api.JournalOfAsync(instance, "step-entered", "after"));
        Assert.Single(await api.JournalOfAsync(instance, "value-realised"));
        Assert.Single(await api.JournalOfAsync(instance, "step-completed", "join"));
        Assert.Single(await api.JournalOfAsync(instance, "instance-completed"));
    }

    [Fact]
    public async Task A_join_in_n_of_m_mode_goes_on_when_n_branches_have_arrived_and_absorbs_the_rest()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(FanOut("n-of-m", 3, count: 2));
        var instance = IdOf(await api.StartAsync("eb-join-n-of-m"));

        await api.CompleteStepAsync(instance, "task-3");
        Assert.Empty(await api.JournalOfAsync(instance, "step-entered", "after"));

        await api.CompleteStepAsync(instance, "task-1");
        Assert.Single(await api.JournalOfAsync(instance, "step-entered", "after"));
        Assert.Equal("waiting", await api.StatusAsync(instance));

        var after = await api.CompleteStepAsync(instance, "task-2");

        Assert.Equal("completed", after.GetProperty("status").GetString());
        Assert.Single(await api.JournalOfAsync(instance, "step-entered", "after"));
        Assert.Single(await api.JournalOfAsync(instance, "instance-completed"));
    }

    // ---------------------------------------------------------------- timers

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_one_second_timer_fires_by_itself_through_the_scheduler(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(TimerStream("PT1S"));
        var started = await api.StartAsync("eb-timer");
        Assert.Equal("waiting", started.GetProperty("status").GetString());
        var waiting = Assert.Single(started.GetProperty("activeSteps").EnumerateArray());
        Assert.Equal("timer", waiting.GetProperty("waitingFor").GetString());

        await api.WaitForStatusAsync(IdOf(started), "completed", TimeSpan.FromSeconds(15));

        var fired = Assert.Single(await api.JournalOfAsync(IdOf(started), "timer-fired", "wait"));
        Assert.Equal("system", fired.GetProperty("actor").GetString());
        Assert.Single(await api.JournalOfAsync(IdOf(started), "instance-completed"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Timers_never_fire_before_they_are_due(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(TimerStream("PT1S"));
        // Started a tenth of a second apart, so their due times fall at different points within a second.
        var instances = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            instances.Add(IdOf(await api.StartAsync("eb-timer")));
            await Task.Delay(100);
        }

        var early = new List<string>();
        foreach (var instance in instances)
        {
            await api.WaitForStatusAsync(instance, "completed", TimeSpan.FromSeconds(15));
            // The journal says when the timer is due; it must not fire before then.
            var scheduled = Assert.Single(await api.JournalOfAsync(instance, "timer-scheduled", "wait"));
            var due = DateTimeOffset.Parse(scheduled.GetProperty("detail").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            var firedAt = Assert.Single(await api.JournalOfAsync(instance, "timer-fired", "wait")).GetProperty("at").GetDateTimeOffset();
            if (firedAt < due)
                early.Add($"due {due:HH:mm:ss.fff}, fired {firedAt:HH:mm:ss.fff} ({(due - firedAt).TotalMilliseconds:0} ms early)");
        }
        Assert.True(early.Count == 0, $"{early.Count} of {instances.Count} timers fired early: {string.Join("; ", early)}");
    }

    [Fact]
    public async Task An_admin_fires_pending_timers_at_once_and_firing_again_changes_nothing()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(TimerStream("PT1H"));
        var instance = IdOf(await api.StartAsync("eb-timer"));

        await ProblemAsync(await api.ControlAsync("agent", instance, "timers/fire"), HttpStatusCode.Forbidden);
        Assert.Equal("waiting", await api.StatusAsync(instance));

        Assert.Equal(1, await api.FireTimersAsync(instance));
        Assert.Equal("completed", await api.StatusAsync(instance));
        var journal = await api.JournalAsync(instance);

        Assert.Equal(0, await api.FireTimersAsync(instance));

        Assert.Equal(journal.Count, (await api.JournalAsync(instance)).Count);
        Assert.Single(await api.JournalOfAsync(instance, "timer-fired"));
        Assert.Single(await api.JournalOfAsync(instance, "instance-completed"));
        await ProblemAsync(await api.ControlAsync("admin", "no-such-instance", "timers/fire"), HttpStatusCode.NotFound);
    }

    // ---------------------------------------------------------------- events

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_event_resumes_only_the_instances_waiting_with_its_correlation_id_and_its_payload_lands_in_outputs(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(EventStream());
        var first = IdOf(await api.StartAsync("eb-event", correlationId: "INC-1"));
        var second = IdOf(await api.StartAsync("eb-event", correlationId: "INC-2"));
        var agent = await api.As("agent");

        async Task<int> Deliver(string name, string correlationId, object? payload = null)
        {
            var response = await agent.PostAsJsonAsync("/api/events", new { name, correlationId, payload });
            var body = await BodyAsync(response);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"event {name}/{correlationId}: {(int)response.StatusCode} {body}");
            return body.GetProperty("resumed").GetInt32();
        }

        Assert.Equal(0, await Deliver("ack", "INC-404"));
        Assert.Equal(0, await Deliver("nack", "INC-1"));
        Assert.Equal("waiting", await api.StatusAsync(first));

        Assert.Equal(1, await Deliver("ack", "INC-1", new { by = "supplier", code = 7 }));

        var resumed = await api.InstanceAsync(first);
        Assert.Equal("completed", resumed.GetProperty("status").GetString());
        var received = resumed.GetProperty("variables").GetProperty("received");
        Assert.Equal("supplier", received.GetProperty("by").GetString());
        Assert.Equal(7, received.GetProperty("code").GetInt32());
        Assert.Equal("waiting", await api.StatusAsync(second));
        Assert.Single(await api.JournalOfAsync(first, "event-received", "await-ack"));

        Assert.Equal(0, await Deliver("ack", "INC-1")); // nobody waits for it any more
        Assert.Equal(1, await Deliver("ack", "INC-2"));
        Assert.Equal("completed", await api.StatusAsync(second));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_same_event_delivered_twice_at_once_resumes_the_instance_once(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(EventStream());
        var instance = IdOf(await api.StartAsync("eb-event", correlationId: "INC-9"));
        var agent = await api.As("agent");
        var admin = await api.As("admin");

        var responses = await Task.WhenAll(
            agent.PostAsJsonAsync("/api/events", new { name = "ack", correlationId = "INC-9", payload = new { from = "agent" } }),
            admin.PostAsJsonAsync("/api/events", new { name = "ack", correlationId = "INC-9", payload = new { from = "admin" } }));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var resumed = new List<int>();
        foreach (var response in responses)
            resumed.Add((await BodyAsync(response)).GetProperty("resumed").GetInt32());
        Assert.Equal([0, 1], resumed.Order().ToArray());
        Assert.Equal("completed", await api.StatusAsync(instance));
        Assert.Single(await api.JournalOfAsync(instance, "event-received"));
        Assert.Single(await api.JournalOfAsync(instance, "instance-completed"));
    }

    [Fact]
    public async Task An_instance_started_without_a_correlation_id_waits_on_its_own_id()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(EventStream());
        var instance = IdOf(await api.StartAsync("eb-event"));

        var response = await (await api.As("agent")).PostAsJsonAsync("/api/events", new { name = "ack", correlationId = instance, payload = "hello" });

        Assert.Equal(1, (await BodyAsync(response)).GetProperty("resumed").GetInt32());
        var after = await api.InstanceAsync(instance);
        Assert.Equal("completed", after.GetProperty("status").GetString());
        Assert.Equal("hello", after.GetProperty("variables").GetProperty("received").GetString());
    }

    [Fact]
    public async Task An_event_without_a_name_or_correlation_id_is_a_400()
    {
        await using var api = await EngineApi.StartAsync();
        var agent = await api.As("agent");

        var response = await agent.PostAsJsonAsync("/api/events", new { payload = new { } });

        await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["correlationId", "name"], (await ErrorPathsAsync(response)).Order().ToArray());
    }

    // ---------------------------------------------------------------- call-value-stream

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_parent_in_wait_mode_waits_for_its_child_and_resumes_with_the_childs_variables(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(Child());
        await api.PublishAsync(Parent("wait"));
        var parent = await api.StartAsync("eb-parent-wait", new { topic = "Why is the VPN slow?" });
        var parentId = IdOf(parent);

        Assert.Equal("waiting", parent.GetProperty("status").GetString());
        var call = Assert.Single(parent.GetProperty("activeSteps").EnumerateArray());
        Assert.Equal("call", call.GetProperty("stepId").GetString());
        Assert.Equal("child", call.GetProperty("waitingFor").GetString());
        var childId = call.GetProperty("waitingId").GetString()!;

        // The child runs on its own, in the background, up to its task.
        var child = await api.WaitForAsync(childId, i => ActiveSteps(i).Contains("answer"), "the child reaching its task");
        Assert.Equal(parentId, child.GetProperty("parentInstanceId").GetString());
        Assert.Equal("Why is the VPN slow?", child.GetProperty("variables").GetProperty("question").GetString());
        Assert.Equal("waiting", await api.StatusAsync(parentId));

        await api.CompleteStepAsync(childId, "answer", data: new { answer = "A saturated uplink" });
        Assert.Equal("completed", await api.StatusAsync(childId));

        var resumed = await api.WaitForStatusAsync(parentId, "completed");
        Assert.Equal("A saturated uplink", resumed.GetProperty("variables").GetProperty("fromChild").GetString());
        Assert.Equal("Why is the VPN slow?", resumed.GetProperty("variables").GetProperty("childQuestion").GetString());
        var callCompleted = Assert.Single(await api.JournalOfAsync(parentId, "step-completed", "call"));
        Assert.Equal(childId, callCompleted.GetProperty("detail").GetString());
        Assert.Single(await api.JournalOfAsync(parentId, "instance-completed"));
    }

    [Fact]
    public async Task A_parent_in_fire_and_forget_mode_goes_on_at_once_while_the_child_runs_on_its_own()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Child());
        await api.PublishAsync(Parent("fire-and-forget"));

        var parent = await api.StartAsync("eb-parent-fire-and-forget", new { topic = "Renew certificates" });

        Assert.Equal("completed", parent.GetProperty("status").GetString());
        Assert.Equal("nothing", parent.GetProperty("variables").GetProperty("fromChild").GetString());
        var started = Assert.Single(await api.JournalOfAsync(IdOf(parent), "child-started", "call"));
        var childId = started.GetProperty("detail").GetString()!.Split(' ')[1];

        var child = await api.WaitForAsync(childId, i => ActiveSteps(i).Contains("answer"), "the child reaching its task");
        Assert.Equal(JsonValueKind.Null, child.GetProperty("parentInstanceId").ValueKind);
        Assert.Equal("Renew certificates", child.GetProperty("variables").GetProperty("question").GetString());

        var finished = await api.CompleteStepAsync(childId, "answer", data: new { answer = "Done" });
        Assert.Equal("completed", finished.GetProperty("status").GetString());
        await Task.Delay(1500); // a (wrong) resume-parent job would have run by now
        Assert.Single(await api.JournalOfAsync(IdOf(parent), "instance-completed"));
        Assert.Single(await api.JournalOfAsync(IdOf(parent), "step-completed", "call"));
    }

    [Fact]
    public async Task Calling_a_value_stream_that_is_not_published_faults_the_step_with_a_clear_message()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Parent("wait"));

        var parent = await api.StartAsync("eb-parent-wait");

        Assert.Equal("faulted", parent.GetProperty("status").GetString());
        Assert.Contains("'eb-child' has no published version", Fault(parent));
    }

    // ---------------------------------------------------------------- records

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_record_created_in_one_step_is_found_by_a_lookup_with_filters_from_variables(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(Records());

        var instance = await api.StartAsync("eb-records", new { title = "Printer on fire", impact = "high", lookFor = "Printer on fire" });

        Assert.Equal("completed", instance.GetProperty("status").GetString());
        Assert.Equal("found", Assert.Single(await api.JournalOfAsync(IdOf(instance), "step-completed", "find")).GetProperty("outcome").GetString());
        var variables = instance.GetProperty("variables");
        var found = variables.GetProperty("found");
        Assert.Equal(variables.GetProperty("createdId").GetString(), found.GetProperty("id").GetString());
        Assert.Equal("Printer on fire", found.GetProperty("title").GetString());
        Assert.Equal("high", found.GetProperty("impact").GetString());
        Assert.Equal("new", found.GetProperty("state").GetString());
        Assert.StartsWith("PRB-", found.GetProperty("number").GetString());
        Assert.Single(await api.JournalOfAsync(IdOf(instance), "record-written", "create"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_lookup_that_matches_nothing_takes_the_not_found_port(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(Records());

        var instance = await api.StartAsync("eb-records", new { title = "Printer on fire", impact = "high", lookFor = "Coffee machine" });

        Assert.Equal("completed", instance.GetProperty("status").GetString());
        Assert.Equal("not-found", Assert.Single(await api.JournalOfAsync(IdOf(instance), "step-completed", "find")).GetProperty("outcome").GetString());
        Assert.Equal("missing-value", Step(Assert.Single(await api.JournalOfAsync(IdOf(instance), "value-realised"))));
        Assert.Equal(JsonValueKind.Null, instance.GetProperty("variables").GetProperty("found").ValueKind);
    }

    /// <summary>A kind, a field of it and a value of the field's type (number, boolean, text), with the kind's required fields.</summary>
    public static TheoryData<StorageProvider, string, string, string> TypedFilters()
    {
        var data = new TheoryData<StorageProvider, string, string, string>();
        foreach (var provider in new[] { StorageProvider.Sqlite, StorageProvider.PostgreSql })
        {
            data.Add(provider, "supplier-contract", "value", "2");
            data.Add(provider, "incident", "majorIncident", "true");
            data.Add(provider, "incident", "category", "'network'");
        }
        return data;
    }

    private static readonly Dictionary<string, (string, string)[]> RequiredValues = new()
    {
        ["supplier-contract"] = [("title", "'Printer support'"), ("supplier", "'Acme'")],
        ["incident"] = [("title", "'Printer on fire'"), ("impact", "'low'"), ("urgency", "'low'")],
    };

    [Theory]
    [MemberData(nameof(TypedFilters))]
    public async Task A_lookup_filter_matches_a_stored_number_boolean_or_text_of_the_same_value(StorageProvider provider, string kind,
        string field, string value)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var file = new StreamFile("eb-typed-lookup")
            .Variable("found", "object").Variable("createdId", "string")
            .Start()
            .Step("create", "create-record", new JsonObject
            {
                ["recordType"] = kind,
                ["values"] = StreamFile.Pairs("field", [.. RequiredValues[kind], (field, value)]),
                ["resultVariable"] = "createdId",
            })
            .Step("find", "lookup-record", new JsonObject
            {
                ["recordType"] = kind,
                ["filters"] = StreamFile.Pairs("field", (field, value)),
                ["resultVariable"] = "found",
            })
            .Milestone("found-value").Milestone("missing-value").End()
            .Chain("start", "create", "find")
            .Connect("find", "found-value", "found").Connect("find", "missing-value", "not-found")
            .Connect("found-value", "end").Connect("missing-value", "end");
        await api.PublishAsync(file);

        var instance = await api.StartAsync("eb-typed-lookup");

        Assert.Equal("completed", instance.GetProperty("status").GetString());
        Assert.Equal("found", Assert.Single(await api.JournalOfAsync(IdOf(instance), "step-completed", "find")).GetProperty("outcome").GetString());
        Assert.Equal(instance.GetProperty("variables").GetProperty("createdId").GetString(),
            instance.GetProperty("variables").GetProperty("found").GetProperty("id").GetString());
    }

    [Fact]
    public async Task An_updated_record_is_found_by_its_new_field_values()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(CreateUpdateFind());

        var instance = await api.StartAsync("eb-update", new { title = "Disk full" });

        Assert.Equal("completed", instance.GetProperty("status").GetString());
        var found = instance.GetProperty("variables").GetProperty("found");
        Assert.Equal("under-investigation", found.GetProperty("state").GetString());
        Assert.Equal("Disk full", found.GetProperty("title").GetString());
        Assert.Equal("updated", Assert.Single(await api.JournalOfAsync(IdOf(instance), "record-written", "investigate")).GetProperty("outcome").GetString());
    }

    [Fact]
    public async Task Updating_a_record_that_does_not_exist_faults_the_step_with_a_clear_message()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(UpdateOnly());

        var instance = await api.StartAsync("eb-update-missing", new { recordId = "no-such-record" });

        Assert.Equal("faulted", instance.GetProperty("status").GetString());
        var faulted = Assert.Single(instance.GetProperty("activeSteps").EnumerateArray());
        Assert.Equal("update", faulted.GetProperty("stepId").GetString());
        Assert.Equal("there is no problem record 'no-such-record' to update", faulted.GetProperty("fault").GetString());
        var journal = Assert.Single(await api.JournalOfAsync(IdOf(instance), "step-faulted", "update"));
        Assert.Contains("no-such-record", journal.GetProperty("detail").GetString());
        Assert.Single(await api.JournalOfAsync(IdOf(instance), "instance-faulted"));
    }

    // ---------------------------------------------------------------- faults

    [Fact]
    public async Task An_endless_script_faults_only_its_own_instance_within_seconds_and_the_service_stays_ready()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(ScriptStream("while (true) {}"));
        await api.PublishAsync(Desk());
        var bystander = IdOf(await api.StartAsync("eb-desk"));

        var clock = Stopwatch.StartNew();
        var starting = api.StartAsync("eb-script");
        var ready = await api.Host.AnonymousClient().GetAsync("/health/ready");
        var looping = await starting;
        clock.Stop();

        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"the endless script took {clock.Elapsed} to fault");
        Assert.Equal("faulted", looping.GetProperty("status").GetString());
        Assert.Matches(@"exceeded 100,000 statements|ran longer than", Fault(looping));
        Assert.Equal(HttpStatusCode.OK, (await api.Host.AnonymousClient().GetAsync("/health/ready")).StatusCode);

        Assert.Equal("waiting", await api.StatusAsync(bystander));
        Assert.Equal("completed", (await api.CompleteStepAsync(bystander, "triage", "resolved", ValidTriage)).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("function f() { return f(); } f();", "recursion deeper than 64 calls")]
    [InlineData("var all = []; while (true) { all.push('x'.repeat(1000000)); }", "memory")]
    [InlineData("var big = new Array(1e9).fill(0);", "memory")]
    [InlineData("System.IO.File.ReadAllText('/etc/passwd');", "System is not defined")]
    [InlineData("var sys = importNamespace('System'); sys.Environment.Exit(1);", "importNamespace is not defined")]
    [InlineData("eval('1 + 1');", "String compilation has been disabled")]
    [InlineData("/(a+)+$/.test('a'.repeat(40) + 'b');", "regular expression ran longer than")]
    [InlineData("vars.big = 'x'.repeat(300 * 1024);", "vars is larger than 256 KB")]
    [InlineData("vars = 5;", "vars must stay an object")]
    [InlineData("throw new Error('the supplier is down');", "Error: the supplier is down")]
    public async Task A_hostile_or_failing_script_faults_its_step_with_a_clear_message(string script, string message)
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(ScriptStream(script));

        var clock = Stopwatch.StartNew();
        var instance = await api.StartAsync("eb-script");

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the script took {clock.Elapsed} to fault");
        Assert.Equal("faulted", instance.GetProperty("status").GetString());
        var fault = Fault(instance);
        Assert.False(string.IsNullOrWhiteSpace(fault));
        Assert.Contains(message, fault);
        Assert.DoesNotContain("Exception", fault); // a message for people, not a .NET type
        Assert.Equal(["run"], ActiveSteps(instance));
        Assert.Equal(HttpStatusCode.OK, (await api.Host.AnonymousClient().GetAsync("/health/ready")).StatusCode);
    }

    [Fact]
    public async Task Retry_re_runs_the_faulted_step_and_the_instance_goes_on_once_the_step_succeeds()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(ScriptStream("if (Date.now() < vars.notBefore) { throw new Error('not yet'); }"));
        var notBefore = DateTimeOffset.UtcNow.AddSeconds(4);
        var instance = IdOf(await api.StartAsync("eb-script", new { notBefore = notBefore.ToUnixTimeMilliseconds() }));
        Assert.Equal("faulted", await api.StatusAsync(instance));
        await ProblemAsync(await api.ControlAsync("agent", instance, "retry"), HttpStatusCode.Forbidden);

        // Too early: the step runs again and faults again.
        var again = await BodyAsync(await api.ControlAsync("admin", instance, "retry"));
        Assert.Equal("faulted", again.GetProperty("status").GetString());
        Assert.Equal(2, (await api.JournalOfAsync(instance, "step-faulted", "run")).Count);
        var retried = Assert.Single(await api.JournalOfAsync(instance, "step-retried", "run"));
        Assert.Equal("admin", retried.GetProperty("actor").GetString());
        Assert.Contains("not yet", retried.GetProperty("detail").GetString());

        var wait = notBefore - DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(300);
        if (wait > TimeSpan.Zero)
            await Task.Delay(wait);
        var response = await api.ControlAsync("admin", instance, "retry");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("completed", (await BodyAsync(response)).GetProperty("status").GetString());
        Assert.Equal(2, (await api.JournalOfAsync(instance, "step-retried", "run")).Count);
        Assert.Single(await api.JournalOfAsync(instance, "step-completed", "run"));
        await ProblemAsync(await api.ControlAsync("admin", instance, "retry"), HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Retrying_a_step_whose_cause_remains_faults_it_again_and_journals_both_attempts()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(UpdateOnly());
        var instance = IdOf(await api.StartAsync("eb-update-missing", new { recordId = "no-such-record" }));

        var response = await api.ControlAsync("admin", instance, "retry");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var after = await BodyAsync(response);
        Assert.Equal("faulted", after.GetProperty("status").GetString());
        Assert.Contains("no-such-record", Fault(after));
        var journal = await api.JournalAsync(instance);
        var events = journal.Where(l => Step(l) == "update").Select(Event).ToList();
        Assert.Equal(["step-entered", "step-faulted", "step-retried", "step-entered", "step-faulted"], events);
    }

    // ---------------------------------------------------------------- control

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Cancelling_cancels_open_tasks_and_pending_timers_and_a_second_cancel_is_a_409(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(TaskAndTimer());
        var instance = IdOf(await api.StartAsync("eb-task-and-timer"));
        var task = IdOf(await api.OpenTaskAsync(instance, "handle"));
        await ProblemAsync(await api.ControlAsync("agent", instance, "cancel"), HttpStatusCode.Forbidden);
        Assert.Equal("waiting", await api.StatusAsync(instance));

        var response = await api.ControlAsync("admin", instance, "cancel");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var cancelled = await BodyAsync(response);
        Assert.Equal("cancelled", cancelled.GetProperty("status").GetString());
        Assert.Empty(cancelled.GetProperty("activeSteps").EnumerateArray());
        Assert.Empty(await api.TasksOfAsync(instance));
        var taskAfter = await (await api.As("admin")).GetFromJsonAsync<JsonElement>($"/api/tasks/{task}");
        Assert.Equal("cancelled", taskAfter.GetProperty("status").GetString());
        Assert.Equal(0, await api.FireTimersAsync(instance));
        Assert.Single(await api.JournalOfAsync(instance, "instance-cancelled"));

        await ProblemAsync(await api.ControlAsync("admin", instance, "cancel"), HttpStatusCode.Conflict);
        await ProblemAsync(await api.TryCompleteAsync("agent", task, "done"), HttpStatusCode.Conflict);
        Assert.Equal("cancelled", await api.StatusAsync(instance));
        Assert.Empty(await api.JournalOfAsync(instance, "timer-fired"));
    }

    [Fact]
    public async Task A_suspended_instance_refuses_task_completion_until_it_is_resumed()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Desk());
        var instance = IdOf(await api.StartAsync("eb-desk"));
        var task = IdOf(await api.OpenTaskAsync(instance, "triage"));
        await ProblemAsync(await api.ControlAsync("agent", instance, "suspend"), HttpStatusCode.Forbidden);

        var suspended = await api.ControlAsync("admin", instance, "suspend");
        Assert.Equal("suspended", (await BodyAsync(suspended)).GetProperty("status").GetString());

        await ProblemAsync(await api.TryCompleteAsync("agent", task, "resolved", ValidTriage), HttpStatusCode.Conflict);
        Assert.Equal("open", (await api.OpenTaskAsync(instance, "triage")).GetProperty("status").GetString());
        await ProblemAsync(await api.ControlAsync("admin", instance, "suspend"), HttpStatusCode.Conflict);
        await ProblemAsync(await api.ControlAsync("agent", instance, "resume"), HttpStatusCode.Forbidden);

        var resumed = await api.ControlAsync("admin", instance, "resume");
        Assert.Equal("waiting", (await BodyAsync(resumed)).GetProperty("status").GetString());
        await ProblemAsync(await api.ControlAsync("admin", instance, "resume"), HttpStatusCode.Conflict);

        var after = await api.CompleteAsync("agent", task, "resolved", ValidTriage);
        Assert.Equal("completed", after.GetProperty("status").GetString());
        Assert.Equal(["instance-suspended", "instance-resumed"],
            (await api.JournalAsync(instance)).Select(Event).Where(e => e is "instance-suspended" or "instance-resumed").ToArray());
    }

    [Fact]
    public async Task A_suspended_instance_does_not_fire_its_timers_and_resuming_does_not_fire_one_that_is_not_due()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(TimerStream("PT1H"));
        var instance = IdOf(await api.StartAsync("eb-timer"));

        await api.ControlAsync("admin", instance, "suspend");
        Assert.Equal(0, await api.FireTimersAsync(instance));
        Assert.Equal("suspended", await api.StatusAsync(instance));
        Assert.Equal(HttpStatusCode.OK, (await api.ControlAsync("admin", instance, "resume")).StatusCode);

        // The scheduler polls its queue every second; give any job it was handed time to run.
        await Task.Delay(TimeSpan.FromSeconds(4));

        Assert.Empty(await api.JournalOfAsync(instance, "timer-fired"));
        Assert.Equal("waiting", await api.StatusAsync(instance));
        Assert.Equal(["wait"], ActiveSteps(await api.InstanceAsync(instance)));
    }

    [Fact]
    public async Task Control_actions_on_an_unknown_instance_are_404()
    {
        await using var api = await EngineApi.StartAsync();

        foreach (var action in new[] { "cancel", "suspend", "resume", "retry" })
            await ProblemAsync(await api.ControlAsync("admin", "no-such-instance", action), HttpStatusCode.NotFound);
    }

    // ---------------------------------------------------------------- migration

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Migrating_a_waiting_instance_to_a_version_with_its_step_moves_it_and_it_goes_on_by_the_new_graph(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        Assert.Equal(1, await api.PublishAsync(Versioned(1)));
        var instance = IdOf(await api.StartAsync("eb-migrate"));
        Assert.Equal(2, await api.PublishAsync(Versioned(2)));
        var admin = await api.As("admin");

        await ProblemAsync(await (await api.As("agent")).PostAsJsonAsync($"/api/instances/{instance}/migrate", new { version = 2 }), HttpStatusCode.Forbidden);
        var response = await admin.PostAsJsonAsync($"/api/instances/{instance}/migrate", new { version = 2 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, (await BodyAsync(response)).GetProperty("version").GetInt32());
        Assert.Equal(2, (await api.InstanceAsync(instance)).GetProperty("version").GetInt32());
        Assert.Contains("version 1 -> 2", Assert.Single(await api.JournalOfAsync(instance, "instance-migrated")).GetProperty("detail").GetString());

        var afterA = await api.CompleteStepAsync(instance, "a");
        Assert.Equal(["b"], ActiveSteps(afterA));
        Assert.Single(await api.TasksOfAsync(instance), t => t.GetProperty("stepId").GetString() == "b");
        Assert.Equal("completed", (await api.CompleteStepAsync(instance, "b")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Migrating_to_a_version_that_lacks_the_waiting_step_is_a_409_naming_it_and_changes_nothing()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Versioned(1));
        var instance = IdOf(await api.StartAsync("eb-migrate"));
        await api.PublishAsync(Versioned(2));
        Assert.Equal(3, await api.PublishAsync(Versioned(3)));
        var admin = await api.As("admin");

        var problem = await ProblemAsync(await admin.PostAsJsonAsync($"/api/instances/{instance}/migrate", new { version = 3 }), HttpStatusCode.Conflict);

        Assert.Contains("'a'", problem.GetProperty("title").GetString());
        Assert.Equal(1, (await api.InstanceAsync(instance)).GetProperty("version").GetInt32());
        Assert.Empty(await api.JournalOfAsync(instance, "instance-migrated"));
        await ProblemAsync(await admin.PostAsJsonAsync($"/api/instances/{instance}/migrate", new { version = 9 }), HttpStatusCode.NotFound);
        Assert.Equal("completed", (await api.CompleteStepAsync(instance, "a")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Publishing_a_new_version_leaves_running_instances_on_theirs_and_new_ones_start_on_it()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Versioned(1));
        var old = IdOf(await api.StartAsync("eb-migrate"));
        await api.PublishAsync(Versioned(2));
        var fresh = await api.StartAsync("eb-migrate");

        Assert.Equal(1, (await api.InstanceAsync(old)).GetProperty("version").GetInt32());
        Assert.Equal(2, fresh.GetProperty("version").GetInt32());

        var oldAfterA = await api.CompleteStepAsync(old, "a");
        Assert.Equal("completed", oldAfterA.GetProperty("status").GetString());
        Assert.Empty(await api.JournalOfAsync(old, "task-created", "b"));

        var freshAfterA = await api.CompleteStepAsync(IdOf(fresh), "a");
        Assert.Equal(["b"], ActiveSteps(freshAfterA));
    }

    // ---------------------------------------------------------------- bad input

    [Theory]
    [InlineData("{\"input\": [1, 2]}")]
    [InlineData("{\"input\": \"text\"}")]
    [InlineData("{\"input\": 42}")]
    [InlineData("{\"input\": {\"a\": 1}")]
    [InlineData("not json at all")]
    public async Task Starting_with_an_input_that_is_not_an_object_or_with_malformed_json_is_a_400_and_starts_nothing(string body)
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Desk());
        var agent = await api.As("agent");

        var response = await agent.PostAsync("/api/value-streams/eb-desk/instances", new StringContent(body, Encoding.UTF8, "application/json"));

        await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Empty((await (await api.As("admin")).GetFromJsonAsync<JsonElement>("/api/instances?valueStream=eb-desk")).EnumerateArray());
    }

    [Fact]
    public async Task Malformed_json_when_completing_a_task_is_a_400_and_the_task_stays_open()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Desk());
        var instance = IdOf(await api.StartAsync("eb-desk"));
        var task = IdOf(await api.OpenTaskAsync(instance, "triage"));
        var agent = await api.As("agent");

        var response = await agent.PostAsync($"/api/tasks/{task}/complete", new StringContent("{\"outcome\": \"resolved\", \"data\": {", Encoding.UTF8, "application/json"));
        var wrongType = await agent.PostAsync($"/api/tasks/{task}/complete", new StringContent("{\"outcome\": \"resolved\", \"data\": [1]}", Encoding.UTF8, "application/json"));

        await ProblemAsync(response, HttpStatusCode.BadRequest);
        await ProblemAsync(wrongType, HttpStatusCode.BadRequest);
        Assert.Equal("open", (await api.OpenTaskAsync(instance, "triage")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Starting_a_value_stream_that_does_not_exist_is_a_404()
    {
        await using var api = await EngineApi.StartAsync();

        var problem = await ProblemAsync(await api.TryStartAsync("no-such-stream"), HttpStatusCode.NotFound);

        Assert.Contains("no-such-stream", problem.GetProperty("title").GetString());
    }

    [Fact]
    public async Task An_unknown_instance_or_task_is_a_404_problem()
    {
        await using var api = await EngineApi.StartAsync();
        var admin = await api.As("admin");

        var instance = await ProblemAsync(await admin.GetAsync("/api/instances/no-such-instance"), HttpStatusCode.NotFound);
        Assert.Contains("no-such-instance", instance.GetProperty("title").GetString());
        Assert.Equal(404, instance.GetProperty("status").GetInt32());
        await ProblemAsync(await admin.GetAsync("/api/instances/no-such-instance/journal"), HttpStatusCode.NotFound);
        await ProblemAsync(await admin.GetAsync("/api/tasks/no-such-task"), HttpStatusCode.NotFound);
        await ProblemAsync(await api.ClaimAsync("agent", "no-such-task"), HttpStatusCode.NotFound);
        await ProblemAsync(await api.TryCompleteAsync("agent", "no-such-task", "done"), HttpStatusCode.NotFound);
        await ProblemAsync(await admin.PostAsJsonAsync("/api/instances/no-such-instance/migrate", new { version = 1 }), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task The_engine_endpoints_need_a_signed_in_user()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Desk());
        var anonymous = api.Host.AnonymousClient();

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/value-streams/eb-desk/instances", new { input = new { } })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/tasks")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsJsonAsync("/api/events", new { name = "ack", correlationId = "x" })).StatusCode);
    }
}
