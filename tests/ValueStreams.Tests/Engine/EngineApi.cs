using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Engine;

/// <summary>
/// The engine as the API shows it, for behaviour tests: publish small streams, start instances, read them
/// and their journals, find and complete tasks, and wait for background work. One client per demo user.
/// </summary>
internal sealed class EngineApi(ApiHost host) : IAsyncDisposable
{
    private readonly Dictionary<string, HttpClient> _clients = [];

    public ApiHost Host { get; } = host;

    /// <summary>
    /// A host with the demo users on a fresh store of the provider, with any further settings. Its outbound allow-list
    /// lets HTTP steps call the tests' own endpoints on 127.0.0.1, which the host refuses by default.
    /// </summary>
    public static async Task<EngineApi> StartAsync(StorageProvider provider = StorageProvider.Sqlite, IDictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["ValueStreams:DemoUsers"] = "true",
            ["ValueStreams:Outbound:AllowedInternal:0"] = "127.0.0.1",
        };
        return new(await ApiHost.StartAsync(provider, all));
    }

    public async Task<HttpClient> As(string username)
    {
        if (!_clients.TryGetValue(username, out var client))
            _clients[username] = client = await Host.ClientForAsync(username);
        return client;
    }

    /// <summary>Imports and publishes a stream file as the process owner; returns the published version.</summary>
    public async Task<int> PublishAsync(StreamFile file)
    {
        var owner = await As("owner");
        var response = await owner.PostAsync("/api/value-streams/import", new StringContent(file.ToJson(), Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"import of {file.Id}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("version").GetInt32();
    }

    public async Task<HttpResponseMessage> TryStartAsync(string valueStreamId, object? input = null, string? correlationId = null, string user = "agent") =>
        await (await As(user)).PostAsJsonAsync($"/api/value-streams/{valueStreamId}/instances", new { input = input ?? new { }, correlationId });

    /// <summary>Starts an instance (201 expected) and returns it as the start call answered.</summary>
    public async Task<JsonElement> StartAsync(string valueStreamId, object? input = null, string? correlationId = null, string user = "agent")
    {
        var response = await TryStartAsync(valueStreamId, input, correlationId, user);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"start {valueStreamId}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<JsonElement> InstanceAsync(string instanceId) =>
        await (await As("admin")).GetFromJsonAsync<JsonElement>($"/api/instances/{instanceId}");

    public async Task<string> StatusAsync(string instanceId) => (await InstanceAsync(instanceId)).GetProperty("status").GetString()!;

    public async Task<List<JsonElement>> JournalAsync(string instanceId) =>
        (await (await As("admin")).GetFromJsonAsync<JsonElement>($"/api/instances/{instanceId}/journal")).EnumerateArray().ToList();

    /// <summary>Journal lines of one event (and, if given, one step).</summary>
    public async Task<List<JsonElement>> JournalOfAsync(string instanceId, string @event, string? stepId = null) =>
        (await JournalAsync(instanceId)).Where(l => l.GetProperty("event").GetString() == @event
            && (stepId is null || l.GetProperty("stepId").GetString() == stepId)).ToList();

    /// <summary>Every task of an instance (open or done), as an admin sees them.</summary>
    public async Task<List<JsonElement>> TasksOfAsync(string instanceId, string status = "open") =>
        (await (await As("admin")).GetFromJsonAsync<JsonElement>($"/api/tasks?scope=all&status={status}&instance={instanceId}")).EnumerateArray().ToList();

    /// <summary>The single open task of an instance at a step.</summary>
    public async Task<JsonElement> OpenTaskAsync(string instanceId, string stepId)
    {
        var tasks = (await TasksOfAsync(instanceId)).Where(t => t.GetProperty("stepId").GetString() == stepId).ToList();
        Assert.True(tasks.Count == 1, $"expected one open task at '{stepId}' of {instanceId}, found {tasks.Count}: {await Describe(instanceId)}");
        return tasks[0];
    }

    public static string IdOf(JsonElement item) => item.GetProperty("id").GetString()!;

    public async Task<HttpResponseMessage> ClaimAsync(string user, string taskId) =>
        await (await As(user)).PostAsync($"/api/tasks/{taskId}/claim", null);

    public async Task<HttpResponseMessage> TryCompleteAsync(string user, string taskId, string outcome, object? data = null) =>
        await (await As(user)).PostAsJsonAsync($"/api/tasks/{taskId}/complete", new { outcome, data = data ?? new { } });

    /// <summary>Completes a task (200 expected) and returns the instance as the call answered.</summary>
    public async Task<JsonElement> CompleteAsync(string user, string taskId, string outcome, object? data = null)
    {
        var response = await TryCompleteAsync(user, taskId, outcome, data);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"complete {taskId} as {user} with {outcome}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Completes the open task at a step as <paramref name="user"/>, its required fields filled in and the given values over them.</summary>
    public async Task CompleteFilledAsync(string instanceId, string stepId, string outcome, string user, Dictionary<string, object> values)
    {
        var task = await OpenTaskAsync(instanceId, stepId);
        var data = StreamWalker.FillRequired(task.GetProperty("form"));
        foreach (var (name, value) in values)
            data[name] = JsonSerializer.SerializeToNode(value);
        await CompleteAsync(user, IdOf(task), outcome, data);
    }

    /// <summary>Completes the single open task of an instance at a step, as a member of its group.</summary>
    public async Task<JsonElement> CompleteStepAsync(string instanceId, string stepId, string outcome = "done", object? data = null, string user = "agent") =>
        await CompleteAsync(user, IdOf(await OpenTaskAsync(instanceId, stepId)), outcome, data);

    public async Task<HttpResponseMessage> ControlAsync(string user, string instanceId, string action) =>
        await (await As(user)).PostAsync($"/api/instances/{instanceId}/{action}", null);

    public async Task<int> FireTimersAsync(string instanceId)
    {
        var response = await ControlAsync("admin", instanceId, "timers/fire");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"fire timers of {instanceId}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("fired").GetInt32();
    }

    /// <summary>Polls the instance until the condition holds; fails with the instance and its journal after the timeout.</summary>
    public async Task<JsonElement> WaitForAsync(string instanceId, Func<JsonElement, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var instance = await InstanceAsync(instanceId);
            if (condition(instance))
                return instance;
            if (DateTime.UtcNow > deadline)
                throw new Xunit.Sdk.XunitException($"{what} did not happen within {(timeout ?? TimeSpan.FromSeconds(15)).TotalSeconds} s: {await Describe(instanceId)}");
            await Task.Delay(100);
        }
    }

    public Task<JsonElement> WaitForStatusAsync(string instanceId, string status, TimeSpan? timeout = null) =>
        WaitForAsync(instanceId, i => i.GetProperty("status").GetString() == status, $"instance {instanceId} becoming {status}", timeout);

    /// <summary>The instance and its journal, for failure messages.</summary>
    public async Task<string> Describe(string instanceId)
    {
        var admin = await As("admin");
        return $"{await admin.GetStringAsync($"/api/instances/{instanceId}")}\njournal: {await admin.GetStringAsync($"/api/instances/{instanceId}/journal")}";
    }

    public static List<string> ActiveSteps(JsonElement instance) =>
        instance.GetProperty("activeSteps").EnumerateArray().Select(s => s.GetProperty("stepId").GetString()!).ToList();

    public static async Task<JsonElement> BodyAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    /// <summary>The paths of a 400 problem's errors.</summary>
    public static async Task<List<string>> ErrorPathsAsync(HttpResponseMessage response) =>
        (await BodyAsync(response)).GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()!).ToList();

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
            client.Dispose();
        await Host.DisposeAsync();
    }
}

/// <summary>Form fields of human tasks.</summary>
internal static class FormField
{
    public static JsonObject Of(string name, string type, bool required = false, double? min = null, double? max = null, string[]? options = null)
    {
        var field = new JsonObject { ["name"] = name, ["label"] = name, ["type"] = type };
        if (required)
            field["required"] = true;
        if (min is { } low)
            field["min"] = low;
        if (max is { } high)
            field["max"] = high;
        if (options is not null)
            field["options"] = new JsonArray(options.Select(o => (JsonNode?)o).ToArray());
        return field;
    }

    public static JsonArray Form(params JsonObject[] fields) => new(fields.Select(f => (JsonNode?)f).ToArray());
}
