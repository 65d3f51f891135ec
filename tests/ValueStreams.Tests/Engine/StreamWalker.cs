using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ValueStreams.Host.Features.Auth;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Engine;

/// <summary>
/// Walks an instance to its end through the API, as the people of each group would: every open task is
/// claimed and completed by a demo member of its group with its first (expected) outcome and the form's
/// required fields filled; when nothing is open, pending timers are fired.
/// </summary>
internal sealed class StreamWalker(ApiHost host)
{
    private readonly Dictionary<string, HttpClient> _clients = [];

    /// <summary>Walks to the end; with <paramref name="stopAt"/>, stops (and returns the instance) when an open task matches it, leaving it open.</summary>
    public async Task<JsonElement> WalkAsync(string instanceId, int maxTasks = 300, Func<JsonElement, bool>? stopAt = null)
    {
        var admin = await ClientAsync("admin");
        var completed = 0;
        var idleSince = DateTime.UtcNow;
        while (true)
        {
            var instance = await admin.GetFromJsonAsync<JsonElement>($"/api/instances/{instanceId}");
            var status = instance.GetProperty("status").GetString();
            if (status == "completed")
                return instance;
            if (status is "faulted" or "cancelled")
                throw new Xunit.Sdk.XunitException($"instance {instanceId} is {status}: {await admin.GetStringAsync($"/api/instances/{instanceId}/journal")}");

            var open = (await admin.GetFromJsonAsync<JsonElement>("/api/tasks?scope=all&status=open")).EnumerateArray().ToList();
            if (stopAt is not null && open.Any(stopAt))
                return instance;
            if (open.Count > 0)
            {
                foreach (var task in open)
                {
                    await CompleteAsync(task);
                    if (++completed > maxTasks)
                        throw new Xunit.Sdk.XunitException($"more than {maxTasks} tasks without reaching the end; is there a loop whose first outcome repeats?");
                }
                idleSince = DateTime.UtcNow;
                continue;
            }

            var fired = 0;
            foreach (var waiting in (await admin.GetFromJsonAsync<JsonElement>("/api/instances?status=waiting&limit=1000")).EnumerateArray())
            {
                var response = await admin.PostAsync($"/api/instances/{waiting.GetProperty("id").GetString()}/timers/fire", null);
                fired += (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("fired").GetInt32();
            }
            if (fired > 0)
            {
                idleSince = DateTime.UtcNow;
                continue;
            }
            // Child instances start in a background job; give the scheduler a moment.
            if (DateTime.UtcNow - idleSince > TimeSpan.FromSeconds(30))
                throw new Xunit.Sdk.XunitException($"instance {instanceId} is stuck {status}: {instance}");
            await Task.Delay(100);
        }
    }

    private async Task CompleteAsync(JsonElement task)
    {
        var id = task.GetProperty("id").GetString();
        var group = task.GetProperty("group").GetString();
        var member = DemoUsers.Members.FirstOrDefault(m => m.Groups.Contains(group))
            ?? throw new Xunit.Sdk.XunitException($"no demo user in group '{group}' for task {task.GetProperty("title")}");
        var client = await ClientAsync(member.Username);

        var claim = await client.PostAsync($"/api/tasks/{id}/claim", null);
        Assert.True(claim.StatusCode == HttpStatusCode.OK, $"claim {id} as {member.Username}: {(int)claim.StatusCode} {await claim.Content.ReadAsStringAsync()}");

        var outcome = task.GetProperty("outcomes")[0].GetProperty("id").GetString();
        var complete = await client.PostAsJsonAsync($"/api/tasks/{id}/complete", new { outcome, data = FillRequired(task.GetProperty("form")) });
        Assert.True(complete.StatusCode == HttpStatusCode.OK, $"complete {id} as {member.Username}: {(int)complete.StatusCode} {await complete.Content.ReadAsStringAsync()}");
    }

    /// <summary>Plausible values for the required fields only, so decisions see what an unhurried agent would leave blank.</summary>
    internal static JsonObject FillRequired(JsonElement form)
    {
        var data = new JsonObject();
        foreach (var field in form.EnumerateArray())
        {
            if (!(field.TryGetProperty("required", out var required) && required.GetBoolean()))
                continue;
            var name = field.GetProperty("name").GetString()!;
            data[name] = field.GetProperty("type").GetString() switch
            {
                "number" => field.TryGetProperty("min", out var min) ? min.GetDouble() : 1,
                "checkbox" => true,
                "choice" => field.GetProperty("options")[0].GetString(),
                "multi-choice" => new JsonArray(field.GetProperty("options")[0].GetString()),
                "date-time" => DateTimeOffset.UtcNow.AddDays(1).ToString("O"),
                _ when field.TryGetProperty("pattern", out _) => "someone@example.org",
                _ => "Filled in by the walk-through",
            };
        }
        return data;
    }

    private async Task<HttpClient> ClientAsync(string username)
    {
        if (!_clients.TryGetValue(username, out var client))
            _clients[username] = client = await host.ClientForAsync(username);
        return client;
    }
}
