using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using ValueStreams.Data.Runtime;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Api;

/// <summary>
/// The instance list finds instances by stream, version, status, start time, correlation id, the record they work on and
/// how long they have been stuck; it pages on the server with a total, shows each caller only the instances they may
/// see, and names a filter it cannot use.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class InstanceListApiTests
{
    private const string Stream = "incident-resolution";

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_instance_list_filters_pages_and_shows_only_the_instances_the_caller_may_see(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var first = IdOf(await api.StartAsync(Stream, correlationId: "order-1", user: "user"));
        var second = IdOf(await api.StartAsync(Stream, correlationId: "order-2"));
        var third = IdOf(await api.StartAsync(Stream, correlationId: "order-3"));
        var admin = await api.As("admin");
        // Logging an incident starts incident resolution for it: that instance works on the incident.
        using var created = await admin.PostAsJsonAsync("/api/incidents", new { title = "Scanner at dock 4 is offline", impact = "low", urgency = "low" });
        var incident = await BodyAsync(created);
        Assert.True(created.IsSuccessStatusCode, incident.ToString());
        var number = incident.GetProperty("number").GetString()!;
        var linked = IdOf(incident.GetProperty("instances").EnumerateArray().Single());
        var version = (await api.InstanceAsync(first)).GetProperty("version").GetInt32();

        // Newest first, two a page, with the total.
        var page1 = await PageAsync(admin, $"valueStream={Stream}&page=1&pageSize=2");
        Assert.Equal([linked, third], page1.Ids);
        Assert.Equal((4, true), (page1.Total, page1.TotalExact));
        Assert.Equal(new[] { second, first }, (await PageAsync(admin, $"valueStream={Stream}&page=2&pageSize=2")).Ids);

        Assert.Equal(new[] { second }, (await PageAsync(admin, "correlationId=order-2&page=1")).Ids);
        Assert.Equal(new[] { linked }, (await PageAsync(admin, $"record={number}&page=1")).Ids);
        Assert.Equal(new[] { linked }, (await PageAsync(admin, $"record={number.ToLowerInvariant()}&page=1")).Ids);
        Assert.Empty((await PageAsync(admin, "record=INC-999999&page=1")).Ids);
        Assert.Equal(4, (await PageAsync(admin, $"valueStream={Stream}&version={version}&page=1")).Total);
        Assert.Equal(0, (await PageAsync(admin, $"valueStream={Stream}&version={version + 1}&page=1")).Total);
        Assert.Equal(4, (await PageAsync(admin, "status=waiting&page=1")).Total);
        Assert.Equal(0, (await PageAsync(admin, "status=completed&page=1")).Total);

        var today = DateTimeOffset.UtcNow;
        string Day(int offset) => today.AddDays(offset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        Assert.Equal(4, (await PageAsync(admin, $"from={Day(-1)}&to={Day(0)}&page=1")).Total);
        Assert.Equal(0, (await PageAsync(admin, $"from={Day(1)}&page=1")).Total);
        Assert.Equal(0, (await PageAsync(admin, $"to={Day(-1)}&page=1")).Total);
        var justBefore = Uri.EscapeDataString(today.AddHours(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        Assert.Equal(4, (await PageAsync(admin, $"from={justBefore}&page=1")).Total);

        // Stuck: nothing has waited four hours, until the first instance has stood five hours at its task.
        Assert.Empty((await PageAsync(admin, "stuck=PT4H&page=1")).Ids);
        await AgeAsync(api, first, TimeSpan.FromHours(5));
        Assert.Equal(new[] { first }, (await PageAsync(admin, "stuck=PT4H&page=1")).Ids);
        Assert.Equal(new[] { first }, (await PageAsync(admin, $"stuck={Uri.EscapeDataString("4 hours")}&page=1")).Ids);
        Assert.Empty((await PageAsync(admin, "stuck=PT6H&page=1")).Ids);

        // Without page or pageSize the list is the bare array it always was, up to ?limit=.
        var bare = await admin.GetFromJsonAsync<JsonElement>($"/api/instances?valueStream={Stream}&limit=2");
        Assert.Equal(new[] { linked, third }, bare.EnumerateArray().Select(IdOf));
        var correlated = await admin.GetFromJsonAsync<JsonElement>("/api/instances?correlationId=order-3");
        Assert.Equal(new[] { third }, correlated.EnumerateArray().Select(IdOf));

        // The starter sees their own instance only; a network engineer, no candidate of any of these tasks, sees none.
        var starter = await api.As("user");
        var own = await PageAsync(starter, "page=1");
        Assert.Equal([first], own.Ids);
        Assert.Equal(1, own.Total);
        Assert.Empty((await PageAsync(starter, $"record={number}&page=1")).Ids);
        Assert.Equal(0, (await PageAsync(await api.As("engineer"), "page=1")).Total);
        Assert.Equal(4, (await PageAsync(await api.As("agent"), "page=1")).Total);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_filter_the_list_cannot_use_is_a_400_naming_it(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var admin = await api.As("admin");
        foreach (var (query, parameter) in new[]
                 {
                     ("status=stuck", "status"), ("version=abc", "version"), ("version=0", "version"), ("from=yesterday", "from"),
                     ("to=07%2F12%2F2026", "to"), ("from=2026-12-07&to=2026-12-01", "to"), ("stuck=forever", "stuck"), ("stuck=PT0S", "stuck"),
                     ("record=12345", "record"), ("record=XYZ-1", "record"), ("pageSize=1000", "pageSize"), ("page=0", "page"),
                     ($"correlationId={new string('c', 201)}", "correlationId"),
                 })
        {
            using var response = await admin.GetAsync($"/api/instances?{query}");
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"?{query} answered {(int)response.StatusCode}");
            Assert.Equal([parameter], await ErrorPathsAsync(response));
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_migration_preview_says_which_tokens_move_to_the_target_version(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var instance = await api.StartAsync(Stream);
        var id = IdOf(instance);
        var version = instance.GetProperty("version").GetInt32();
        var admin = await api.As("admin");

        var preview = await admin.GetFromJsonAsync<JsonElement>($"/api/instances/{id}/migration-preview?version={version}");
        Assert.True(preview.GetProperty("canMigrate").GetBoolean());
        var move = Assert.Single(preview.GetProperty("tokens").EnumerateArray());
        Assert.Equal(ActiveSteps(await api.InstanceAsync(id)).Single(), move.GetProperty("stepId").GetString());
        Assert.Equal("human-task", move.GetProperty("stepType").GetString());
        Assert.True(move.GetProperty("moves").GetBoolean());

        // The instance page's marks come from the journal's tallies, counted in the store: the same as counting the journal's lines.
        var tallies = await api.Host.Services.GetRequiredService<InstanceQueries>().StepTalliesAsync(id);
        var counted = (await api.JournalAsync(id))
            .Where(l => l.GetProperty("stepId").GetString() is not null
                        && l.GetProperty("event").GetString() is "step-entered" or "step-completed" or "step-faulted" or "step-timed-out")
            .GroupBy(l => (Step: l.GetProperty("stepId").GetString()!, Event: l.GetProperty("event").GetString()!, Outcome: l.GetProperty("outcome").GetString()))
            .Select(g => new StepTally(g.Key.Step, g.Key.Event, g.Key.Outcome, g.Count()));
        Assert.Equal(counted.OrderBy(t => t.ToString()), tallies.OrderBy(t => t.ToString()));
        Assert.Contains(new StepTally(move.GetProperty("stepId").GetString()!, "step-entered", null, 1), tallies);

        Assert.Equal(["version"], await ErrorPathsAsync(await admin.GetAsync($"/api/instances/{id}/migration-preview")));
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync($"/api/instances/{id}/migration-preview?version={version + 50}")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await (await api.As("agent")).GetAsync($"/api/instances/{id}/migration-preview?version={version}")).StatusCode);
    }

    private static async Task<(List<string> Ids, int Total, bool TotalExact)> PageAsync(HttpClient client, string query)
    {
        using var response = await client.GetAsync($"/api/instances?{query}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"?{query} answered {(int)response.StatusCode}: {body}");
        var page = JsonDocument.Parse(body).RootElement;
        return (page.GetProperty("items").EnumerateArray().Select(IdOf).ToList(), page.GetProperty("total").GetInt32(),
            page.GetProperty("totalExact").GetBoolean());
    }

    /// <summary>Moves the instance's and its tasks' times back, as if it had stood still that long.</summary>
    private static async Task AgeAsync(EngineApi api, string instanceId, TimeSpan age)
    {
        var then = DateTimeOffset.UtcNow - age;
        await using var connection = await api.Host.Services.GetRequiredService<ConnectionFactory>().OpenAsync();
        await connection.ExecuteAsync("UPDATE instances SET created_at = @then, updated_at = @then WHERE id = @instanceId", new { then, instanceId });
        await connection.ExecuteAsync("UPDATE tasks SET created_at = @then WHERE instance_id = @instanceId", new { then, instanceId });
    }
}
