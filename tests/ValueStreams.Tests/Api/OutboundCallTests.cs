using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using ValueStreams.Host.Features.Outbound;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Api;

/// <summary>HTTP steps and webhooks reach only what the host allows: never link-local addresses, only listed hosts when a list is set.</summary>
[Collection(nameof(HostCollection))]
public sealed class OutboundCallTests
{
    private static string Refusal(Exception failure) =>
        string.Join(" / ", Chain(failure).Select(e => e.Message));

    private static IEnumerable<Exception> Chain(Exception? failure)
    {
        for (; failure is not null; failure = failure.InnerException)
            yield return failure;
    }

    /// <summary>A local endpoint that answers every request with 200 and counts them.</summary>
    private sealed class Endpoint : IDisposable
    {
        private readonly HttpListener _listener = new();
        public int Calls;

        public Endpoint()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
            _listener.Start();
            _ = Task.Run(async () =>
            {
                while (_listener.IsListening)
                {
                    try
                    {
                        var context = await _listener.GetContextAsync();
                        Interlocked.Increment(ref Calls);
                        context.Response.StatusCode = 200;
                        context.Response.Close();
                    }
                    catch (Exception) when (!_listener.IsListening)
                    {
                    }
                }
            });
        }

        public int Port { get; }

        public void Dispose() => _listener.Close();
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address, which outbound calls may not reach")]
    [InlineData("http://[fe80::1]/", "fe80::1 is a link-local address, which outbound calls may not reach")]
    [InlineData("http://0.0.0.0/", "0.0.0.0 is not an address to call")]
    public async Task Link_local_and_unspecified_addresses_are_refused_before_connecting(string url, string refusal)
    {
        using var client = new HttpClient(new OutboundCalls(new OutboundOptions()).Handler()) { Timeout = TimeSpan.FromSeconds(5) };

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(url));

        Assert.Contains(refusal, Refusal(failure));
    }

    [Fact]
    public async Task With_an_allow_list_only_the_listed_hosts_are_called()
    {
        using var endpoint = new Endpoint();
        var listed = new OutboundCalls(new OutboundOptions { AllowedHosts = ["127.0.0.1", "*.corp.example"] });
        var others = new OutboundCalls(new OutboundOptions { AllowedHosts = ["api.example.com"] });
        using var allowed = new HttpClient(listed.Handler());
        using var refused = new HttpClient(others.Handler());

        Assert.Equal(HttpStatusCode.OK, (await allowed.GetAsync($"http://127.0.0.1:{endpoint.Port}/ping")).StatusCode);
        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => refused.GetAsync($"http://127.0.0.1:{endpoint.Port}/ping"));

        Assert.Contains("'127.0.0.1' is not among the hosts outbound calls may reach", Refusal(failure));
        Assert.Equal(1, endpoint.Calls);
        Assert.Null(listed.RefusalForHost("crm.corp.example"));
        Assert.NotNull(listed.RefusalForHost("corp.example.evil"));
    }

    [Fact]
    public async Task An_http_step_to_a_metadata_address_leaves_by_failed_saying_why()
    {
        await using var api = await EngineApi.StartAsync();
        await api.PublishAsync(new StreamFile("outbound-metadata")
            .Variable("reply", "object")
            .Start()
            .Step("call", "http-request", new JsonObject { ["method"] = "GET", ["url"] = "http://169.254.169.254/latest/meta-data/", ["resultVariable"] = "reply" })
            .Milestone("answered").Milestone("unanswered").End()
            .Connect("start", "call").Connect("call", "answered").Connect("call", "unanswered", "failed")
            .Connect("answered", "end").Connect("unanswered", "end"));

        var instance = EngineApi.IdOf(await api.StartAsync("outbound-metadata"));
        var done = await api.WaitForStatusAsync(instance, "completed");

        Assert.Single(await api.JournalOfAsync(instance, "value-realised", "unanswered"));
        Assert.Contains("link-local", done.GetProperty("variables").GetProperty("reply").GetProperty("error").GetString());
    }
}
