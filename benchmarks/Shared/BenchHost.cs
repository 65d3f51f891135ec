using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

/// <summary>The real host in-process on a benchmark's store, for the benchmarks that drive it through its API.</summary>
internal sealed class BenchHost(Dictionary<string, string?> settings) : WebApplicationFactory<global::Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
    }

    /// <summary>A client signed in as a demo user with a bearer token.</summary>
    public async Task<HttpClient> ClientAsync(string username)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var token = await (await client.PostAsJsonAsync("/api/auth/token", new { username, password = "demo" })).EnsureSuccessStatusCode()
            .Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        return client;
    }
}
