using System.Net.Http.Json;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Engine;

/// <summary>
/// The shipped incident-resolution stream: the caller is asked to confirm the fix, and a confirmation nobody gives within
/// the step's deadline (P3D) closes the incident, as the book's row has it, and the stream runs on to its end.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class IncidentConfirmationTimeoutTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_unanswered_confirmation_times_out_and_closes_the_incident(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var id = IdOf(await api.StartAsync("incident-resolution"));
        var walker = new StreamWalker(api.Host);

        await walker.WalkAsync(id, stopAt: task => task.GetProperty("stepId").GetString() == "confirm-fix-with-user");
        var confirmation = await api.OpenTaskAsync(id, "confirm-fix-with-user");
        Assert.Contains(await api.JournalOfAsync(id, "timer-scheduled", "confirm-fix-with-user"), l => l.GetProperty("outcome").GetString() == "timeout");

        Assert.True(await api.FireTimersAsync(id) >= 1);

        Assert.Single(await api.JournalOfAsync(id, "step-timed-out", "confirm-fix-with-user"));
        var left = Assert.Single(await api.JournalOfAsync(id, "step-completed", "confirm-fix-with-user"));
        Assert.Equal("timeout", left.GetProperty("outcome").GetString());
        Assert.Single(await api.JournalOfAsync(id, "step-completed", "close-incident"));
        Assert.Empty(await api.JournalOfAsync(id, "step-entered", "reopen-incident"));
        var timedOut = Assert.Single(await api.TasksOfAsync(id, "done"), t => IdOf(t) == IdOf(confirmation));
        Assert.Equal("timed-out", timedOut.GetProperty("status").GetString());

        // The incident record itself went resolved → closed, never back to in progress.
        var incidentId = (await api.InstanceAsync(id)).GetProperty("variables").GetProperty("incidentId").GetString();
        var history = await (await api.As("agent")).GetFromJsonAsync<JsonElement>($"/api/incidents/{incidentId}/history");
        var states = history.EnumerateArray().Where(h => h.GetProperty("field").GetString() == "state").Select(h => h.GetProperty("new").GetString()).ToList();
        Assert.Equal("closed", states[^1]);
        Assert.Equal("resolved", states[^2]);

        var finished = await walker.WalkAsync(id);
        Assert.Equal("completed", finished.GetProperty("status").GetString());
    }
}
