using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ValueStreams.TestSupport;

namespace ValueStreams.ResilienceTests.Support;

/// <summary>A signed-in caller of one node's API (bearer token; tokens from one node work on its peers).</summary>
public sealed class Api : IDisposable
{
    private readonly HttpClient _http;

    private Api(HttpClient http) => _http = http;

    public HttpClient Http => _http;

    public static HttpClient NewHttpClient(HostNode node) =>
        new(new SocketsHttpHandler { MaxConnectionsPerServer = 64, PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = node.BaseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

    /// <summary>Asks <paramref name="node"/> for a bearer token of a demo user (password <c>demo</c>).</summary>
    public static async Task<string> TokenAsync(HostNode node, string username)
    {
        using var http = NewHttpClient(node);
        return await HostSignIn.TokenAsync(http, username, "demo", node.Name);
    }

    public static Api For(HostNode node, string token)
    {
        var http = NewHttpClient(node);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new Api(http);
    }

    /// <summary>Imports and publishes a value stream file; a refusal fails with the validation errors.</summary>
    public async Task ImportAsync(string file)
    {
        using var content = new StringContent(file, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync("/api/value-streams/import", content);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"Import refused: {(int)response.StatusCode} {body}");
    }

    /// <summary>Starts an instance of the stream's published version and returns its id.</summary>
    public async Task<string> StartAsync(string valueStreamId, object? input = null)
    {
        using var response = await _http.PostAsJsonAsync($"/api/value-streams/{valueStreamId}/instances", new { input = input ?? new { } });
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Created)
            throw new InvalidOperationException($"Start of {valueStreamId}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    public Task<HttpResponseMessage> PostAsync(string path, object? body = null) =>
        body is null ? _http.PostAsync(path, null) : _http.PostAsJsonAsync(path, body);

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        using var response = await _http.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException($"GET {path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public void Dispose() => _http.Dispose();
}
