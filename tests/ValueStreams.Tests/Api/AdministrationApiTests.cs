using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Api;

/// <summary>Users, groups, passwords and the audit log over the API, on each store.</summary>
[Collection(nameof(HostCollection))]
public sealed class AdministrationApiTests
{
    private const string GoodPassword = "correct horse battery";

    private static Dictionary<string, string?> DemoUsersOn => new() { ["ValueStreams:DemoUsers"] = "true" };

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Admins_create_and_change_users_and_groups_and_bad_requests_name_the_field_or_answer_404_and_409(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider, DemoUsersOn);
        var admin = await host.ClientForAsync("admin");
        var agent = await host.ClientForAsync("agent");

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/users")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/groups")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.GetAsync("/api/audit")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/users", NewUser("mallory"))).StatusCode);

        var created = await admin.PostAsJsonAsync("/api/users", NewUser("Nia"));
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal("/api/users/Nia", created.Headers.Location?.OriginalString);
        var nia = await created.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["agent"], Strings(nia, "roles"));
        Assert.Equal(["service-desk"], Strings(nia, "groups"));
        Assert.True(nia.GetProperty("active").GetBoolean());
        Assert.False(nia.TryGetProperty("passwordHash", out _));

        await AssertProblemAsync(await admin.PostAsJsonAsync("/api/users", NewUser("NIA")), HttpStatusCode.Conflict);
        await AssertProblemAsync(await admin.PostAsJsonAsync("/api/users",
                new { username = "bad name", displayName = " ", email = "not-mail", password = "short", roles = new[] { "king" }, groups = new[] { "nowhere" } }),
            HttpStatusCode.BadRequest, "username", "displayName", "email", "password", "roles[0]", "groups[0]");
        await AssertProblemAsync(await admin.GetAsync("/api/users/nobody"), HttpStatusCode.NotFound);
        await AssertProblemAsync(await admin.PatchAsJsonAsync("/api/users/nobody", new { displayName = "X" }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await admin.PatchAsJsonAsync("/api/users/nia", new { roles = Array.Empty<string>() }), HttpStatusCode.BadRequest, "roles");

        var changed = await admin.PatchAsJsonAsync("/api/users/nia", new { displayName = "Nia Network", roles = new[] { "agent", "process-owner" }, groups = new[] { "network-support" } });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        nia = await admin.GetFromJsonAsync<JsonElement>("/api/users/NIA");
        Assert.Equal("Nia Network", nia.GetProperty("displayName").GetString());
        Assert.Equal(["agent", "process-owner"], Strings(nia, "roles"));
        Assert.Equal(["network-support"], Strings(nia, "groups"));
        Assert.Contains("Nia", (await admin.GetFromJsonAsync<JsonElement>("/api/users")).EnumerateArray().Select(u => u.GetProperty("username").GetString()));

        var group = await admin.PostAsJsonAsync("/api/groups", new { id = "major-incidents", name = "Major incidents", manager = "deskmanager", members = new[] { "nia", "agent" } });
        Assert.Equal(HttpStatusCode.Created, group.StatusCode);
        var body = await group.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("deskmanager", body.GetProperty("manager").GetString());
        Assert.Equal(["agent", "Nia"], Strings(body, "members"));
        await AssertProblemAsync(await admin.PostAsJsonAsync("/api/groups", new { id = "major-incidents", name = "Again" }), HttpStatusCode.Conflict);
        await AssertProblemAsync(await admin.PostAsJsonAsync("/api/groups", new { id = "Bad Id", name = "", manager = "nobody", members = new[] { "ghost" } }),
            HttpStatusCode.BadRequest, "id", "name", "manager", "members[0]");
        await AssertProblemAsync(await admin.PatchAsJsonAsync("/api/groups/nowhere", new { name = "X" }), HttpStatusCode.NotFound);
        await AssertProblemAsync(await admin.GetAsync("/api/groups/nowhere"), HttpStatusCode.NotFound);

        var regrouped = await admin.PatchAsJsonAsync("/api/groups/major-incidents", new { manager = "", members = new[] { "engineer" } });
        Assert.Equal(HttpStatusCode.OK, regrouped.StatusCode);
        body = await admin.GetFromJsonAsync<JsonElement>("/api/groups/major-incidents");
        Assert.Equal(JsonValueKind.Null, body.GetProperty("manager").ValueKind);
        Assert.Equal(["engineer"], Strings(body, "members"));
        Assert.Contains("major-incidents", Strings(await admin.GetFromJsonAsync<JsonElement>("/api/users/engineer"), "groups"));

        var actions = (await admin.GetFromJsonAsync<JsonElement>("/api/audit?actor=admin&limit=500")).GetProperty("items").EnumerateArray()
            .Select(e => (e.GetProperty("action").GetString(), e.GetProperty("target").GetString())).ToList();
        Assert.Contains(("user.created", "Nia"), actions);
        Assert.Contains(("user.updated", "Nia"), actions);
        Assert.Contains(("group.created", "major-incidents"), actions);
        Assert.Contains(("group.updated", "major-incidents"), actions);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_deactivated_user_cannot_sign_in_and_their_token_stops_working_at_the_next_request(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider, DemoUsersOn);
        var admin = await host.ClientForAsync("admin");
        var agent = await host.ClientForAsync("agent");
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/tasks?scope=mine")).StatusCode);

        var deactivated = await admin.PatchAsJsonAsync("/api/users/agent", new { active = false });
        Assert.Equal(HttpStatusCode.OK, deactivated.StatusCode);
        Assert.False((await deactivated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("active").GetBoolean());

        Assert.Equal(HttpStatusCode.Unauthorized, (await agent.GetAsync("/api/tasks?scope=mine")).StatusCode);
        var signIn = await host.AnonymousClient().PostAsJsonAsync("/api/auth/token", new { username = "agent", password = "demo" });
        Assert.Equal(HttpStatusCode.Unauthorized, signIn.StatusCode);
        Assert.Equal("The user name or password is incorrect.", (await signIn.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());

        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync("/api/users/agent", new { active = true })).StatusCode);
        var again = await host.ClientForAsync("agent");
        Assert.Equal(HttpStatusCode.OK, (await again.GetAsync("/api/tasks?scope=mine")).StatusCode);

        var audit = await admin.GetFromJsonAsync<JsonElement>("/api/audit?actor=agent&action=sign-in-failed");
        Assert.Contains("deactivated user", Assert.Single(audit.GetProperty("items").EnumerateArray()).GetProperty("details").GetString());
        var changes = (await admin.GetFromJsonAsync<JsonElement>("/api/audit?actor=admin")).GetProperty("items").EnumerateArray()
            .Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Contains("user.deactivated", changes);
        Assert.Contains("user.reactivated", changes);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_role_change_applies_from_the_next_request_and_the_last_admin_stays_an_active_admin(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider, DemoUsersOn);
        var admin = await host.ClientForAsync("admin");
        var owner = await host.ClientForAsync("owner");
        Assert.Equal(HttpStatusCode.Forbidden, (await owner.GetAsync("/api/users")).StatusCode);

        await AssertProblemAsync(await admin.PatchAsJsonAsync("/api/users/admin", new { active = false }), HttpStatusCode.Conflict);
        await AssertProblemAsync(await admin.PatchAsJsonAsync("/api/users/admin", new { roles = new[] { "agent" } }), HttpStatusCode.Conflict);

        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync("/api/users/owner", new { roles = new[] { "admin" } })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/api/users")).StatusCode);

        // With a second admin the first may step down; their own token loses the admin role at once.
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync("/api/users/admin", new { roles = new[] { "process-owner" } })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await admin.GetAsync("/api/users")).StatusCode);
        await AssertProblemAsync(await owner.PatchAsJsonAsync("/api/users/owner", new { active = false }), HttpStatusCode.Conflict);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Users_change_their_own_password_and_an_admin_reset_ends_the_users_sessions(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider, DemoUsersOn);
        var admin = await host.ClientForAsync("admin");
        var agent = await host.ClientForAsync("agent");

        await AssertProblemAsync(await agent.PostAsJsonAsync("/api/account/password", new { currentPassword = "wrong", newPassword = GoodPassword }),
            HttpStatusCode.BadRequest, "currentPassword");
        await AssertProblemAsync(await agent.PostAsJsonAsync("/api/account/password", new { currentPassword = "demo", newPassword = "too short" }),
            HttpStatusCode.BadRequest, "newPassword");
        Assert.Equal(HttpStatusCode.NoContent, (await agent.PostAsJsonAsync("/api/account/password", new { currentPassword = "demo", newPassword = GoodPassword })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/tasks?scope=mine")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.AnonymousClient().PostAsJsonAsync("/api/auth/token", new { username = "agent", password = "demo" })).StatusCode);
        var withNew = await host.ClientForAsync("agent", GoodPassword);

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync("/api/users/engineer/password", new { password = GoodPassword })).StatusCode);
        await AssertProblemAsync(await admin.PostAsJsonAsync("/api/users/agent/password", new { password = "short" }), HttpStatusCode.BadRequest, "password");
        await AssertProblemAsync(await admin.PostAsJsonAsync("/api/users/nobody/password", new { password = GoodPassword }), HttpStatusCode.NotFound);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsJsonAsync("/api/users/agent/password", new { password = "reset by the service desk" })).StatusCode);

        Assert.Equal(HttpStatusCode.Unauthorized, (await withNew.GetAsync("/api/tasks?scope=mine")).StatusCode);
        var afterReset = await host.ClientForAsync("agent", "reset by the service desk");
        Assert.Equal(HttpStatusCode.OK, (await afterReset.GetAsync("/api/tasks?scope=mine")).StatusCode);

        var actions = (await admin.GetFromJsonAsync<JsonElement>("/api/audit?limit=500")).GetProperty("items").EnumerateArray()
            .Select(e => (e.GetProperty("actor").GetString(), e.GetProperty("action").GetString(), e.GetProperty("target").GetString())).ToList();
        Assert.Contains(("agent", "account.password-changed", "agent"), actions);
        Assert.Contains(("admin", "user.password-reset", "agent"), actions);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_audit_log_records_sign_ins_publishes_completions_and_overrides_and_filters_them(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider, DemoUsersOn);
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        var admin = await host.ClientForAsync("admin");
        var agent = await host.ClientForAsync("agent");
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.AnonymousClient().PostAsJsonAsync("/api/auth/token", new { username = "agent", password = "nope" })).StatusCode);

        (await agent.PostAsJsonAsync("/api/value-streams/incident-resolution/instances", new { input = new { } })).EnsureSuccessStatusCode();
        var task = (await agent.GetFromJsonAsync<JsonElement>("/api/tasks?scope=group")).EnumerateArray().Single();
        var id = task.GetProperty("id").GetString();
        (await admin.PostAsync($"/api/tasks/{id}/claim", null)).EnsureSuccessStatusCode();

        var file = await admin.GetStringAsync("/api/value-streams/incident-resolution");
        (await admin.PutAsync("/api/value-streams/incident-resolution/draft", new StringContent(file, new MediaTypeHeaderValue("application/json")))).EnsureSuccessStatusCode();
        (await admin.PostAsync("/api/value-streams/incident-resolution/publish", null)).EnsureSuccessStatusCode();

        var page = await admin.GetFromJsonAsync<JsonElement>($"/api/audit?from={Uri.EscapeDataString(before.ToString("O"))}&limit=500");
        var lines = page.GetProperty("items").EnumerateArray()
            .Select(e => (Actor: e.GetProperty("actor").GetString(), Action: e.GetProperty("action").GetString(), Target: e.GetProperty("target").GetString())).ToList();
        Assert.Contains(("admin", "sign-in", "admin"), lines);
        Assert.Contains(("agent", "sign-in", "agent"), lines);
        Assert.Contains(lines, l => l.Actor == "agent" && l.Action == "sign-in-failed");
        Assert.Contains(("admin", "task.claim-override", id), lines);
        Assert.Contains(("admin", "value-stream.published", "incident-resolution"), lines);
        var imports = await admin.GetFromJsonAsync<JsonElement>("/api/audit?actor=system&action=value-stream.imported&limit=500");
        Assert.Contains("incident-resolution", imports.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("target").GetString()));

        // Newest first, filtered and paged.
        var signIns = await admin.GetFromJsonAsync<JsonElement>("/api/audit?action=sign-in&limit=1");
        Assert.Equal(1, signIns.GetProperty("items").GetArrayLength());
        Assert.True(signIns.GetProperty("total").GetInt32() >= 2);
        Assert.Equal("agent", signIns.GetProperty("items")[0].GetProperty("actor").GetString());
        var second = await admin.GetFromJsonAsync<JsonElement>("/api/audit?action=sign-in&limit=1&offset=1");
        Assert.Equal("admin", second.GetProperty("items")[0].GetProperty("actor").GetString());
        var future = await admin.GetFromJsonAsync<JsonElement>($"/api/audit?from={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O"))}");
        Assert.Equal(0, future.GetProperty("total").GetInt32());
        var past = await admin.GetFromJsonAsync<JsonElement>($"/api/audit?to={Uri.EscapeDataString(before.ToString("O"))}&action=sign-in");
        Assert.Equal(0, past.GetProperty("total").GetInt32());
        await AssertProblemAsync(await admin.GetAsync("/api/audit?from=yesterday&limit=0&offset=-1"), HttpStatusCode.BadRequest, "from", "offset", "limit");
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Escalating_a_task_tells_the_manager_of_the_group_it_is_with(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider, DemoUsersOn);
        var admin = await host.ClientForAsync("admin");
        var agent = await host.ClientForAsync("agent");
        var manager = await host.ClientForAsync("servicemanager");
        Assert.Equal(HttpStatusCode.OK, (await admin.PatchAsJsonAsync("/api/groups/service-desk", new { manager = "servicemanager" })).StatusCode);

        (await agent.PostAsJsonAsync("/api/value-streams/incident-resolution/instances", new { input = new { } })).EnsureSuccessStatusCode();
        var id = (await agent.GetFromJsonAsync<JsonElement>("/api/tasks?scope=group")).EnumerateArray().Single().GetProperty("id").GetString();
        (await agent.PostAsJsonAsync($"/api/tasks/{id}/escalate", new { reason = "The whole floor is down." })).EnsureSuccessStatusCode();

        var notices = (await manager.GetFromJsonAsync<JsonElement>("/api/notifications")).EnumerateArray().ToList();
        Assert.Contains(notices, n => n.GetProperty("taskId").GetString() == id && n.GetProperty("text").GetString()!.StartsWith("Escalated: ", StringComparison.Ordinal));
    }

    private static object NewUser(string username) => new
    {
        username, displayName = "Nia Newcomer", email = "nia@example.org", password = GoodPassword,
        roles = new[] { "agent" }, groups = new[] { "service-desk" },
    };

    private static List<string?> Strings(JsonElement element, string property) =>
        element.GetProperty(property).EnumerateArray().Select(e => e.GetString()).ToList();

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, params string[] errorPaths)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        using var problem = JsonDocument.Parse(body);
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("title").GetString()));
        if (errorPaths.Length > 0)
            Assert.Equal(errorPaths, problem.RootElement.GetProperty("errors").EnumerateArray().Select(e => e.GetProperty("path").GetString()!).ToArray());
    }
}
