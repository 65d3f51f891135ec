using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Engine;

/// <summary>The book's four example streams run to the end through the API, people and timers included.</summary>
[Collection(nameof(HostCollection))]
public sealed class AppendixAStreamTests
{
    public static TheoryData<StorageProvider, string> Streams()
    {
        var data = new TheoryData<StorageProvider, string>();
        foreach (var provider in new[] { StorageProvider.Sqlite, StorageProvider.PostgreSql })
            foreach (var stream in new[] { "incident-resolution", "third-party-software-error", "new-it-service", "regulatory-change" })
                data.Add(provider, stream);
        return data;
    }

    [Theory]
    [MemberData(nameof(Streams))]
    public async Task Started_with_an_empty_input_the_stream_runs_to_completed_and_its_journal_names_every_step(StorageProvider provider, string stream)
    {
        await using var host = await ApiHost.StartAsync(provider, new Dictionary<string, string?> { ["ValueStreams:DemoUsers"] = "true" });
        var agent = await host.ClientForAsync("agent");

        var started = await agent.PostAsJsonAsync($"/api/value-streams/{stream}/instances", new { input = new { } });
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var id = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var finished = await new StreamWalker(host).WalkAsync(id);

        Assert.Equal("completed", finished.GetProperty("status").GetString());
        Assert.Empty(finished.GetProperty("activeSteps").EnumerateArray());
        var journal = (await agent.GetFromJsonAsync<JsonElement>($"/api/instances/{id}/journal")).EnumerateArray().ToList();
        Assert.All(journal, line =>
        {
            Assert.True(line.GetProperty("at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-10));
            Assert.False(string.IsNullOrEmpty(line.GetProperty("actor").GetString()));
        });
        var completedSteps = journal.Where(l => l.GetProperty("event").GetString() == "step-completed").Select(l => l.GetProperty("stepId").GetString()).ToHashSet();
        var entered = journal.Where(l => l.GetProperty("event").GetString() == "step-entered").Select(l => l.GetProperty("stepId").GetString()).ToHashSet();
        Assert.Equal(entered, completedSteps);
        // People did the human work: at least one step was completed by a demo user, not the system.
        Assert.Contains(journal, l => l.GetProperty("event").GetString() == "step-completed" && l.GetProperty("actor").GetString() != "system");
        Assert.Contains(journal, l => l.GetProperty("event").GetString() == "value-realised");
        Assert.Equal("instance-completed", journal[^1].GetProperty("event").GetString());
    }
}
