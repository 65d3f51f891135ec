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

    /// <summary>Configuration items with these titles; their numbers by title.</summary>
    public static async Task<Dictionary<string, string>> ItemsAsync(HttpClient client, params string[] titles)
    {
        var numbers = new Dictionary<string, string>();
        foreach (var title in titles)
            numbers[title] = await CreateAsync(client, "configuration-items", new { title, ciType = "application" });
        return numbers;
    }

    /// <summary>A service in the portfolio (admins keep the catalogue); its number.</summary>
    public static Task<string> ServiceAsync(HttpClient admin, string title) => CreateAsync(admin, "services", new { title });

    /// <summary>Creates a record through the API and returns its number; anything but 201 fails the test with the answer.</summary>
    public static async Task<string> CreateAsync(HttpClient client, string collection, object body)
    {
        var response = await client.PostAsJsonAsync($"/api/{collection}", body);
        Xunit.Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"{collection}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;
    }

    public static Dictionary<string, string> Errors(JsonElement problem) =>
        problem.GetProperty("errors").EnumerateArray().ToDictionary(e => e.GetProperty("path").GetString()!, e => e.GetProperty("message").GetString()!);
}
