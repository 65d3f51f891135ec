using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using ValueStreams.TestSupport;

namespace ValueStreams.Benchmarks.Engine;

/// <summary>HTTP clients for the host, one bearer token per demo user, all over one connection pool.</summary>
internal sealed class Api : IDisposable
{
    private readonly SocketsHttpHandler _handler = new()
    {
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
        MaxConnectionsPerServer = 256,
        UseCookies = false,
        AutomaticDecompression = DecompressionMethods.None,
    };

    private readonly Uri _address;

    public Api(Uri address) => _address = address;

    public async Task<HttpClient> SignInAsync(string username, CancellationToken cancellationToken)
    {
        var client = NewClient();
        var token = await HostSignIn.TokenAsync(client, username, cancellationToken: cancellationToken);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private HttpClient NewClient() => new(_handler, disposeHandler: false) { BaseAddress = _address, Timeout = TimeSpan.FromSeconds(60) };

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public void Dispose() => _handler.Dispose();
}

internal sealed record ThroughputResult(
    int Clients, TimeSpan Warmup, TimeSpan Window, int Completed, int NotCompleted, int Errors, int WarmupCompleted, int TotalCompleted,
    double[] LatenciesMs, IReadOnlyList<string> ErrorSamples, CpuUse Cpu)
{
    public double PerSecond => Completed / Window.TotalSeconds;
}

internal sealed record LatencyResult(
    int Clients, int Instances, double[] CompleteMs, double[] VisibleMs, double[] ListMs, double[] CompleteBMs, double[] StartMs,
    int NotVisible, int Failures, IReadOnlyList<string> ErrorSamples, CpuUse Cpu, TimeSpan Elapsed);

internal static class Load
{
    /// <summary>
    /// Clients start instances of the automated stream back to back. Responses that arrive in the window after the
    /// warm-up count; an instance counts as done only when the start response says <c>completed</c>.
    /// </summary>
    public static async Task<ThroughputResult> ThroughputAsync(HttpClient client, string streamId, int clients, TimeSpan warmup, TimeSpan window,
        Func<Stopwatch, CpuSample> sample, CancellationToken cancellationToken)
    {
        var url = $"api/value-streams/{streamId}/instances";
        var clock = Stopwatch.StartNew();
        var end = warmup + window;
        var completed = 0; var notCompleted = 0; var errors = 0; var warmupCompleted = 0; var totalCompleted = 0;
        var latencies = new List<double>[clients];
        var errorSamples = new List<string>();

        TimeSpan Until(TimeSpan at) => at > clock.Elapsed ? at - clock.Elapsed : TimeSpan.Zero;
        var sampler = Task.Run(async () =>
        {
            await Task.Delay(Until(warmup), cancellationToken);
            var first = sample(clock);
            await Task.Delay(Until(end), cancellationToken);
            return CpuUse.Between(first, sample(clock));
        }, cancellationToken);

        var workers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            latencies[c] = new List<double>(4096);
            var sequence = 0;
            while (clock.Elapsed < end)
            {
                var input = new JsonObject { ["requester"] = $"client {c}", ["sequence"] = sequence++ }.ToJsonString();
                var sent = clock.Elapsed;
                string status;
                try
                {
                    using var response = await client.PostAsync(url, Api.Json($$"""{ "input": {{input}} }"""), cancellationToken);
                    var body = await response.Content.ReadAsStringAsync(cancellationToken);
                    status = response.StatusCode == HttpStatusCode.Created
                        ? Parse(body)?["status"]?.GetValue<string>() ?? "no status"
                        : $"HTTP {(int)response.StatusCode}: {Shorten(body)}";
                }
                catch (HttpRequestException e)
                {
                    status = $"error: {e.Message}";
                }
                var received = clock.Elapsed;
                var isCompleted = status == "completed";
                if (isCompleted)
                    Interlocked.Increment(ref totalCompleted);
                if (received < warmup)
                {
                    if (isCompleted)
                        Interlocked.Increment(ref warmupCompleted);
                }
                else if (received <= end)
                {
                    if (isCompleted)
                    {
                        Interlocked.Increment(ref completed);
                        latencies[c].Add((received - sent).TotalMilliseconds);
                    }
                    else if (status.StartsWith("HTTP", StringComparison.Ordinal) || status.StartsWith("error", StringComparison.Ordinal))
                        Interlocked.Increment(ref errors);
                    else
                        Interlocked.Increment(ref notCompleted);
                }
                if (!isCompleted)
                    lock (errorSamples)
                        if (errorSamples.Count < 5)
                            errorSamples.Add(status);
            }
        }, cancellationToken)).ToList();

        await Task.WhenAll(workers);
        var cpu = await sampler;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        return new ThroughputResult(clients, warmup, window, completed, notCompleted, errors, warmupCompleted, totalCompleted, all, errorSamples, cpu);
    }

    /// <summary>
    /// Per instance of start → task A → task B → end: start it (untimed), then time <c>POST /api/tasks/{A}/complete</c>
    /// (the run that creates B commits before the response), then the inbox query <c>GET /api/tasks?scope=group</c> must list B
    /// open; then B is completed, so the group's inbox holds at most a task or two per client and B is always on its
    /// first page. The first <paramref name="warmupInstances"/> are not recorded.
    /// </summary>
    public static async Task<LatencyResult> LatencyAsync(HttpClient client, string streamId, int clients, int instances, int warmupInstances,
        Func<Stopwatch, CpuSample> sample, CancellationToken cancellationToken)
    {
        var startUrl = $"api/value-streams/{streamId}/instances";
        var next = -1;
        var total = instances + warmupInstances;
        var complete = new double[instances];
        var visible = new double[instances];
        var list = new double[instances];
        var completeB = new double[instances];
        var start = new double[instances];
        var recorded = new bool[instances];
        var notVisible = 0; var failures = 0;
        var errorSamples = new List<string>();
        var clock = Stopwatch.StartNew();
        CpuSample? first = null;
        var firstLock = new object();

        void Fail(string message)
        {
            Interlocked.Increment(ref failures);
            lock (errorSamples)
                if (errorSamples.Count < 5)
                    errorSamples.Add(message);
        }

        var workers = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
        {
            int index;
            while ((index = Interlocked.Increment(ref next)) < total)
            {
                var slot = index - warmupInstances;
                if (slot == 0)
                    lock (firstLock)
                        first ??= sample(clock);

                var t0 = Stopwatch.GetTimestamp();
                var (startCode, startBody) = await SendAsync(client, HttpMethod.Post, startUrl, """{ "input": {} }""", cancellationToken);
                var startMs = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                if (startCode != HttpStatusCode.Created)
                {
                    Fail($"start: HTTP {(int)startCode}: {Shorten(startBody)}");
                    continue;
                }
                var instance = Parse(startBody) ?? new JsonObject();
                var instanceId = instance["id"]?.GetValue<string>();
                if (instanceId is null || WaitingTask(instance) is not { } taskA)
                {
                    Fail($"start: no waiting task in {Shorten(startBody)}");
                    continue;
                }

                var t1 = Stopwatch.GetTimestamp();
                var (completeCode, completeBody) = await SendAsync(client, HttpMethod.Post, $"api/tasks/{taskA}/complete",
                    """{ "outcome": "done", "data": {} }""", cancellationToken);
                var t2 = Stopwatch.GetTimestamp();
                var (listCode, listBody) = await SendAsync(client, HttpMethod.Get, "api/tasks?scope=group", null, cancellationToken);
                var t3 = Stopwatch.GetTimestamp();

                if (completeCode != HttpStatusCode.OK || WaitingTask(Parse(completeBody) ?? new JsonObject()) is not { } taskB || taskB == taskA)
                {
                    Fail($"complete A: HTTP {(int)completeCode}: {Shorten(completeBody)}");
                    continue;
                }
                var listed = listCode == HttpStatusCode.OK && Parse(listBody) is JsonArray tasks &&
                             tasks.Any(t => t?["id"]?.GetValue<string>() == taskB && t["status"]?.GetValue<string>() == "open");
                if (!listed)
                    Interlocked.Increment(ref notVisible);

                var t4 = Stopwatch.GetTimestamp();
                var (endCode, endBody) = await SendAsync(client, HttpMethod.Post, $"api/tasks/{taskB}/complete",
                    """{ "outcome": "done", "data": {} }""", cancellationToken);
                var t5 = Stopwatch.GetTimestamp();
                if (endCode != HttpStatusCode.OK || Parse(endBody)?["status"]?.GetValue<string>() != "completed")
                    Fail($"complete B: HTTP {(int)endCode}: {Shorten(endBody)}");

                if (slot >= 0)
                {
                    start[slot] = startMs;
                    complete[slot] = Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds;
                    list[slot] = Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds;
                    visible[slot] = Stopwatch.GetElapsedTime(t1, t3).TotalMilliseconds;
                    completeB[slot] = Stopwatch.GetElapsedTime(t4, t5).TotalMilliseconds;
                    recorded[slot] = true;
                }
            }
        }, cancellationToken)).ToList();

        await Task.WhenAll(workers);
        var cpu = CpuUse.Between(first ?? sample(clock), sample(clock));
        double[] Sorted(double[] values) => values.Where((_, i) => recorded[i]).Order().ToArray();
        return new LatencyResult(clients, recorded.Count(r => r), Sorted(complete), Sorted(visible), Sorted(list), Sorted(completeB), Sorted(start),
            notVisible, failures, errorSamples, cpu, clock.Elapsed);
    }

    private static string? WaitingTask(JsonNode instance) =>
        (instance["activeSteps"] as JsonArray)?.FirstOrDefault(s => s?["waitingFor"]?.GetValue<string>() == "task")?["waitingId"]?.GetValue<string>();

    private static async Task<(HttpStatusCode Code, string Body)> SendAsync(HttpClient client, HttpMethod method, string url, string? json,
        CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, url);
        if (json is not null)
            request.Content = Api.Json(json);
        try
        {
            using var response = await client.SendAsync(request, cancellationToken);
            return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (HttpRequestException e)
        {
            return (0, $"error: {e.Message}");
        }
    }

    private static JsonNode? Parse(string text)
    {
        try
        {
            return JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static string Shorten(string text) => text.Length <= 300 ? text : text[..300] + "…";

    /// <summary>Nearest-rank percentile of sorted values.</summary>
    public static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
}
