using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Api;

/// <summary>
/// Bodies the service cannot take are refused with a 4xx that names the value at fault, and change nothing:
/// text that is not valid Unicode (a lone surrogate, bytes that are not UTF-8), whole requests over the size
/// limit, and instance data fields over theirs.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class RequestBodyTests
{
    private const string LoneSurrogate = "\\ud800";

    /// <summary>start → triage (a service-desk task with a multi-line notes field) → wait for 'poke' → value → end.</summary>
    private static StreamFile Stream() => new StreamFile("bodies", "Bodies")
        .Start()
        .Task("triage", form: FormField.Form(FormField.Of("notes", "multiline")))
        .WaitEvent("poked", "poke")
        .Milestone()
        .End()
        .Chain("start", "triage", "poked", "value", "end");

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string path, string json) =>
        await client.SendAsync(new HttpRequestMessage(method, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") });

    private static async Task<HttpResponseMessage> SendBytesAsync(HttpClient client, string path, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new("application/json");
        return await client.PostAsync(path, content);
    }

    private static async Task<string> InstancesAsync(EngineApi api) =>
        await (await api.As("admin")).GetStringAsync("/api/instances?limit=1000");

    private static async Task AssertRefusedAtAsync(HttpResponseMessage response, HttpStatusCode status, string path)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var paths = (await ErrorPathsAsync(response)).ToList();
        Assert.True(paths.Contains(path), $"expected an error at '{path}': {body}");
    }

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task A_lone_surrogate_anywhere_in_a_body_is_a_400_naming_its_path_and_nothing_is_stored(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(Stream());
        var instance = IdOf(await api.StartAsync("bodies", correlationId: "c-1"));
        var task = IdOf(await api.OpenTaskAsync(instance, "triage"));
        var agent = await api.As("agent");
        var owner = await api.As("owner");
        var before = await InstancesAsync(api);
        var file = Stream().ToJson().Replace("\"name\":\"Bodies\"", $"\"name\":\"B{LoneSurrogate}\"", StringComparison.Ordinal);
        Assert.Contains(LoneSurrogate, file);

        await AssertRefusedAtAsync(await SendAsync(agent, HttpMethod.Post, "/api/value-streams/bodies/instances",
            $$$"""{"input":{"title":"x{{{LoneSurrogate}}}"}}"""), HttpStatusCode.BadRequest, "$.input.title");
        await AssertRefusedAtAsync(await SendAsync(agent, HttpMethod.Post, "/api/value-streams/bodies/instances",
            $$$"""{"input":{},"correlationId":"{{{LoneSurrogate}}}"}"""), HttpStatusCode.BadRequest, "$.correlationId");
        await AssertRefusedAtAsync(await SendAsync(agent, HttpMethod.Post, "/api/events",
            $$$"""{"name":"poke","correlationId":"c-1","payload":{"list":["a","{{{LoneSurrogate}}}"]}}"""), HttpStatusCode.BadRequest, "$.payload.list[1]");
        await AssertRefusedAtAsync(await SendAsync(agent, HttpMethod.Post, $"/api/tasks/{task}/complete",
            $$$"""{"outcome":"done","data":{"notes":"\udc00 tail"}}"""), HttpStatusCode.BadRequest, "$.data.notes");
        await AssertRefusedAtAsync(await SendAsync(agent, HttpMethod.Post, $"/api/tasks/{task}/comments",
            $$$"""{"text":"{{{LoneSurrogate}}}"}"""), HttpStatusCode.BadRequest, "$.text");
        await AssertRefusedAtAsync(await SendAsync(owner, HttpMethod.Post, "/api/value-streams/validate", file), HttpStatusCode.BadRequest, "$.name");
        await AssertRefusedAtAsync(await SendAsync(owner, HttpMethod.Put, "/api/value-streams/bodies/draft", file), HttpStatusCode.BadRequest, "$.name");
        await AssertRefusedAtAsync(await SendAsync(owner, HttpMethod.Post, "/api/value-streams/import", file), HttpStatusCode.BadRequest, "$.name");

        Assert.Equal(before, await InstancesAsync(api));
        Assert.Empty(await (await api.As("admin")).GetFromJsonAsync<JsonElement[]>($"/api/tasks/{task}/comments") ?? []);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync("/api/value-streams/bodies?draft=true")).StatusCode);
        Assert.Equal("Bodies", (await owner.GetFromJsonAsync<JsonElement>("/api/value-streams/bodies")).GetProperty("name").GetString());
    }

    [Fact]
    public async Task Bytes_that_are_not_utf8_in_a_string_are_a_400_naming_its_path()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Stream());
        var before = await InstancesAsync(api);
        var body = Encoding.UTF8.GetBytes("""{"input":{"title":"ab"}}""");
        body[19] = 0xFF;

        await AssertRefusedAtAsync(await SendBytesAsync(await api.As("agent"), "/api/value-streams/bodies/instances", body), HttpStatusCode.BadRequest, "$.input.title");
        Assert.Equal(before, await InstancesAsync(api));
    }

    [Fact]
    public async Task Instance_data_fields_over_their_limits_are_refused_naming_the_field()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Stream());
        var instance = IdOf(await api.StartAsync("bodies", correlationId: "c-1"));
        var task = IdOf(await api.OpenTaskAsync(instance, "triage"));
        var agent = await api.As("agent");
        var before = await InstancesAsync(api);
        var twoMegabytes = new string('x', 2 * 1024 * 1024);

        await AssertRefusedAtAsync(await agent.PostAsJsonAsync("/api/value-streams/bodies/instances", new { input = new { blob = twoMegabytes } }),
            HttpStatusCode.BadRequest, "input");
        await AssertRefusedAtAsync(await agent.PostAsJsonAsync("/api/value-streams/bodies/instances", new { input = new { }, correlationId = new string('c', 5000) }),
            HttpStatusCode.BadRequest, "correlationId");
        await AssertRefusedAtAsync(await agent.PostAsJsonAsync("/api/events", new { name = "poke", correlationId = "c-1", payload = new { blob = twoMegabytes } }),
            HttpStatusCode.BadRequest, "payload");
        await AssertRefusedAtAsync(await agent.PostAsJsonAsync("/api/events", new { name = "poke", correlationId = new string('c', 5000) }),
            HttpStatusCode.BadRequest, "correlationId");
        await AssertRefusedAtAsync(await agent.PostAsJsonAsync($"/api/tasks/{task}/complete", new { outcome = "done", data = new { notes = twoMegabytes } }),
            HttpStatusCode.BadRequest, "data");
        await AssertRefusedAtAsync(await agent.PostAsJsonAsync($"/api/tasks/{task}/comments", new { text = new string('t', 100_001) }),
            HttpStatusCode.BadRequest, "text");

        Assert.Equal(before, await InstancesAsync(api));
        Assert.Equal("waiting", await api.StatusAsync(instance));
        Assert.Single(await api.TasksOfAsync(instance));
    }

    [Fact]
    public async Task A_hundred_thousand_characters_of_multi_line_text_are_stored_as_typed()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Stream());
        var instance = IdOf(await api.StartAsync("bodies", input: new { description = Text(100_000) }));
        var notes = Text(100_000);

        var completed = await api.CompleteStepAsync(instance, "triage", data: new { notes });

        Assert.Equal(notes, completed.GetProperty("variables").GetProperty("notes").GetString());
        Assert.Equal(100_000, (await api.InstanceAsync(instance)).GetProperty("input").GetProperty("description").GetString()!.Length);
    }

    private static string Text(int length)
    {
        var line = "Ünïcödé line of work notes — 42 ✓\n";
        var text = new StringBuilder(length + line.Length);
        while (text.Length < length)
            text.Append(line);
        return text.ToString(0, length);
    }

    [Fact]
    public async Task A_29_megabyte_start_is_a_413_problem_and_stores_nothing()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(Stream());
        var before = await InstancesAsync(api);

        var response = await (await api.As("agent")).PostAsJsonAsync("/api/value-streams/bodies/instances",
            new { input = new { blob = new string('x', 29 * 1024 * 1024) } });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("ValueStreams:Limits:MaxRequestBytes", await response.Content.ReadAsStringAsync());
        Assert.Equal(before, await InstancesAsync(api));
    }

    [Fact]
    public async Task The_limits_are_settings()
    {
        await using var api = new EngineApi(await ApiHost.StartAsync(StorageProvider.Sqlite, new Dictionary<string, string?>
        {
            ["ValueStreams:DemoUsers"] = "true",
            ["ValueStreams:Limits:MaxRequestBytes"] = "65536",
            ["ValueStreams:Limits:MaxInputBytes"] = "1024",
            ["ValueStreams:Limits:MaxCorrelationIdLength"] = "10",
        }));
        await api.PublishAsync(Stream());
        var agent = await api.As("agent");

        var tooLong = await agent.PostAsJsonAsync("/api/value-streams/bodies/instances", new { input = new { }, correlationId = "eleven-char" });
        var tooBig = await agent.PostAsJsonAsync("/api/value-streams/bodies/instances", new { input = new { blob = new string('x', 2000) } });
        var tooMuch = await agent.PostAsJsonAsync("/api/value-streams/bodies/instances", new { input = new { blob = new string('x', 70_000) } });
        var fits = await agent.PostAsJsonAsync("/api/value-streams/bodies/instances", new { input = new { blob = new string('x', 900) }, correlationId = "ten-chars!" });

        await AssertRefusedAtAsync(tooLong, HttpStatusCode.BadRequest, "correlationId");
        await AssertRefusedAtAsync(tooBig, HttpStatusCode.BadRequest, "input");
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooMuch.StatusCode);
        Assert.Equal(HttpStatusCode.Created, fits.StatusCode);
    }
}
