using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Api;

/// <summary>The foundation's promises, checked through HTTP on each provider.</summary>
[Collection(nameof(HostCollection))]
public sealed class FoundationApiTests
{
    private static IDictionary<string, string?> DemoUsersOn => new Dictionary<string, string?> { ["ValueStreams:DemoUsers"] = "true" };

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_fresh_store_is_ready_and_serves_the_catalogue_to_a_signed_in_admin(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider, DemoUsersOn);
        var admin = await host.ClientForAsync("admin");

        // Admins see each check; anonymous callers only the verdict.
        var ready = await WaitForReadyAsync(admin);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        var health = await ready.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("store").GetProperty("status").GetString());
        Assert.Equal("Healthy", health.GetProperty("checks").GetProperty("scheduler").GetProperty("status").GetString());

        var catalogue = await admin.GetFromJsonAsync<JsonElement>("/api/catalogue");
        Assert.Equal(6, catalogue.GetProperty("valueChainActivities").GetArrayLength());
        var practices = catalogue.GetProperty("practices").EnumerateArray().ToList();
        Assert.Equal(34, practices.Count);
        var incident = practices.Single(p => p.GetProperty("id").GetString() == "incident-management");
        Assert.Equal("service", incident.GetProperty("group").GetString());
        Assert.Equal(3, incident.GetProperty("heat").GetProperty("deliver-and-support").GetInt32());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Without_a_token_the_api_answers_401_problem_details(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider, DemoUsersOn);
        var response = await host.AnonymousClient().GetAsync("/api/catalogue");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_401(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider, DemoUsersOn);
        var client = host.AnonymousClient();

        var wrongPassword = await client.PostAsJsonAsync("/api/auth/token", new { username = "admin", password = "nope" });
        var unknownUser = await client.PostAsJsonAsync("/api/auth/token", new { username = "nobody", password = "demo" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrongPassword.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unknownUser.StatusCode);
        Assert.Equal(await TitleOf(wrongPassword), await TitleOf(unknownUser));
    }

    [Fact]
    public async Task Malformed_truncated_and_mistyped_json_bodies_get_400_problem_details_naming_the_problem()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var client = host.AnonymousClient();

        var truncated = await PostRawAsync(client, "/api/auth/token", """{"username":"admin","pass""");
        var mistyped = await PostRawAsync(client, "/api/auth/token", """{"username":5,"password":"demo"}""");
        var garbage = await PostRawAsync(client, "/api/auth/token", "\u0001\u0002not json at all");
        var empty = await PostRawAsync(client, "/api/auth/token", "{}");

        foreach (var response in new[] { truncated, mistyped, garbage, empty })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        Assert.Contains("$.username", await mistyped.Content.ReadAsStringAsync());
        Assert.Contains("Invalid JSON", await truncated.Content.ReadAsStringAsync());
        var missing = await empty.Content.ReadFromJsonAsync<JsonElement>();
        var paths = missing.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()).ToList();
        Assert.Equal(["username", "password"], paths);
    }

    [Fact]
    public async Task Repeated_failed_sign_ins_are_throttled_even_for_the_right_password()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite,
            new Dictionary<string, string?> { ["ValueStreams:Auth:FailedLoginLimit"] = "3" });
        var client = host.AnonymousClient();

        for (var attempt = 0; attempt < 3; attempt++)
            Assert.Equal(HttpStatusCode.Unauthorized,
                (await client.PostAsJsonAsync("/api/auth/token", new { username = "agent", password = "guess" })).StatusCode);

        var throttled = await client.PostAsJsonAsync("/api/auth/token", new { username = "agent", password = "demo" });
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.True(throttled.Headers.RetryAfter is not null);

        // Another user from the same address is not locked out by agent's failures.
        Assert.Equal(HttpStatusCode.OK,
            (await client.PostAsJsonAsync("/api/auth/token", new { username = "engineer", password = "demo" })).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_restart_on_the_same_store_applies_no_migration_and_keeps_the_users(StorageProvider provider)
    {
        var first = await ApiHost.StartAsync(provider, DemoUsersOn);
        await first.ClientForAsync("agent");

        await using var second = await first.RestartAsync();

        Assert.Equal(HttpStatusCode.OK, (await WaitForReadyAsync(second.AnonymousClient())).StatusCode);
        Assert.NotNull(await second.ClientForAsync("agent"));
    }

    [Fact]
    public async Task The_hangfire_dashboard_admits_admins_only()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);

        var anonymous = await host.AnonymousClient().GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
        Assert.Contains("/login", anonymous.Headers.Location?.ToString());

        var agent = await (await host.ClientForAsync("agent")).GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.Forbidden, agent.StatusCode);

        var admin = await (await host.ClientForAsync("admin")).GetAsync("/hangfire");
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Contains("ValueStreams jobs", await admin.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api_and_the_reference_page_is_served()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var client = host.AnonymousClient();

        var document = await client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/catalogue", out _));
        Assert.True(paths.TryGetProperty("/api/auth/token", out _));
        Assert.Equal("bearer", document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer").GetProperty("scheme").GetString());

        var reference = await client.GetAsync("/scalar/v1");
        Assert.Equal(HttpStatusCode.OK, reference.StatusCode);
    }

    [Fact]
    public async Task An_unknown_page_answers_404_with_the_not_found_page_and_an_unknown_api_address_with_problem_details()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite, DemoUsersOn);
        var client = await host.ClientForAsync("agent");

        var page = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/no-such-page?x=1") { Headers = { { "Accept", "text/html,application/xhtml+xml,*/*;q=0.8" } } });
        Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("Page not found", html);
        Assert.Contains("href=\"/\"", html);
        Assert.Contains("/no-such-page", html);

        foreach (var accept in new[] { "application/json", "*/*" })
        {
            var api = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/no-such-thing") { Headers = { { "Accept", accept } } });
            Assert.Equal(HttpStatusCode.NotFound, api.StatusCode);
            Assert.Equal("application/problem+json", api.Content.Headers.ContentType?.MediaType);
            Assert.Equal(404, (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetInt32());
        }

        // A script asking for JSON at a page address keeps problem details too.
        var json = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/no-such-page") { Headers = { { "Accept", "application/json" } } });
        Assert.Equal(HttpStatusCode.NotFound, json.StatusCode);
        Assert.Equal("application/problem+json", json.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Pages_send_signed_out_visitors_to_the_login_page_which_is_public()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var client = host.AnonymousClient();

        var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.Redirect, home.StatusCode);
        Assert.StartsWith("/login", home.Headers.Location!.PathAndQuery);

        var login = await client.GetAsync("/login");
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var html = await login.Content.ReadAsStringAsync();
        Assert.Contains("action=\"/account/login\"", html);
        Assert.Contains("Demo sign-ins", html);
    }

    private static async Task<HttpResponseMessage> WaitForReadyAsync(HttpClient client)
    {
        // The Hangfire server announces itself a moment after start-up; readiness waits for it.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var response = await client.GetAsync("/health/ready");
            if (response.StatusCode == HttpStatusCode.OK || DateTime.UtcNow > deadline)
                return response;
            await Task.Delay(200);
        }
    }

    private static Task<HttpResponseMessage> PostRawAsync(HttpClient client, string path, string body) =>
        client.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));

    private static async Task<string?> TitleOf(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString();
}
