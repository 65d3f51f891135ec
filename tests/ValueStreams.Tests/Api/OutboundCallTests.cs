using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using ValueStreams.Engine.Storage;
using ValueStreams.Host.Features.Outbound;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Api;

/// <summary>
/// HTTP steps and webhooks reach only what the host allows: no internal or metadata address unless the admin allow-list names
/// it, only listed hosts when a host list is set; a call that cannot be made leaves by failed, saying why, and never strands its instance.
/// </summary>
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

    private static OutboundCalls Default => new(new OutboundOptions());

    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.42.0.9", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.16.0.1", "private")]
    [InlineData("172.31.255.254", "private")]
    [InlineData("192.168.1.1", "private")]
    [InlineData("100.64.0.1", "shared (CGNAT)")]
    [InlineData("100.127.255.254", "shared (CGNAT)")]
    [InlineData("169.254.10.10", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fc00::1", "unique-local")]
    [InlineData("fd12:3456::1", "unique-local")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("::", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    [InlineData("ff02::1", "multicast")]
    [InlineData("255.255.255.255", "broadcast")]
    [InlineData("169.254.169.254", "cloud metadata")]
    [InlineData("fd00:ec2::254", "cloud metadata")]
    [InlineData("100.100.100.200", "cloud metadata")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("::ffff:10.0.0.1", "private")]
    [InlineData("::ffff:169.254.169.254", "cloud metadata")]
    [InlineData("::127.0.0.1", "loopback")]
    [InlineData("64:ff9b::a00:1", "private")]
    public void Internal_addresses_are_refused_by_default_saying_what_they_are(string address, string kind)
    {
        var refusal = Default.RefusalFor("target.example", IPAddress.Parse(address));

        Assert.NotNull(refusal);
        Assert.Contains(kind, refusal);
    }

    [Theory]
    [InlineData("93.184.215.14")]
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2606:4700::6810:84e5")]
    public void Public_addresses_may_be_called(string address)
    {
        Assert.Null(Default.RefusalFor("target.example", IPAddress.Parse(address)));
    }

    [Theory]
    [InlineData("http://169.254.169.254/latest/meta-data/", "cloud metadata")]
    [InlineData("http://[fe80::1]/", "link-local")]
    [InlineData("http://0.0.0.0/", "unspecified")]
    [InlineData("http://[fd00:ec2::254]/", "cloud metadata")]
    [InlineData("http://100.64.0.1/", "shared (CGNAT)")]
    [InlineData("http://[::ffff:127.0.0.1]/", "loopback")]
    public async Task Internal_addresses_are_refused_before_connecting(string url, string refusal)
    {
        using var client = new HttpClient(Default.Handler()) { Timeout = TimeSpan.FromSeconds(5) };

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(url));

        Assert.Contains(refusal, Refusal(failure));
    }

    [Fact]
    public async Task A_name_that_resolves_to_loopback_is_refused_at_connect_time_and_nothing_is_called()
    {
        using var endpoint = new Endpoint();
        using var client = new HttpClient(Default.Handler()) { Timeout = TimeSpan.FromSeconds(5) };

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync($"http://localhost:{endpoint.Port}/openapi/v1.json"));

        Assert.Contains("loopback", Refusal(failure));
        Assert.Equal(0, endpoint.Calls);
    }

    [Fact]
    public async Task The_admin_allow_list_lets_chosen_internal_hosts_and_ranges_through_and_nothing_else()
    {
        using var endpoint = new Endpoint();
        using var byRange = new HttpClient(new OutboundCalls(new OutboundOptions { AllowedInternal = ["127.0.0.0/8"] }).Handler());
        using var byAddress = new HttpClient(new OutboundCalls(new OutboundOptions { AllowedInternal = ["127.0.0.1"] }).Handler());
        var byName = new OutboundCalls(new OutboundOptions { AllowedInternal = ["crm.corp.example", "*.intra.example"] });

        Assert.Equal(HttpStatusCode.OK, (await byRange.GetAsync($"http://127.0.0.1:{endpoint.Port}/ping")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await byAddress.GetAsync($"http://127.0.0.1:{endpoint.Port}/ping")).StatusCode);

        Assert.Equal(2, endpoint.Calls);
        Assert.Null(byName.RefusalFor("crm.corp.example", IPAddress.Parse("10.0.0.7")));
        Assert.Null(byName.RefusalFor("wiki.intra.example", IPAddress.Parse("192.168.3.4")));
        Assert.NotNull(byName.RefusalFor("crm.corp.example.evil", IPAddress.Parse("10.0.0.7")));
        Assert.NotNull(byName.RefusalFor("other.example", IPAddress.Parse("10.0.0.7")));
        Assert.Contains("cloud metadata", byName.RefusalFor("crm.corp.example", IPAddress.Parse("169.254.169.254")));
    }

    [Fact]
    public void A_malformed_allow_list_entry_is_refused_at_start_naming_the_setting()
    {
        var failure = Assert.Throws<InvalidOperationException>(() => new OutboundCalls(new OutboundOptions { AllowedInternal = ["10.0.0.0/40"] }));

        Assert.Contains("ValueStreams:Outbound:AllowedInternal", failure.Message);
        Assert.Contains("10.0.0.0/40", failure.Message);
    }

    [Fact]
    public void Outbound_calls_never_go_through_a_proxy_so_the_connect_time_check_sees_the_real_target()
    {
        using var handler = Default.Handler();

        Assert.False(handler.UseProxy);
        Assert.Null(handler.Proxy);
    }

    [Fact]
    public async Task With_an_allow_list_only_the_listed_hosts_are_called()
    {
        using var endpoint = new Endpoint();
        var listed = new OutboundCalls(new OutboundOptions { AllowedHosts = ["127.0.0.1", "*.corp.example"], AllowedInternal = ["127.0.0.1"] });
        var others = new OutboundCalls(new OutboundOptions { AllowedHosts = ["api.example.com"], AllowedInternal = ["127.0.0.1"] });
        using var allowed = new HttpClient(listed.Handler());
        using var refused = new HttpClient(others.Handler());

        Assert.Equal(HttpStatusCode.OK, (await allowed.GetAsync($"http://127.0.0.1:{endpoint.Port}/ping")).StatusCode);
        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => refused.GetAsync($"http://127.0.0.1:{endpoint.Port}/ping"));

        Assert.Contains("'127.0.0.1' is not among the hosts outbound calls may reach", Refusal(failure));
        Assert.Equal(1, endpoint.Calls);
        Assert.Null(listed.RefusalForHost("crm.corp.example"));
        Assert.NotNull(listed.RefusalForHost("corp.example.evil"));
    }

    /// <summary>start → call (GET url into 'reply') → done: answered → end; failed: unanswered → end.</summary>
    private static StreamFile Caller(string id, string url) => new StreamFile(id)
        .Variable("reply", "object")
        .Start()
        .Step("call", "http-request", new JsonObject { ["method"] = "GET", ["url"] = url, ["resultVariable"] = "reply" })
        .Milestone("answered").Milestone("unanswered").End()
        .Connect("start", "call").Connect("call", "answered").Connect("call", "unanswered", "failed")
        .Connect("answered", "end").Connect("unanswered", "end");

    /// <summary>A host with the demo users and no outbound allow-list, as a production host starts.</summary>
    private static async Task<EngineApi> StartWithoutAllowListAsync() =>
        new(await ApiHost.StartAsync(StorageProvider.Sqlite, new Dictionary<string, string?> { ["ValueStreams:DemoUsers"] = "true" }));

    [Fact]
    public async Task An_owners_stream_cannot_fetch_from_the_hosts_own_machine()
    {
        using var endpoint = new Endpoint();
        await using var api = await StartWithoutAllowListAsync();
        await api.PublishAsync(Caller("outbound-loopback", $"http://127.0.0.1:{endpoint.Port}/openapi/v1.json"));

        var instance = EngineApi.IdOf(await api.StartAsync("outbound-loopback"));
        var done = await api.WaitForStatusAsync(instance, "completed");

        Assert.Equal(0, endpoint.Calls);
        Assert.Single(await api.JournalOfAsync(instance, "value-realised", "unanswered"));
        Assert.Contains("loopback", done.GetProperty("variables").GetProperty("reply").GetProperty("error").GetString());
    }

    [Theory]
    [InlineData("{{ 'file:///etc/passwd' }}", "must be an http or https address")]
    [InlineData("{{ 'http://[::1' }}", "is not a valid address")]
    [InlineData("{{ 'http://169.254.169.254/latest/' }}", "cloud metadata")]
    [InlineData("{{ vars.nothing.here }}", "")]
    public async Task An_http_step_whose_address_renders_to_something_uncallable_leaves_by_failed_saying_why(string url, string reason)
    {
        await using var api = await StartWithoutAllowListAsync();
        await api.PublishAsync(Caller("outbound-rendered", url));

        var instance = EngineApi.IdOf(await api.StartAsync("outbound-rendered"));
        var done = await api.WaitForStatusAsync(instance, "completed", TimeSpan.FromSeconds(30));

        Assert.Single(await api.JournalOfAsync(instance, "value-realised", "unanswered"));
        var error = done.GetProperty("variables").GetProperty("reply").GetProperty("error").GetString();
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.Contains(reason, error);
    }

    [Fact]
    public async Task A_stream_that_calls_a_metadata_address_is_refused_at_import_naming_the_url()
    {
        await using var api = await EngineApi.StartAsync();
        var file = Caller("outbound-metadata", "http://169.254.169.254/latest/meta-data/").ToJson();

        var response = await (await api.As("owner")).PostAsync("/api/value-streams/import", new StringContent(file, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("steps[1].url", await EngineApi.ErrorPathsAsync(response));
    }
}
