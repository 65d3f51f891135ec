using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Api;

/// <summary>Delegate, reassign and escalate over the API: who may, what they take, and what they refuse.</summary>
[Collection(nameof(HostCollection))]
public sealed class TaskActionApiTests
{
    [Fact]
    public async Task Delegate_reassign_and_escalate_check_who_acts_and_what_they_name()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var agent = await host.ClientForAsync("agent");
        var engineer = await host.ClientForAsync("engineer");
        var admin = await host.ClientForAsync("admin");
        (await agent.PostAsJsonAsync("/api/value-streams/incident-resolution/instances", new { input = new { } })).EnsureSuccessStatusCode();
        var id = (await agent.GetFromJsonAsync<JsonElement>("/api/tasks?scope=group")).EnumerateArray().Single().GetProperty("id").GetString();

        // Only admins reassign; only candidates delegate and escalate, and others do not even see the task.
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsJsonAsync($"/api/tasks/{id}/reassign", new { group = "network-support" })).StatusCode);
        await AssertProblemAsync(await engineer.PostAsJsonAsync($"/api/tasks/{id}/delegate", new { assignee = "engineer" }),
            HttpStatusCode.NotFound, $"Task '{id}' was not found.");
        await AssertProblemAsync(await engineer.PostAsJsonAsync($"/api/tasks/{id}/escalate", new { reason = "urgent" }),
            HttpStatusCode.NotFound, $"Task '{id}' was not found.");

        // Users and groups must exist; a reason is required and bounded.
        await AssertProblemAsync(await agent.PostAsJsonAsync($"/api/tasks/{id}/delegate", new { assignee = "nobody" }),
            HttpStatusCode.BadRequest, "Delegate to whom?", "assignee");
        await AssertProblemAsync(await admin.PostAsJsonAsync($"/api/tasks/{id}/reassign", new { group = "nowhere" }),
            HttpStatusCode.BadRequest, "Reassign to which group?", "group");
        await AssertProblemAsync(await admin.PostAsJsonAsync($"/api/tasks/{id}/reassign", new { group = "network-support", assignee = "nobody" }),
            HttpStatusCode.BadRequest, "Reassign to whom?", "assignee");
        await AssertProblemAsync(await agent.PostAsJsonAsync($"/api/tasks/{id}/escalate", new { reason = " " }),
            HttpStatusCode.BadRequest, "Say why the task is escalated.", "reason");
        await AssertProblemAsync(await agent.PostAsJsonAsync($"/api/tasks/{id}/escalate", new { reason = new string('x', 8001) }),
            HttpStatusCode.BadRequest, "Say why the task is escalated.", "reason");
        await AssertProblemAsync(await agent.PostAsJsonAsync($"/api/tasks/{id}/escalate", new { reason = "urgent", group = "nowhere" }),
            HttpStatusCode.BadRequest, "Escalate to which group?", "group");

        // While an admin holds the task the agent may escalate it but not hand it on.
        (await admin.PostAsync($"/api/tasks/{id}/claim", null)).EnsureSuccessStatusCode();
        await AssertProblemAsync(await agent.PostAsJsonAsync($"/api/tasks/{id}/delegate", new { assignee = "engineer" }),
            HttpStatusCode.Conflict, $"Task '{id}' is held by someone else or closed.");
        var escalated = await agent.PostAsJsonAsync($"/api/tasks/{id}/escalate", new { reason = "Trucks are waiting." });
        Assert.Equal(HttpStatusCode.OK, escalated.StatusCode);
        Assert.Equal(3, (await escalated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("priority").GetInt32());

        // A user name in another case names the same user, and the task is stored under the user's own name.
        var delegated = await admin.PostAsJsonAsync($"/api/tasks/{id}/delegate", new { assignee = "ENGINEER" });
        Assert.Equal(HttpStatusCode.OK, delegated.StatusCode);
        Assert.Equal("engineer", (await delegated.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("assignee").GetString());
        Assert.Contains(id, (await engineer.GetFromJsonAsync<JsonElement>("/api/tasks?scope=mine")).EnumerateArray().Select(t => t.GetProperty("id").GetString()));

        var reassigned = await admin.PostAsJsonAsync($"/api/tasks/{id}/reassign", new { group = "network-support", assignee = "Engineer" });
        Assert.Equal(HttpStatusCode.OK, reassigned.StatusCode);
        var task = await reassigned.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("network-support", task.GetProperty("group").GetString());
        Assert.Equal("engineer", task.GetProperty("assignee").GetString());

        var history = (await agent.GetFromJsonAsync<JsonElement>($"/api/tasks/{id}/history")).EnumerateArray()
            .Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal(["created", "claimed (admin override)", "escalated", "delegated", "reassigned"], history);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title, string? errorPath = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(title, problem.RootElement.GetProperty("title").GetString());
        if (errorPath is not null)
            Assert.Equal(errorPath, Assert.Single(problem.RootElement.GetProperty("errors").EnumerateArray()).GetProperty("path").GetString());
    }
}
