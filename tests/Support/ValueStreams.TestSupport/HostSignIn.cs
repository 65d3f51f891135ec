using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ValueStreams.TestSupport;

/// <summary>Bearer tokens from the host's API.</summary>
public static class HostSignIn
{
    /// <summary>
    /// Signs in over <c>POST api/auth/token</c> with <paramref name="http"/> (addressed at the host) and returns the access token.
    /// A refusal fails with the status and body; <paramref name="where"/> names the host in that message.
    /// </summary>
    public static async Task<string> TokenAsync(HttpClient http, string username, string password = "demo", string? where = null,
        CancellationToken cancellationToken = default)
    {
        using var response = await http.PostAsJsonAsync("api/auth/token", new { username, password }, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
            throw new InvalidOperationException(
                $"Sign-in of {username}{(where is null ? "" : $" on {where}")} answered {(int)response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("accessToken").GetString()!;
    }
}
