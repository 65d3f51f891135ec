using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using ValueStreams.Engine.Runtime;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Engine;

/// <summary>
/// A step with a retry policy that fails waits on a durable timer and runs again, until it succeeds or its attempts
/// are spent: then the instance faults (an HTTP request leaves by failed). Timers are fired through the API.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed partial class StepRetryTests
{
    private const string Missing = "there is no problem record '{0}' to update";

    private static JsonObject Policy(int attempts, string delay, double? backoff = null, string? maxDelay = null)
    {
        var retry = new JsonObject { ["attempts"] = attempts, ["delay"] = delay };
        if (backoff is { } factor)
            retry["backoff"] = factor;
        if (maxDelay is not null)
            retry["maxDelay"] = maxDelay;
        return retry;
    }

    private static StreamFile UpdateWithRetry(JsonObject retry) => EngineBehaviourTests.UpdateOnly("rt-update", retry);

    /// <summary>start → call (GET url into 'reply', with the policy) → done: answered → end; failed: unanswered → end.</summary>
    private static StreamFile CallWithRetry(string url, JsonObject retry) => new StreamFile("rt-http")
        .Variable("reply", "object")
        .Start()
        .Step("call", "http-request", new JsonObject { ["method"] = "GET", ["url"] = url, ["resultVariable"] = "reply", ["retry"] = retry })
        .Milestone("answered").Milestone("unanswered").End()
        .Connect("start", "call").Connect("call", "answered").Connect("call", "unanswered", "failed")
        .Connect("answered", "end").Connect("unanswered", "end");

    [GeneratedRegex(@"^attempt (\d+) of (\d+) at (\S+Z): (.+)$")]
    private static partial Regex ScheduledDetail();

    /// <summary>The retry-scheduled lines of a step: attempt number, due time, the error, and when the line was written.</summary>
    private static async Task<List<(int Attempt, int Of, DateTimeOffset Due, string Error, DateTimeOffset At)>> ScheduledAsync(EngineApi api, string instance, string stepId) =>
        (await api.JournalOfAsync(instance, "retry-scheduled", stepId)).Select(line =>
        {
            var detail = line.GetProperty("detail").GetString()!;
            var match = ScheduledDetail().Match(detail);
            Assert.True(match.Success, $"unexpected retry-scheduled detail: {detail}");
            return (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture),
                DateTimeOffset.Parse(match.Groups[3].Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind), match.Groups[4].Value,
                line.GetProperty("at").GetDateTimeOffset());
        }).ToList();

    private static void AssertWait(TimeSpan expected, (int, int, DateTimeOffset Due, string, DateTimeOffset At) line) =>
        Assert.InRange(line.Due - line.At, expected - TimeSpan.FromMilliseconds(1), expected + TimeSpan.FromMilliseconds(1));

    private static string WaitingFor(JsonElement instance) =>
        Assert.Single(instance.GetProperty("activeSteps").EnumerateArray()).GetProperty("waitingFor").GetString() ?? "nothing";

    /// <summary>Waits until the instance waits to retry its step (an HTTP call is made and answered in the background).</summary>
    private static Task<JsonElement> WaitForRetryAsync(EngineApi api, string instance) =>
        api.WaitForAsync(instance, i => i.GetProperty("status").GetString() == "waiting" && WaitingFor(i) == "retry", "a retry being scheduled");

    /// <summary>The number the first problem gets in a fresh store, known before the problem exists.</summary>
    private const string FirstProblem = "PRB-000001";

    /// <summary>A problem created through the API, as an agent would log it while the stream waits; it is the store's first.</summary>
    private static async Task CreateProblemAsync(EngineApi api)
    {
        var created = await (await api.As("agent")).PostAsJsonAsync("/api/problems", new { title = "Disk full", impact = "medium", urgency = "medium" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(FirstProblem, (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString());
    }

    private static async Task<string?> ProblemStateAsync(EngineApi api, string number) =>
        (await (await api.As("agent")).GetFromJsonAsync<JsonElement>($"/api/problems/{number}")).GetProperty("state").GetString();

    private static List<string> EventsAt(List<JsonElement> journal, string stepId) =>
        journal.Where(l => l.GetProperty("stepId").GetString() == stepId).Select(l => l.GetProperty("event").GetString()!).ToList();

    // ---------------------------------------------------------------- steps that fail, then succeed or give up

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Retry_of_a_step_that_fails_twice_waits_by_delay_and_backoff_then_goes_on_when_it_succeeds(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(UpdateWithRetry(Policy(4, "PT1M", backoff: 3, maxDelay: "PT5M")));
        const string recordId = FirstProblem;

        var started = await api.StartAsync("rt-update", new { recordId });
        var instance = IdOf(started);
        Assert.Equal("waiting", started.GetProperty("status").GetString());
        Assert.Equal("retry", WaitingFor(started));

        Assert.Equal(1, await api.FireTimersAsync(instance));
        var second = await api.InstanceAsync(instance);
        Assert.Equal("waiting", second.GetProperty("status").GetString());
        Assert.Equal("retry", WaitingFor(second));

        await CreateProblemAsync(api);
        Assert.Equal(1, await api.FireTimersAsync(instance));

        Assert.Equal("completed", await api.StatusAsync(instance));
        Assert.Equal("under-investigation", await ProblemStateAsync(api, recordId));
        var scheduled = await ScheduledAsync(api, instance, "update");
        Assert.Equal([(2, 4), (3, 4)], scheduled.Select(s => (s.Attempt, s.Of)).ToArray());
        Assert.All(scheduled, s => Assert.Equal(string.Format(CultureInfo.InvariantCulture, Missing, recordId), s.Error));
        AssertWait(TimeSpan.FromMinutes(1), scheduled[0]);
        AssertWait(TimeSpan.FromMinutes(3), scheduled[1]);
        Assert.Equal(["attempt 2 of 4", "attempt 3 of 4"],
            (await api.JournalOfAsync(instance, "retry-started", "update")).Select(l => l.GetProperty("detail").GetString()!).ToArray());
        Assert.Equal(
            ["step-entered", "retry-scheduled", "retry-started", "step-entered", "retry-scheduled", "retry-started", "step-entered", "record-written", "step-completed"],
            EventsAt(await api.JournalAsync(instance), "update"));
        Assert.Empty(await api.JournalOfAsync(instance, "step-faulted"));
        Assert.Equal(0, await api.FireTimersAsync(instance));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Retry_attempts_spent_fault_the_instance_saying_after_how_many_and_an_admin_retry_starts_a_fresh_round(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(UpdateWithRetry(Policy(3, "PT10S", backoff: 1.5, maxDelay: "PT12S")));
        var instance = IdOf(await api.StartAsync("rt-update", new { recordId = "no-such-record" }));

        Assert.Equal(1, await api.FireTimersAsync(instance));
        Assert.Equal(1, await api.FireTimersAsync(instance));

        var faulted = await api.InstanceAsync(instance);
        Assert.Equal("faulted", faulted.GetProperty("status").GetString());
        var expected = $"{string.Format(CultureInfo.InvariantCulture, Missing, "no-such-record")} (after 3 attempts)";
        Assert.Equal(expected, Assert.Single(faulted.GetProperty("activeSteps").EnumerateArray()).GetProperty("fault").GetString());
        Assert.Equal(expected, Assert.Single(await api.JournalOfAsync(instance, "step-faulted", "update")).GetProperty("detail").GetString());
        Assert.Equal(expected, Assert.Single(await api.JournalOfAsync(instance, "instance-faulted")).GetProperty("detail").GetString());
        var scheduled = await ScheduledAsync(api, instance, "update");
        Assert.Equal([2, 3], scheduled.Select(s => s.Attempt).ToArray());
        AssertWait(TimeSpan.FromSeconds(10), scheduled[0]);
        AssertWait(TimeSpan.FromSeconds(12), scheduled[1]); // 15 s by the backoff, capped by maxDelay
        Assert.Equal(3, EventsAt(await api.JournalAsync(instance), "update").Count(e => e == "step-entered"));
        Assert.Equal(0, await api.FireTimersAsync(instance));

        var retried = await BodyAsync(await api.ControlAsync("admin", instance, "retry"));

        Assert.Equal("waiting", retried.GetProperty("status").GetString());
        Assert.Equal("retry", WaitingFor(retried));
        Assert.Equal(new[] { 2, 3, 2 }, (await ScheduledAsync(api, instance, "update")).Select(s => s.Attempt).ToArray());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Retry_timer_fired_twice_at_once_and_by_its_job_again_runs_the_step_once(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(UpdateWithRetry(Policy(3, "PT1H")));
        const string recordId = FirstProblem;
        var started = await api.StartAsync("rt-update", new { recordId });
        var instance = IdOf(started);
        var timerId = Assert.Single(started.GetProperty("activeSteps").EnumerateArray()).GetProperty("waitingId").GetString()!;
        await CreateProblemAsync(api);
        var engine = api.Host.Services.GetRequiredService<WorkflowEngine>();
        var runner = api.Host.Services.GetRequiredService<OutboxJobRunner>();

        var fired = await Task.WhenAll(
            Task.Run(() => engine.FireTimerAsync(instance, timerId, evenIfNotDue: true)),
            Task.Run(() => engine.FireTimerAsync(instance, timerId, evenIfNotDue: true)));
        await runner.RunAsync(OutboxJob.FireTimer, OutboxJob.Target(instance, timerId), CancellationToken.None);
        Assert.False(await engine.FireTimerAsync(instance, timerId, evenIfNotDue: true));

        Assert.Equal(1, fired.Count(f => f));
        Assert.Equal("completed", await api.StatusAsync(instance));
        var journal = await api.JournalAsync(instance);
        Assert.Equal(["step-entered", "retry-scheduled", "retry-started", "step-entered", "record-written", "step-completed"], EventsAt(journal, "update"));
        Assert.Single(journal, l => l.GetProperty("event").GetString() == "instance-completed");
    }

    [Fact]
    public async Task Retry_timers_wait_while_the_instance_is_suspended_and_are_cancelled_with_it()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(UpdateWithRetry(Policy(3, "PT1H")));
        var instance = IdOf(await api.StartAsync("rt-update", new { recordId = "no-such-record" }));

        Assert.Equal(HttpStatusCode.OK, (await api.ControlAsync("admin", instance, "suspend")).StatusCode);
        Assert.Equal(0, await api.FireTimersAsync(instance));
        Assert.Equal(HttpStatusCode.OK, (await api.ControlAsync("admin", instance, "resume")).StatusCode);
        var resumed = await api.InstanceAsync(instance);
        Assert.Equal("waiting", resumed.GetProperty("status").GetString());
        Assert.Equal("retry", WaitingFor(resumed));
        Assert.Empty(await api.JournalOfAsync(instance, "retry-started"));

        Assert.Equal(1, await api.FireTimersAsync(instance));
        Assert.Equal("retry", WaitingFor(await api.InstanceAsync(instance)));
        Assert.Equal(HttpStatusCode.OK, (await api.ControlAsync("admin", instance, "cancel")).StatusCode);

        Assert.Equal(0, await api.FireTimersAsync(instance));
        Assert.Equal("cancelled", await api.StatusAsync(instance));
        Assert.Single(await api.JournalOfAsync(instance, "retry-started"));
        Assert.Equal(2, (await api.JournalOfAsync(instance, "step-entered", "update")).Count);
    }

    // ---------------------------------------------------------------- HTTP requests

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Retry_of_an_http_request_answered_503_then_200_leaves_by_done(StorageProvider provider)
    {
        using var endpoint = new FlakyEndpoint(otherwise: 200, first: [503]);
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(CallWithRetry(endpoint.Url, Policy(3, "PT1H")));
        var instance = IdOf(await api.StartAsync("rt-http"));

        var waiting = await WaitForRetryAsync(api, instance);

        Assert.Equal(JsonValueKind.Null, waiting.GetProperty("variables").GetProperty("reply").ValueKind);
        var scheduled = Assert.Single(await ScheduledAsync(api, instance, "call"));
        Assert.Equal((2, 3, "the endpoint answered HTTP 503"), (scheduled.Attempt, scheduled.Of, scheduled.Error));
        AssertWait(TimeSpan.FromHours(1), scheduled);

        Assert.Equal(1, await api.FireTimersAsync(instance));
        var completed = await api.WaitForStatusAsync(instance, "completed");

        Assert.Equal(2, endpoint.Requests);
        Assert.Equal(200, completed.GetProperty("variables").GetProperty("reply").GetProperty("status").GetInt32());
        var left = Assert.Single(await api.JournalOfAsync(instance, "step-completed", "call"));
        Assert.Equal("done", left.GetProperty("outcome").GetString());
        Assert.Single(await api.JournalOfAsync(instance, "value-realised", "answered"));
        Assert.Empty(await api.JournalOfAsync(instance, "value-realised", "unanswered"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Retry_of_an_http_request_that_keeps_failing_leaves_by_failed_after_its_attempts(StorageProvider provider)
    {
        using var endpoint = new FlakyEndpoint(otherwise: 500);
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(CallWithRetry(endpoint.Url, Policy(2, "PT1H")));
        var instance = IdOf(await api.StartAsync("rt-http"));

        await WaitForRetryAsync(api, instance);
        Assert.Equal(1, await api.FireTimersAsync(instance));
        var completed = await api.WaitForStatusAsync(instance, "completed");

        Assert.Equal(2, endpoint.Requests);
        Assert.Equal(new[] { 2 }, (await ScheduledAsync(api, instance, "call")).Select(s => s.Attempt).ToArray());
        var left = Assert.Single(await api.JournalOfAsync(instance, "step-completed", "call"));
        Assert.Equal("failed", left.GetProperty("outcome").GetString());
        Assert.Equal("the endpoint answered HTTP 500 (after 2 attempts)", left.GetProperty("detail").GetString());
        Assert.Equal(500, completed.GetProperty("variables").GetProperty("reply").GetProperty("status").GetInt32());
        Assert.Single(await api.JournalOfAsync(instance, "value-realised", "unanswered"));
        Assert.Empty(await api.JournalOfAsync(instance, "step-faulted"));
    }

    /// <summary>A local HTTP endpoint that answers with the given statuses in turn, then always with <c>otherwise</c>.</summary>
    private sealed class FlakyEndpoint : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Queue<int> _statuses;
        private readonly int _otherwise;
        private int _requests;

        public FlakyEndpoint(int otherwise, int[]? first = null)
        {
            _otherwise = otherwise;
            _statuses = new Queue<int>(first ?? []);
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                Url = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/";
                probe.Stop();
            }
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public string Url { get; }

        public int Requests => Volatile.Read(ref _requests);

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }
                int status;
                lock (_statuses)
                    status = _statuses.Count > 0 ? _statuses.Dequeue() : _otherwise;
                Interlocked.Increment(ref _requests);
                var body = Encoding.UTF8.GetBytes($$"""{"answer":{{status}}}""");
                context.Response.StatusCode = status;
                context.Response.ContentType = "application/json";
                await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}
