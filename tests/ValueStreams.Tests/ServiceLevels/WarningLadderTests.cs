using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ValueStreams.Core.Records;
using ValueStreams.Core.ServiceLevels;
using ValueStreams.Data.Notifications;
using ValueStreams.Data.Runtime;
using ValueStreams.Data.ServiceLevels;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Expressions;
using ValueStreams.Engine.Runtime;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.ServiceLevels;

/// <summary>
/// Warning ladders on both stores: the thresholds of an incident's clock are planned when it is logged, planned again
/// when it pauses, resumes and changes priority (no paused time lost), never fire before their moment by the engine's
/// clock, fire once each, and carry out their actions in the firing's transaction; a notification that waits for working
/// time is held until the calendar's next working moment.
/// </summary>
public sealed class WarningLadderTests
{
    private static JsonObject FastPolicy() => new()
    {
        ["id"] = "fast-incidents", ["name"] = "Fast incidents", ["recordKind"] = "incident", ["calendar"] = "24x7",
        ["clocks"] = new JsonArray(new JsonObject
        {
            ["name"] = "resolution", ["pauseIn"] = new JsonArray("on-hold"), ["stopIn"] = new JsonArray("closed"),
            ["targets"] = new JsonObject { ["P4"] = new JsonObject { ["within"] = "4 hours" }, ["*"] = new JsonObject { ["within"] = "2 hours" } },
            ["thresholds"] = new JsonArray(
                new JsonObject { ["percent"] = 50, ["actions"] = new JsonArray(new JsonObject { ["do"] = "notify", ["who"] = "assignee" }) },
                new JsonObject
                {
                    ["percent"] = 75, ["actions"] = new JsonArray(new JsonObject { ["do"] = "notify", ["who"] = "group" },
                        new JsonObject { ["do"] = "notify", ["who"] = "group-manager" }, new JsonObject { ["do"] = "notify", ["who"] = "service-owner" }),
                },
                new JsonObject
                {
                    ["percent"] = 100, ["actions"] = new JsonArray(new JsonObject { ["do"] = "notify", ["who"] = "group-manager" },
                        new JsonObject { ["do"] = "raise-priority" }, new JsonObject { ["do"] = "reassign", ["group"] = "network" },
                        new JsonObject { ["do"] = "webhook", ["url"] = "https://hooks.example.com/sla" },
                        new JsonObject { ["do"] = "start-stream", ["stream"] = "major-incident-review" }),
                }),
        }),
    };

    /// <summary>Incidents of the after-hours category: office hours, and the 50 % warning waits for working time.</summary>
    private static JsonObject OfficeHoursPolicy() => new()
    {
        ["id"] = "after-hours", ["name"] = "After hours", ["recordKind"] = "incident", ["calendar"] = "office-hours",
        ["conditions"] = new JsonObject { ["category"] = new JsonArray("after-hours") },
        ["clocks"] = new JsonArray(new JsonObject
        {
            ["name"] = "resolution", ["stopIn"] = new JsonArray("closed"), ["targets"] = new JsonObject { ["*"] = new JsonObject { ["within"] = "2 hours" } },
            ["thresholds"] = new JsonArray(new JsonObject
            {
                ["percent"] = 50, ["actions"] = new JsonArray(new JsonObject { ["do"] = "notify", ["who"] = "assignee", ["onlyInWorkingTime"] = true }),
            }),
        }),
    };

    private sealed class Jobs : IJobDispatcher
    {
        public List<OutboxJob> Dispatched { get; } = [];
        public void Dispatch(IReadOnlyList<OutboxJob> jobs) { lock (Dispatched) Dispatched.AddRange(jobs); }
    }

    private sealed record Setup(TestStore Store, FakeTimeProvider Clock, WorkflowEngine Engine, RunSessionFactory Sessions, Jobs Jobs) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => Store.DisposeAsync();

        public Task UpdateAsync(string id, JsonObject fields) => Sessions.RunAsync(s => s.UpdateRecordAsync("incident", id, fields, "ann", null));

        public async Task<Dictionary<int, StoredThreshold>> ThresholdsAsync(string id) =>
            (await ThresholdPlans.OfAsync(Store.Connections, "incident", id)).ToDictionary(t => t.Percent);

        public async Task<List<string>> NoticesAsync(string user) =>
            (await new NotificationRepository(Store.Connections, Clock).ForUserAsync(user, 50, default)).Select(n => n.Text).ToList();

        public async Task<List<DateTimeOffset>> ChangesAsync(string id) =>
            (await (await Store.Connections.OpenAsync()).QueryAsync<DateTimeOffset>(
                "SELECT DISTINCT at FROM record_history WHERE record_id = @id ORDER BY at", new { id })).ToList();
    }

    private static async Task<Setup> StartAsync(StorageProvider provider)
    {
        var store = await TestStore.CreateAsync(provider);
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var jobs = new Jobs();
        var sessions = new RunSessionFactory(store.Connections, jobs, new RecordSettings(), NullLogger<RunSessionFactory>.Instance);
        var engine = new WorkflowEngine(sessions, new Interpreter(new JintExpressionEvaluator(), clock), clock);
        await using (var connection = await store.Connections.OpenAsync())
        {
            foreach (var user in new[] { "ann", "bob", "meg", "olga" })
                await connection.ExecuteAsync(
                    "INSERT INTO users (id, username, normalized_username, display_name, password_hash, created_at) VALUES (@user, @user, @user, @user, 'x', @now)",
                    new { user, now = DateTimeOffset.UtcNow });
            await connection.ExecuteAsync("INSERT INTO user_groups (id, name, manager_id) VALUES ('desk', 'Desk', 'meg'), ('network', 'Network', NULL)");
            await connection.ExecuteAsync("INSERT INTO group_members (group_id, user_id) VALUES ('desk', 'ann'), ('desk', 'bob')");
        }
        var levels = new ServiceLevelRepository(store.Connections, clock);
        await levels.SeedIfEmptyAsync();
        foreach (var policy in new[] { FastPolicy(), OfficeHoursPolicy() })
            Assert.IsType<ServiceLevelWrite.Saved>(await levels.CreateAsync(ServiceLevelDocument.Policy, policy, "admin"));
        return new Setup(store, clock, engine, sessions, jobs);
    }

    [Fact]
    public void A_ladder_written_wrongly_is_refused_with_each_problem_at_its_path_and_one_left_out_is_the_default()
    {
        var policy = FastPolicy();
        var clock = (JsonObject)policy["clocks"]![0]!;
        clock["thresholds"] = new JsonArray(
            new JsonObject { ["percent"] = 0, ["actions"] = new JsonArray() },
            new JsonObject
            {
                ["percent"] = 80, ["actions"] = new JsonArray(new JsonObject { ["do"] = "notify", ["who"] = "everyone" }, new JsonObject { ["do"] = "reassign" },
                    new JsonObject { ["do"] = "webhook", ["url"] = "ftp://hooks.example.com" }, new JsonObject { ["do"] = "phone" },
                    new JsonObject { ["do"] = "notify", ["who"] = "group", ["onlyInWorkingTime"] = "yes" }),
            },
            new JsonObject { ["percent"] = 80, ["actions"] = new JsonArray() });
        var (read, errors) = ServiceLevelPolicy.Read(policy, ["24x7", "office-hours"]);
        Assert.Null(read);
        Assert.Equal(
            ["clocks[0].thresholds[0].percent", "clocks[0].thresholds[1].actions[0].who", "clocks[0].thresholds[1].actions[1].group",
             "clocks[0].thresholds[1].actions[2].url", "clocks[0].thresholds[1].actions[3].do", "clocks[0].thresholds[1].actions[4].onlyInWorkingTime",
             "clocks[0].thresholds[2].percent"],
            errors.Select(e => e.Path));

        clock.Remove("thresholds");
        var (plain, none) = ServiceLevelPolicy.Read(policy, ["24x7"]);
        Assert.Empty(none);
        Assert.Equal([50, 75, 100], plain!.Clocks[0].Thresholds.Select(t => t.Percent));
        Assert.Equal([ThresholdAudience.Group, ThresholdAudience.GroupManager], plain.Clocks[0].Thresholds[1].Actions.Select(a => a.Who));
        // Written and read back, a ladder keeps every action.
        var (again, _) = ServiceLevelPolicy.Read(ServiceLevelPolicy.Write(ServiceLevelPolicy.Read(FastPolicy(), ["24x7"]).Policy!), ["24x7"]);
        Assert.Equal(5, again!.Clocks[0].Thresholds[2].Actions.Count);
        Assert.Equal("https://hooks.example.com/sla", again.Clocks[0].Thresholds[2].Actions[3].Url);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_ladder_moves_with_pauses_and_priority_fires_once_at_its_moment_and_carries_out_each_action(StorageProvider provider)
    {
        await using var setup = await StartAsync(provider);
        var (service, _) = await setup.Engine.CreateRecordAsync("service", new JsonObject { ["title"] = "Payroll", ["owner"] = "olga" }, "admin");
        var (incident, _) = await setup.Engine.CreateRecordAsync("incident", new JsonObject
        {
            ["title"] = "Payroll run stuck", ["impact"] = "low", ["urgency"] = "low", ["assignmentGroup"] = "desk", ["assignee"] = "ann",
            ["service"] = service.Number,
        }, "ann");

        // Logged as P4 on the fast policy: 4 hours around the clock; 50, 75 and 100 % fall at 2, 3 and 4 hours.
        var logged = (await setup.ChangesAsync(incident.Id))[0];
        var ladder = await setup.ThresholdsAsync(incident.Id);
        Assert.Equal([50, 75, 100], ladder.Keys.Order());
        Assert.Equal(logged.AddHours(2), ladder[50].DueAt);
        Assert.Equal(logged.AddHours(4), ladder[100].DueAt);
        Assert.All(ladder.Values, t => Assert.Null(t.FiredAt));

        // On hold: the thresholds wait with no moment. Resumed: they move on by the paused time, to the tick.
        await setup.UpdateAsync(incident.Id, new JsonObject { ["state"] = "on-hold", ["onHoldReason"] = "Waiting for the bank" });
        Assert.All((await setup.ThresholdsAsync(incident.Id)).Values, t => Assert.Null(t.DueAt));
        await Task.Delay(50);
        await setup.UpdateAsync(incident.Id, new JsonObject { ["state"] = "in-progress" });
        var changes = await setup.ChangesAsync(incident.Id);
        var paused = changes[2] - changes[1];
        Assert.True(paused > TimeSpan.Zero);
        ladder = await setup.ThresholdsAsync(incident.Id);
        Assert.Equal(logged.AddHours(3) + paused, ladder[75].DueAt);
        Assert.Equal("on-hold → in-progress", ladder[75].Cause);

        // Paused again, then the priority goes up mid-pause (P4 → P3: 2 hours): planned on the new target, both pauses kept.
        await setup.UpdateAsync(incident.Id, new JsonObject { ["state"] = "on-hold", ["onHoldReason"] = "Waiting again" });
        await Task.Delay(50);
        await setup.UpdateAsync(incident.Id, new JsonObject { ["urgency"] = "high" });
        Assert.All((await setup.ThresholdsAsync(incident.Id)).Values, t => Assert.Null(t.DueAt));
        await setup.UpdateAsync(incident.Id, new JsonObject { ["state"] = "in-progress" });
        changes = await setup.ChangesAsync(incident.Id);
        paused += changes[5] - changes[3];
        ladder = await setup.ThresholdsAsync(incident.Id);
        Assert.Equal(logged.AddHours(1) + paused, ladder[50].DueAt);
        Assert.Equal(logged.AddHours(2) + paused, ladder[100].DueAt);

        // Never early by the engine's clock; at its moment it fires once, however often it is asked.
        setup.Clock.SetUtcNow(ladder[50].DueAt!.Value - TimeSpan.FromMilliseconds(1));
        Assert.False(await setup.Engine.FireThresholdAsync(ladder[50].Id));
        setup.Clock.SetUtcNow(ladder[50].DueAt!.Value);
        var attempts = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => setup.Engine.FireThresholdAsync(ladder[50].Id)));
        Assert.Single(attempts, fired => fired);
        Assert.Equal(["INC-000001 Payroll run stuck: resolution clock at 50 % of its target"], await setup.NoticesAsync("ann"));
        Assert.Empty(await setup.NoticesAsync("bob"));

        // 75 %: the group, its manager and the service's owner.
        setup.Clock.SetUtcNow(ladder[100].DueAt!.Value + TimeSpan.FromSeconds(1));
        Assert.True(await setup.Engine.FireThresholdAsync(ladder[75].Id));
        Assert.Contains("INC-000001 Payroll run stuck: resolution clock at 75 % of its target", await setup.NoticesAsync("bob"));
        Assert.Equal(2, (await setup.NoticesAsync("ann")).Count);
        Assert.Single(await setup.NoticesAsync("olga"));

        // The breach: the manager is told, the priority is raised, the incident goes to the network group, the webhook is
        // queued for after commit, and a stream that is not published is written down as not started.
        Assert.True(await setup.Engine.FireThresholdAsync(ladder[100].Id));
        Assert.False(await setup.Engine.FireThresholdAsync(ladder[100].Id));
        Assert.Equal(2, (await setup.NoticesAsync("meg")).Count);
        Assert.Contains("INC-000001 Payroll run stuck: breached its resolution target", await setup.NoticesAsync("meg"));
        var record = (await setup.Sessions.RunAsync(s => s.LookupRecordAsync("incident", new JsonObject { ["id"] = incident.Id }, null)))!;
        Assert.Equal(("medium", "network", null, "P2"), ((string?)record["impact"], (string?)record["assignmentGroup"], (string?)record["assignee"], (string?)record["priority"]));
        var breach = (await setup.ThresholdsAsync(incident.Id))[100];
        Assert.Equal(setup.Clock.GetUtcNow(), breach.FiredAt);
        Assert.Contains("priority raised (impact medium)", breach.Outcome);
        Assert.Contains("reassigned to network", breach.Outcome);
        Assert.Contains("value stream major-incident-review not started: it has no published version", breach.Outcome);
        await using (var connection = await setup.Store.Connections.OpenAsync())
        {
            var message = await connection.QuerySingleAsync<(string Url, string Body)>("SELECT url, body FROM messages WHERE channel = 'webhook'");
            Assert.Equal("https://hooks.example.com/sla", message.Url);
            Assert.Equal("sla-breached", JsonNode.Parse(message.Body)!["event"]!.GetValue<string>());
            Assert.Equal(3, await connection.ExecuteScalarAsync<int>("SELECT COUNT(*) FROM sla_thresholds WHERE fired_at IS NOT NULL"));
        }
        Assert.Contains(setup.Jobs.Dispatched, j => j.Kind == OutboxJob.DeliverMessage);

        // Every threshold fired: none is due any more, and the fired ones stay as the clock's history after it stops.
        Assert.DoesNotContain(await new DueItemQueries(setup.Store.Connections).DueBeforeAsync(DateTimeOffset.MaxValue, 100, default),
            d => d.Kind == OutboxJob.FireThreshold);
        await setup.UpdateAsync(incident.Id, new JsonObject { ["state"] = "resolved", ["resolutionCode"] = "fixed", ["resolutionNotes"] = "Restarted" });
        await setup.UpdateAsync(incident.Id, new JsonObject { ["state"] = "closed" });
        Assert.Equal(3, (await setup.ThresholdsAsync(incident.Id)).Values.Count(t => t.FiredAt is not null));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_warning_that_waits_for_working_time_is_held_until_the_calendar_opens_and_a_stopped_clock_leaves_nothing_due(StorageProvider provider)
    {
        await using var setup = await StartAsync(provider);
        var (incident, _) = await setup.Engine.CreateRecordAsync("incident", new JsonObject
        {
            ["title"] = "Night batch failed", ["impact"] = "low", ["urgency"] = "low", ["assignee"] = "ann", ["category"] = "after-hours",
        }, "ann");
        var warning = Assert.Single((await setup.ThresholdsAsync(incident.Id)).Values);
        Assert.Equal(50, warning.Percent);
        Assert.Equal("office-hours", warning.Calendar);
        Assert.Contains(await new DueItemQueries(setup.Store.Connections).DueBeforeAsync(warning.DueAt!.Value, 100, default),
            d => d.Kind == OutboxJob.FireThreshold && d.Target == OutboxJob.Target(incident.Id, warning.Id));

        // It falls due; the engine fires it on a Saturday: the assignee is told on Monday at 08:00, when the office opens.
        var saturday = warning.DueAt!.Value.UtcDateTime.Date.AddDays(7);
        while (saturday.DayOfWeek != DayOfWeek.Saturday)
            saturday = saturday.AddDays(1);
        setup.Clock.SetUtcNow(new DateTimeOffset(saturday.AddHours(10), TimeSpan.Zero));
        Assert.True(await setup.Engine.FireThresholdAsync(warning.Id));
        Assert.Empty(await setup.NoticesAsync("ann"));
        Assert.Contains("held until", (await setup.ThresholdsAsync(incident.Id)).Values.Single().Outcome);
        setup.Clock.SetUtcNow(new DateTimeOffset(saturday.AddDays(2).AddHours(8), TimeSpan.Zero).AddTicks(-1));
        Assert.Empty(await setup.NoticesAsync("ann"));
        setup.Clock.SetUtcNow(new DateTimeOffset(saturday.AddDays(2).AddHours(8), TimeSpan.Zero));
        Assert.Equal(["INC-000001 Night batch failed: resolution clock at 50 % of its target"], await setup.NoticesAsync("ann"));

        // A second incident closed before its warning: its unfired threshold is gone, nothing of it is due.
        var (closing, _) = await setup.Engine.CreateRecordAsync("incident", new JsonObject
        {
            ["title"] = "Printer jam", ["impact"] = "low", ["urgency"] = "low", ["category"] = "after-hours",
        }, "ann");
        Assert.Single((await setup.ThresholdsAsync(closing.Id)).Values);
        await setup.UpdateAsync(closing.Id, new JsonObject { ["state"] = "resolved", ["resolutionCode"] = "fixed", ["resolutionNotes"] = "Cleared" });
        await setup.UpdateAsync(closing.Id, new JsonObject { ["state"] = "closed" });
        Assert.Empty(await setup.ThresholdsAsync(closing.Id));
    }
}
