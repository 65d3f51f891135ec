using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ValueStreams.Core.Definitions.Format;

namespace ValueStreams.Cli.Server;

/// <summary>
/// The part of a ValueStreams server's HTTP API the CLI uses. The <see cref="HttpClient"/> must have the
/// server as its base address; any failure to talk to it becomes a <see cref="ServerException"/> naming it.
/// </summary>
public sealed class ValueStreamsApiClient(HttpClient http) : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public ValueStreamsApiClient(Uri server) : this(CreateHttpClient(server))
    {
    }

    public Uri Server => http.BaseAddress ?? throw new InvalidOperationException("The HttpClient needs the server as its BaseAddress.");

    /// <summary>The client the CLI uses for a server URL: requests relative to it, 30 s to answer.</summary>
    public static HttpClient CreateHttpClient(Uri server)
    {
        var client = new HttpClient { BaseAddress = server, Timeout = Timeout };
        client.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("valuestreams-cli", "1.0"));
        return client;
    }

    public void UseToken(string accessToken) => http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);

    /// <summary>Exchanges a user name and password for a bearer token (<c>POST /api/auth/token</c>) and uses it from then on.</summary>
    public async Task SignInAsync(string username, string password, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Post, "api/auth/token", JsonContent.Create(new { username, password }), cancellationToken);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
            throw new ServerException($"the server at {Server} refused the user name or password");
        await EnsureSuccessAsync(response, cancellationToken);
        UseToken((await ReadAsync<TokenResponse>(response, cancellationToken)).AccessToken);
    }

    /// <summary><c>GET /api/value-streams</c>.</summary>
    public async Task<IReadOnlyList<ValueStreamSummary>> ListAsync(CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, "api/value-streams", null, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await ReadAsync<List<ValueStreamSummary>>(response, cancellationToken);
    }

    /// <summary><c>GET /api/value-streams/{id}</c>: the published version's canonical file, byte for byte.</summary>
    public async Task<byte[]> GetPublishedFileAsync(string id, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(HttpMethod.Get, $"api/value-streams/{Uri.EscapeDataString(id)}", null, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    /// <summary><c>POST /api/value-streams/import</c>: publishes the file as a new version unless the latest published one has the same content.</summary>
    public async Task<ImportOutcome> ImportAsync(byte[] file, CancellationToken cancellationToken)
    {
        var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await SendAsync(HttpMethod.Post, "api/value-streams/import", content, cancellationToken);
        // Refusals of this one file; any other failure (auth, server down) would refuse every file and ends the run.
        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge)
        {
            var problem = await ReadProblemAsync(response, cancellationToken);
            var errors = problem?.Errors?.Select(e => new DefinitionIssue(e.Path ?? "", e.Message ?? "")).ToList() ?? [];
            return new ImportOutcome(null, problem?.Title ?? "the server refused the file", errors);
        }
        await EnsureSuccessAsync(response, cancellationToken);
        return new ImportOutcome(await ReadAsync<ImportResult>(response, cancellationToken), null, []);
    }

    public void Dispose() => http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        try
        {
            // The default completion option buffers the body, so reading it later cannot fail on the network.
            return await http.SendAsync(request, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new ServerException($"cannot reach the server at {Server}: {ex.Message}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ServerException($"the server at {Server} did not answer {method} /{path} within {http.Timeout.TotalSeconds:0} s", ex);
        }
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
            return;
        var request = $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}";
        var title = (await ReadProblemAsync(response, cancellationToken))?.Title;
        if (title == response.ReasonPhrase)
            title = null;
        var hint = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => "; the token is missing, wrong or expired",
            HttpStatusCode.Forbidden => "; the signed-in user is not allowed to do this",
            _ => "",
        };
        throw new ServerException(
            $"the server at {Server} answered {(int)response.StatusCode} {response.ReasonPhrase} to {request}{(title is null ? "" : $": {title}")}{hint}");
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                ?? throw new JsonException("the body is null");
        }
        catch (JsonException ex)
        {
            throw new ServerException(
                $"the server at {Server} answered {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} with unexpected content: {ex.Message}", ex);
        }
    }

    private static async Task<Problem?> ReadProblemAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<Problem>(Json, cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException)
        {
            return null;
        }
    }

    private sealed record TokenResponse(string AccessToken);

    private sealed record Problem(string? Title, List<ProblemError>? Errors);

    private sealed record ProblemError(string? Path, string? Message);
}

/// <summary>One entry of <c>GET /api/value-streams</c>; a stream never published has no published version.</summary>
public sealed record ValueStreamSummary(string Id, string? Name, int? PublishedVersion, int? LatestVersion);

/// <summary>An accepted import: <see cref="Status"/> is <c>published</c> (a new version) or <c>unchanged</c>.</summary>
public sealed record ImportResult(string Id, int Version, string Status);

/// <summary>Either the import result, or why the server refused the file (a title and the errors at their paths).</summary>
public sealed record ImportOutcome(ImportResult? Imported, string? Refusal, IReadOnlyList<DefinitionIssue> Errors);
