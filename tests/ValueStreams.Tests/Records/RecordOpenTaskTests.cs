using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ValueStreams.Data.Runtime;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Records;

/// <summary>
/// The open tasks a record's page lists under the streams working on it, on both stores: those of instances the viewer
/// may see (the rule the inbox and the task API follow), open ones only.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class RecordOpenTaskTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_records_streams_list_their_open_tasks_to_those_who_may_see_them_and_drop_them_once_done(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var agent = await api.As("agent");
        var created = await agent.PostAsJsonAsync("/api/incidents", new { title = "Badge readers offline", impact = "medium", urgency = "medium" });
        var instanceId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("instances")[0].GetProperty("id").GetString()!;
        var tasks = api.Host.Services.GetRequiredService<TaskRepository>();
        var desk = new Viewer("agent", ["service-desk"], IsAdmin: false);
        var secondLine = new Viewer("secondline", ["second-line-support"], IsAdmin: false);
        var admin = new Viewer("admin", [], IsAdmin: true);

        var first = Assert.Single(await tasks.OpenOfInstancesAsync([instanceId], desk));
        Assert.Equal(("log-incident", "service-desk"), (first.StepId, first.Group));
        Assert.Equal(first.Id, Assert.Single(await tasks.OpenOfInstancesAsync([instanceId], admin)).Id);
        Assert.Empty(await tasks.OpenOfInstancesAsync([instanceId], secondLine));
        Assert.Empty(await tasks.OpenOfInstancesAsync([], admin));

        await api.CompleteStepAsync(instanceId, "log-incident", "logged", new
        {
            summary = "Badge readers offline", businessImpact = "Staff cannot enter building B", priority = "P3",
            category = "hardware", location = "Building B", reporterName = "Rita", reporterEmail = "rita@example.com",
        });
        Assert.DoesNotContain(await tasks.OpenOfInstancesAsync([instanceId], admin), t => t.Id == first.Id);
    }
}
