using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ValueStreams.Core.Identity;
using ValueStreams.Engine.Storage;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Security;

/// <summary>
/// Every operation of the OpenAPI document and every page, called by each kind of caller on real seeded data, answers
/// as its declared access rule says: never a 5xx, never a success where the rule denies. An operation without a rule
/// fails the test by name.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed partial class AuthorizationMatrixTests
{
    /// <summary>The callers: nobody, a candidate of the seeded task (its group, and its starter), another group's agent, a process owner, an admin.</summary>
    private static readonly string?[] Callers = [null, "engineer", "owner", "agent", "admin"];

    private const string Stream = "incident-resolution";

    [Fact]
    public async Task Every_operation_and_page_answers_each_caller_as_its_access_rule_says()
    {
        await using var api = await EngineApi.StartAsync(StorageProvider.Sqlite);
        var instance = IdOf(await api.StartAsync(Stream, user: "agent"));
        var task = IdOf((await api.TasksOfAsync(instance)).Single());
        var title = (await BodyAsync(await (await api.As("admin")).GetAsync($"/api/tasks/{task}"))).GetProperty("title").GetString()!;
        var rules = RulesByRoute(api.Host.Services.GetRequiredService<EndpointDataSource>());

        using var document = JsonDocument.Parse(await api.Host.AnonymousClient().GetStringAsync("/openapi/v1.json"));
        var operations = new List<(string Method, string Path)>();
        foreach (var path in document.RootElement.GetProperty("paths").EnumerateObject())
            foreach (var operation in path.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "put" or "patch" or "delete"))
                operations.Add((operation.Name.ToUpperInvariant(), path.Name));
        Assert.NotEmpty(operations);
        Assert.Empty(operations.Where(o => !rules.ContainsKey(Key(o.Method, o.Path))).Select(o => $"{o.Method} {o.Path} declares no access rule"));

        var failures = new List<string>();
        var clients = new Dictionary<string, HttpClient>();
        foreach (var caller in Callers)
            clients[caller ?? "anonymous"] = caller is null ? api.Host.AnonymousClient() : await TokenClientAsync(api.Host, caller);

        // Those the rule denies are asked first, so the allowed callers' changes (a claim, a cancel) cannot hide a denial.
        foreach (var (method, path) in operations)
        {
            var rule = rules[Key(method, path)];
            var url = Fill(path, task, instance);
            foreach (var caller in Callers.OrderBy(c => Expected(rule, c) == Outcome.Allowed ? 1 : 0))
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), url);
                if (method is "POST" or "PUT" or "PATCH")
                    request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
                using var response = await clients[caller ?? "anonymous"].SendAsync(request);
                if (Judge(Expected(rule, caller), response.StatusCode, page: false, seeded: IsResourceRule(rule)) is { } wrong)
                    failures.Add($"{method} {path} ({rule}) as {caller ?? "anonymous"}: {wrong}, got {(int)response.StatusCode} {Short(await response.Content.ReadAsStringAsync())}");
            }
        }

        foreach (var (route, rule) in PageRules(api.Host.Services.GetRequiredService<EndpointDataSource>()))
        {
            var url = Fill(route, task, instance);
            foreach (var caller in Callers)
            {
                using var response = await clients[caller ?? "anonymous"].GetAsync(url);
                var expected = Expected(rule, caller);
                if (caller is null && expected == Outcome.Unauthenticated)
                {
                    if (response.StatusCode != HttpStatusCode.Redirect || response.Headers.Location?.ToString().Contains("/login") != true)
                        failures.Add($"page {route} as anonymous: expected a redirect to the login page, got {(int)response.StatusCode}");
                    continue;
                }
                var body = await response.Content.ReadAsStringAsync();
                if (expected == Outcome.Hidden)
                {
                    // A page answers for itself: it renders, but shows nothing of a task its caller may not see.
                    if (response.StatusCode != HttpStatusCode.OK || body.Contains(title, StringComparison.Ordinal) || !body.Contains("Task not found"))
                        failures.Add($"page {route} as {caller}: expected 'Task not found' without the task, got {(int)response.StatusCode}");
                    continue;
                }
                if (Judge(expected, response.StatusCode, page: true, seeded: IsResourceRule(rule)) is { } wrong)
                    failures.Add($"page {route} ({rule}) as {caller ?? "anonymous"}: {wrong}, got {(int)response.StatusCode}");
                else if (rule == Access.TaskCandidate && !body.Contains(title, StringComparison.Ordinal))
                    failures.Add($"page {route} as {caller}: the task's title is missing");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private enum Outcome { Allowed, Unauthenticated, Forbidden, Hidden }

    /// <summary>The rule table: what the rule means for each caller of the seeded data.</summary>
    private static Outcome Expected(Access rule, string? caller) => (rule, caller) switch
    {
        (Access.Anonymous, _) => Outcome.Allowed,
        (_, null) => Outcome.Unauthenticated,
        (Access.SignedIn, _) => Outcome.Allowed,
        (_, "admin") => Outcome.Allowed,
        (Access.Agent, _) => caller is "agent" or "engineer" ? Outcome.Allowed : Outcome.Forbidden,
        (Access.ProcessOwner, _) => caller == "owner" ? Outcome.Allowed : Outcome.Forbidden,
        // Incident resolution names its starters: service-desk agents among them, network engineers not; owners always may.
        (Access.StreamStarter, _) => caller is "agent" or "owner" ? Outcome.Allowed : Outcome.Forbidden,
        (Access.InstanceParticipant or Access.TaskCandidate, _) => caller == "agent" ? Outcome.Allowed : Outcome.Hidden,
        _ => Outcome.Forbidden,
    };

    /// <summary>
    /// What is wrong with the status for the expected outcome, or null. Allowed callers may still get a 4xx for the empty
    /// body, and a 404 where the path's ids are placeholders (only resource rules get the seeded instance and task); a page
    /// may refuse with a redirect to the access-denied page.
    /// </summary>
    private static string? Judge(Outcome expected, HttpStatusCode status, bool page, bool seeded)
    {
        var code = (int)status;
        if (code >= 500)
            return "never a server error";
        return expected switch
        {
            Outcome.Unauthenticated when status != HttpStatusCode.Unauthorized => "expected 401",
            Outcome.Forbidden when status != HttpStatusCode.Forbidden && !(page && status == HttpStatusCode.Redirect) => "expected 403",
            Outcome.Hidden when status != HttpStatusCode.NotFound => "expected 404",
            Outcome.Allowed when status is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => "expected to be let in",
            Outcome.Allowed when status == HttpStatusCode.NotFound && seeded => "expected to find the seeded instance or task",
            _ => null,
        };
    }

    private static bool IsResourceRule(Access rule) => rule is Access.InstanceParticipant or Access.TaskCandidate;

    private static Dictionary<string, Access> RulesByRoute(EndpointDataSource endpoints)
    {
        var rules = new Dictionary<string, Access>(StringComparer.Ordinal);
        foreach (var endpoint in endpoints.Endpoints.OfType<RouteEndpoint>())
        {
            if (AccessRules.RuleOf(endpoint) is not { } rule)
                continue;
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [])
                rules[Key(method, endpoint.RoutePattern.RawText ?? "")] = rule;
        }
        return rules;
    }

    /// <summary>Every page (a routable component) with its rule; a page without one fails here too.</summary>
    private static List<(string Route, Access Rule)> PageRules(EndpointDataSource endpoints)
    {
        var pages = endpoints.Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<ComponentTypeMetadata>() is not null)
            .Select(e => (Route: e.RoutePattern.RawText!, Rule: AccessRules.RuleOf(e)))
            .DistinctBy(p => p.Route)
            .ToList();
        Assert.Empty(pages.Where(p => p.Rule is null).Select(p => $"page {p.Route} declares no access rule"));
        var all = pages.Select(p => (p.Route, p.Rule!.Value)).ToList();
        all.Add(("/hangfire", Access.Admin));
        return all;
    }

    /// <summary>Path parameters from the seeded data: the task, the instance, the shipped stream, its first version.</summary>
    private static string Fill(string route, string task, string instance) =>
        Parameter().Replace(route, match => match.Groups[1].Value.ToLowerInvariant() switch
        {
            "version" => "1",
            _ when route.StartsWith("/api/tasks", StringComparison.Ordinal) || route.StartsWith("/tasks", StringComparison.Ordinal) => task,
            _ when route.StartsWith("/api/instances", StringComparison.Ordinal) => instance,
            _ => Stream,
        });

    private static string Key(string method, string route) =>
        $"{method} {Parameter().Replace(route, m => $"{{{m.Groups[1].Value}}}").TrimEnd('/')}";

    [GeneratedRegex(@"\{\*?\*?([A-Za-z]+)(?::[^}]*)?\??\}")]
    private static partial Regex Parameter();

    private static async Task<HttpClient> TokenClientAsync(ApiHost host, string username)
    {
        var client = host.AnonymousClient();
        var token = await (await client.PostAsJsonAsync("/api/auth/token", new { username, password = "demo" })).Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.GetProperty("accessToken").GetString());
        return client;
    }

    private static string Short(string body) => body.Length > 300 ? body[..300] + "…" : body;
}
