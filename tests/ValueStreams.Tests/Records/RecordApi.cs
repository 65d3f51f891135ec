using System.Net.Http.Json;
using System.Text.Json;

namespace ValueStreams.Tests.Records;

/// <summary>What record API tests share: a PATCH with If-Match, and a problem's errors by field.</summary>
internal static class RecordApi
{
    public static async Task<HttpResponseMessage> PatchAsync(HttpClient client, string collection, string id, string etag, object change)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/{collection}/{id}") { Content = JsonContent.Create(change) };
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return await client.SendAsync(request);
    }

    public static Dictionary<string, string> Errors(JsonElement problem) =>
        problem.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("path").GetString()!, e => e.GetProperty("message").GetString()!);
}
