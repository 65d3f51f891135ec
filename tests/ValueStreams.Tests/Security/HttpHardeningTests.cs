using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Security;

/// <summary>What every response says about itself, and how cookies, tokens and cross-site writes are treated.</summary>
[Collection(nameof(HostCollection))]
public sealed class HttpHardeningTests
{
    private static readonly object ValidationBody = new { id = "x", name = "X", steps = Array.Empty<object>(), connections = Array.Empty<object>() };

    [Fact]
    public async Task Api_answers_and_pages_say_nosniff_and_same_origin_referrers_and_pages_carry_a_script_policy()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var admin = await host.ClientForAsync("admin");

        foreach (var response in new[]
                 {
                     await admin.GetAsync("/api/catalogue"),
                     await host.AnonymousClient().GetAsync("/api/catalogue"),
                     await host.AnonymousClient().GetAsync("/login"),
                 })
        {
            Assert.Equal(["nosniff"], response.Headers.GetValues("X-Content-Type-Options"));
            Assert.Equal(["same-origin"], response.Headers.GetValues("Referrer-Policy"));
        }

        var login = await host.AnonymousClient().GetAsync("/login");
        var policy = Assert.Single(login.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy);
        Assert.Contains("script-src 'self' 'nonce-", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.DoesNotContain("unsafe-eval", policy);
        var nonce = policy.Split("'nonce-")[1].Split('\'')[0];
        Assert.Contains($"nonce=\"{nonce}\"", await login.Content.ReadAsStringAsync());
        Assert.False(host.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.AddServerHeader, "Kestrel names itself in a Server header");
    }

    [Fact]
    public async Task Outside_development_https_answers_carry_hsts_and_the_sign_in_cookie_is_secure()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var client = host.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://valuestreams.example/"), AllowAutoRedirect = false });

        var page = await client.GetAsync("/login");
        Assert.Contains("max-age=", Assert.Single(page.Headers.GetValues("Strict-Transport-Security")));

        var signedIn = await CookieSignIn.SignInAsync(client, "agent");
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var cookie = Assert.Single(signedIn.Headers.GetValues("Set-Cookie"), c => c.StartsWith("valuestreams.auth=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Readiness_shows_anonymous_callers_only_the_verdict_and_admins_the_checks()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);

        var anonymous = await host.AnonymousClient().GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.Equal(["status"], anonymous.EnumerateObject().Select(p => p.Name));

        var admin = await (await host.ClientForAsync("admin")).GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.True(admin.TryGetProperty("checks", out var checks), admin.ToString());
        Assert.True(checks.TryGetProperty("store", out _));

        var agent = await (await host.ClientForAsync("agent")).GetFromJsonAsync<JsonElement>("/health/ready");
        Assert.False(agent.TryGetProperty("checks", out _), "an agent sees the checks");
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_cookie_signed_in_api_write_from_another_site_is_refused_and_one_from_the_product_goes_through(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var browser = host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(HttpStatusCode.Redirect, (await CookieSignIn.SignInAsync(browser, "owner")).StatusCode);
        var ownOrigin = browser.BaseAddress!.GetLeftPart(UriPartial.Authority);

        foreach (var (header, value) in new[] { ("Origin", "https://attacker.example"), ("Origin", "null"), ("Referer", "https://attacker.example/form.html") })
        {
            using var foreign = new HttpRequestMessage(HttpMethod.Post, "/api/value-streams/validate") { Content = JsonContent.Create(ValidationBody) };
            foreign.Headers.TryAddWithoutValidation(header, value);
            var refused = await browser.SendAsync(foreign);
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        }

        using var own = new HttpRequestMessage(HttpMethod.Post, "/api/value-streams/validate") { Content = JsonContent.Create(ValidationBody) };
        own.Headers.TryAddWithoutValidation("Origin", ownOrigin);
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(own)).StatusCode);

        // Reading stays open to the cookie from anywhere the browser allows; only writes are guarded.
        using var read = new HttpRequestMessage(HttpMethod.Get, "/api/catalogue");
        read.Headers.TryAddWithoutValidation("Origin", "https://attacker.example");
        Assert.Equal(HttpStatusCode.OK, (await browser.SendAsync(read)).StatusCode);
    }

    [Fact]
    public async Task A_bearer_token_call_is_not_refused_for_its_origin()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var owner = await host.ClientForAsync("owner");

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/value-streams/validate") { Content = JsonContent.Create(ValidationBody) };
        request.Headers.TryAddWithoutValidation("Origin", "https://tooling.example");
        Assert.Equal(HttpStatusCode.OK, (await owner.SendAsync(request)).StatusCode);
    }

    [Fact]
    public async Task A_token_comes_without_a_refresh_token_and_works_with_a_lower_case_bearer_scheme()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var client = host.AnonymousClient();

        var issued = await (await client.PostAsJsonAsync("/api/auth/token", new { username = "agent", password = "demo" })).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(issued.TryGetProperty("refreshToken", out _), issued.ToString());
        Assert.True(issued.GetProperty("expiresIn").GetInt64() > 0);
        var token = issued.GetProperty("accessToken").GetString()!;

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/catalogue");
        request.Headers.TryAddWithoutValidation("Authorization", "bearer " + token);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);

        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token + "x");
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/catalogue")).StatusCode);
    }
}
