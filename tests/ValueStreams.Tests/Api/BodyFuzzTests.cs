using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Api;

/// <summary>
/// A bounded fuzz of every operation with a request body in the OpenAPI document: wrong types, huge strings,
/// deep nesting, lone surrogates, bytes that are not UTF-8, wrong content types, empty bodies, null and arrays
/// where objects belong, sent as an admin and as an agent. None may answer 5xx, and none that is refused may change stored data.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class BodyFuzzTests
{
    /// <summary>The tables that hold what people and streams stored (the scheduler's and mail queues are left out: they move on their own).</summary>
    private static readonly string[] StoredTables =
    [
        "users", "user_roles", "user_groups", "group_members", "value_streams", "value_stream_versions", "value_stream_drafts",
        "instances", "journal", "tasks", "task_comments", "task_events", "event_subscriptions", "timers", "records",
    ];

    private sealed record Body(string Name, byte[] Bytes, string? ContentType);

    private sealed record Operation(HttpMethod Method, string Path, IReadOnlyList<string> Properties);

    [Theory]
    [InlineData(StorageProvider.Sqlite)]
    [InlineData(StorageProvider.PostgreSql)]
    public async Task No_hostile_body_gets_a_server_error_or_changes_stored_data(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(new StreamFile("fuzzed").Start().Task("triage").WaitEvent("poked", "poke").Milestone().End()
            .Chain("start", "triage", "poked", "value", "end"));
        var instance = IdOf(await api.StartAsync("fuzzed", correlationId: "fuzz-1"));
        var task = IdOf(await api.OpenTaskAsync(instance, "triage"));
        var operations = await OperationsAsync(await api.As("admin"), template => template
            .Replace("/api/value-streams/{id}", "/api/value-streams/fuzzed", StringComparison.Ordinal)
            .Replace("/api/instances/{id}", $"/api/instances/{instance}", StringComparison.Ordinal)
            .Replace("/api/tasks/{id}", $"/api/tasks/{task}", StringComparison.Ordinal)
            .Replace("{version}", "1", StringComparison.Ordinal));
        Assert.True(operations.Count >= 10, $"expected the API's body operations, found {operations.Count}");
        var stored = await SnapshotAsync(api);
        var clock = Stopwatch.StartNew();

        var failures = new List<string>();
        foreach (var user in new[] { "admin", "agent" })
        {
            var client = await api.As(user);
            foreach (var operation in operations)
            {
                foreach (var body in HostileBodies(operation.Properties))
                {
                    var request = new HttpRequestMessage(operation.Method, operation.Path) { Content = new ByteArrayContent(body.Bytes) };
                    if (body.ContentType is not null)
                        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(body.ContentType);
                    using var response = await client.SendAsync(request);
                    var what = $"{user} {operation.Method} {operation.Path} with {body.Name}: {(int)response.StatusCode}";
                    if ((int)response.StatusCode >= 500)
                        failures.Add($"{what} {Truncate(await response.Content.ReadAsStringAsync())}");
                    var now = await SnapshotAsync(api);
                    // Some of these bodies are valid requests ({} starts an instance): what is accepted may store; what is refused may not.
                    if (!response.IsSuccessStatusCode && now != stored)
                        failures.Add($"{what} changed stored data");
                    stored = response.IsSuccessStatusCode ? await SettledAsync(api, now) : now;
                }
            }
        }

        Assert.True(failures.Count == 0, $"{failures.Count} failures:\n{string.Join("\n", failures)}");
        Assert.True(clock.Elapsed < TimeSpan.FromMinutes(3), $"the fuzz took {clock.Elapsed}; keep it bounded");
    }

    private static string Truncate(string text) => text.Length > 300 ? text[..300] + "…" : text;

    /// <summary>Every operation with a request body, its path parameters filled with the ids of real things.</summary>
    private static async Task<List<Operation>> OperationsAsync(HttpClient client, Func<string, string> fill)
    {
        var document = JsonNode.Parse(await client.GetStringAsync("/openapi/v1.json"))!;
        var schemas = document["components"]?["schemas"] as JsonObject;
        var operations = new List<Operation>();
        foreach (var (template, item) in document["paths"]!.AsObject())
            foreach (var (method, operation) in item!.AsObject())
                if (operation?["requestBody"] is { } requestBody)
                    operations.Add(new Operation(new HttpMethod(method.ToUpperInvariant()),
                        Regex.Replace(fill(template), @"\{[^}]+\}", "unknown"), PropertiesOf(requestBody, schemas)));
        return operations;
    }

    private static List<string> PropertiesOf(JsonNode requestBody, JsonObject? schemas)
    {
        var schema = (requestBody["content"] as JsonObject)?.Select(c => c.Value?["schema"]).FirstOrDefault(s => s is not null);
        if (schema?["$ref"]?.GetValue<string>() is { } reference)
            schema = schemas?[reference.Split('/')[^1]];
        var names = (schema?["properties"] as JsonObject)?.Select(p => p.Key).ToList() ?? [];
        return names.Count > 0 ? names : ["id", "name", "steps", "input", "data"];
    }

    private static IEnumerable<Body> HostileBodies(IReadOnlyList<string> properties)
    {
        const string json = "application/json";
        Body Text(string name, string text, string? type = json) => new(name, Encoding.UTF8.GetBytes(text), type);
        string Each(Func<string, string> value) => "{" + string.Join(",", properties.Select(p => $"\"{p}\":{value(p)}")) + "}";

        yield return Text("an empty body", "");
        yield return Text("null", "null");
        yield return Text("an array", "[{}]");
        yield return Text("a string", "\"text\"");
        yield return Text("a number", "-1e309");
        yield return Text("an empty object", "{}");
        yield return Text("numbers for every field", Each(_ => "123456789012345678901234567890"));
        yield return Text("booleans for every field", Each(_ => "true"));
        yield return Text("arrays for every field", Each(_ => "[[1],{\"a\":null}]"));
        yield return Text("objects for every field", Each(_ => "{\"$ref\":\"#\",\"__proto__\":{}}"));
        yield return Text("nulls for every field", Each(_ => "null"));
        yield return Text("lone surrogates in every field", Each(p => $"\"\\ud800{p}\\udfff\""));
        yield return Text("lone surrogates in property names", "{\"\\ud800\":1,\"input\":{\"\\udc00\":\"x\"}}");
        yield return Text("a 300 KB string in every field", Each(_ => $"\"{new string('x', 300 * 1024)}\""));
        yield return Text("a 3 MB string", $"{{\"{properties[0]}\":\"{new string('y', 3 * 1024 * 1024)}\"}}");
        yield return Text("an array nested 5,000 deep", new string('[', 5000) + new string(']', 5000));
        yield return Text("an object nested 500 deep", string.Concat(Enumerable.Repeat($"{{\"{properties[0]}\":", 500)) + "1" + new string('}', 500));
        yield return Text("truncated JSON", Each(_ => "\"x\"")[..^3]);
        yield return new("bytes that are not UTF-8", [(byte)'{', (byte)'"', .. Encoding.UTF8.GetBytes(properties[0]), (byte)'"', (byte)':', (byte)'"', 0xC3, 0x28, 0xFF, 0xFE, (byte)'"', (byte)'}'], json);
        yield return new("UTF-16 text", Encoding.Unicode.GetBytes(Each(_ => "\"x\"")), "application/json; charset=utf-16");
        yield return Text("a plain-text content type", Each(_ => "\"x\""), "text/plain");
        yield return Text("an XML content type", "<input><x>1</x></input>", "application/xml");
        yield return Text("a form content type", "input=1&name=x", "application/x-www-form-urlencoded");
        yield return Text("a multipart content type without a boundary", "--x\r\n\r\n", "multipart/form-data");
        yield return Text("no content type", Each(_ => "\"x\""), null);
        yield return Text("a 9 MB body", $"{{\"{properties[0]}\":\"{new string('z', 9 * 1024 * 1024)}\"}}");
    }

    /// <summary>The stored data once the background work an accepted request started has finished changing it.</summary>
    private static async Task<string> SettledAsync(EngineApi api, string latest)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            var again = await SnapshotAsync(api);
            if (again == latest)
                return again;
            latest = again;
        }
        return latest;
    }

    /// <summary>Every row of the tables that hold stored data, as text, in a stable order.</summary>
    private static async Task<string> SnapshotAsync(EngineApi api)
    {
        var connections = api.Host.Services.GetRequiredService<ConnectionFactory>();
        await using var connection = await connections.OpenAsync();
        var snapshot = new StringBuilder();
        foreach (var table in StoredTables)
        {
            var rows = (await connection.QueryAsync($"SELECT * FROM {table}"))
                .Select(row => string.Join("|", ((IDictionary<string, object>)row).OrderBy(c => c.Key, StringComparer.Ordinal)
                    .Select(c => $"{c.Key}={Convert.ToString(c.Value, System.Globalization.CultureInfo.InvariantCulture)}")))
                .Order(StringComparer.Ordinal);
            snapshot.Append(table).Append(':').AppendJoin('\n', rows).Append('\n');
        }
        return snapshot.ToString();
    }
}
