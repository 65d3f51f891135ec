using System.IO.Pipelines;
using System.Net;
using Microsoft.AspNetCore.Http.Features;
using System.Net.Http.Json;
using System.Text;
using ValueStreams.Engine.Storage;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Security;

/// <summary>Failed sign-ins are limited per client address across user names, and the address is the real client's.</summary>
[Collection(nameof(HostCollection))]
public sealed class PasswordSprayingTests
{
    [Fact]
    public async Task Thirty_unknown_names_from_one_address_end_in_429()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var client = host.AnonymousClient();

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 30; i++)
            answers.Add((await client.PostAsJsonAsync("/api/auth/token", new { username = $"nobody-{i}", password = "Winter2026!" })).StatusCode);

        Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1]);
        Assert.All(answers.SkipWhile(a => a != HttpStatusCode.TooManyRequests), a => Assert.Equal(HttpStatusCode.TooManyRequests, a));
    }

    [Fact]
    public async Task One_password_tried_on_fourteen_users_ends_in_429_even_for_a_right_password()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var client = host.AnonymousClient();

        var answers = new List<HttpStatusCode>();
        foreach (var member in DemoUsers.Members.Take(14))
            answers.Add((await client.PostAsJsonAsync("/api/auth/token", new { username = member.Username, password = "Summer2026!" })).StatusCode);

        Assert.Equal(HttpStatusCode.TooManyRequests, answers[^1]);
        var refused = await client.PostAsJsonAsync("/api/auth/token", new { username = "agent", password = "demo" });
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    [Fact]
    public async Task Forwarded_client_addresses_are_believed_only_from_a_configured_proxy()
    {
        await using var proxied = await ApiHost.StartAsync(StorageProvider.Sqlite,
            new Dictionary<string, string?> { ["ValueStreams:ForwardedHeaders:KnownProxies:0"] = "10.1.2.3" });

        // Through the proxy, the sprayer's address runs out and another client behind the same proxy does not.
        for (var i = 0; i < 12; i++)
            await SignInAsync(proxied, from: "10.1.2.3", forwardedFor: "203.0.113.7", $"nobody-{i}", "guess");
        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInAsync(proxied, "10.1.2.3", "203.0.113.7", "agent", "demo"));
        Assert.Equal(HttpStatusCode.OK, await SignInAsync(proxied, "10.1.2.3", "203.0.113.8", "agent", "demo"));

        // From anyone else, a forwarded address is ignored: changing it each time does not escape the limit.
        for (var i = 0; i < 12; i++)
            await SignInAsync(proxied, from: "198.51.100.9", forwardedFor: $"192.0.2.{i}", $"nobody-{i}", "guess");
        Assert.Equal(HttpStatusCode.TooManyRequests, await SignInAsync(proxied, "198.51.100.9", "192.0.2.99", "agent", "demo"));
    }

    private static async Task<HttpStatusCode> SignInAsync(ApiHost host, string from, string forwardedFor, string username, string password)
    {
        var body = Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(new { username, password }));
        var context = await host.Server.SendAsync(http =>
        {
            http.Request.Method = "POST";
            http.Request.Path = "/api/auth/token";
            http.Request.ContentType = "application/json";
            http.Request.Headers["X-Forwarded-For"] = forwardedFor;
            http.Request.Body = new MemoryStream(body);
            http.Features.Set<IHttpRequestBodyDetectionFeature>(new BodyFromStream(http.Request.Body));
            http.Request.ContentLength = body.Length;
            http.Connection.RemoteIpAddress = IPAddress.Parse(from);
        });
        return (HttpStatusCode)context.Response.StatusCode;
    }

    private sealed class BodyFromStream(Stream body) : IRequestBodyPipeFeature, IHttpRequestBodyDetectionFeature
    {
        public PipeReader Reader { get; } = PipeReader.Create(body);

        public bool CanHaveBody => true;
    }
}
