using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Records;

/// <summary>
/// Work notes and comments on records, on both stores: added and listed oldest first, refused at the text when empty
/// or too long, hidden with the record, on catalogue kinds too, and never a change of the record's revision.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class RecordNoteTests
{
    private const int MaxLength = 20_000;

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Notes_are_listed_oldest_first_as_written_and_leave_the_records_revision_as_it_was(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");
        var number = await RecordApi.CreateAsync(agent, "incidents", new { title = "VPN drops every hour", impact = "medium", urgency = "high" });
        var read = await agent.GetAsync($"/api/incidents/{number}");
        var etag = read.Headers.ETag!.Tag;
        var id = (await read.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString()!;

        var work = await agent.PostAsJsonAsync($"/api/incidents/{number}/notes", new { visibility = "work", text = "  Checked the concentrator logs:\nre-keying fails.  " });
        Assert.Equal(HttpStatusCode.Created, work.StatusCode);
        var note = await work.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Checked the concentrator logs:\nre-keying fails.", note.GetProperty("text").GetString());
        Assert.Equal("agent", note.GetProperty("author").GetString());
        Assert.Equal("work", note.GetProperty("visibility").GetString());
        var comment = await agent.PostAsJsonAsync($"/api/incidents/{id}/notes", new { visibility = "comment", text = "We are on it; a fix is planned for tonight." });
        Assert.Equal(HttpStatusCode.Created, comment.StatusCode);
        var left = await agent.PostAsJsonAsync($"/api/incidents/{id}/notes", new { text = "Left without a visibility: a work note." });
        Assert.Equal("work", (await left.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("visibility").GetString());

        var notes = (await agent.GetFromJsonAsync<JsonElement>($"/api/incidents/{number}/notes")).EnumerateArray().ToList();
        Assert.Equal(["work", "comment", "work"], notes.Select(n => n.GetProperty("visibility").GetString()));
        Assert.Equal("Checked the concentrator logs:\nre-keying fails.", notes[0].GetProperty("text").GetString());
        Assert.Equal(note.GetProperty("id").GetString(), notes[0].GetProperty("id").GetString());
        Assert.True(notes[0].GetProperty("at").GetDateTimeOffset() <= notes[1].GetProperty("at").GetDateTimeOffset());

        // The record is as it was: same revision, and a change made against the tag read before the notes goes through.
        var after = await agent.GetAsync($"/api/incidents/{number}");
        Assert.Equal(etag, after.Headers.ETag!.Tag);
        var changed = await RecordApi.PatchAsync(agent, "incidents", number, etag, new { urgency = "medium" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.NotEqual(etag, changed.Headers.ETag!.Tag);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_empty_or_too_long_note_is_refused_naming_the_text_and_nothing_is_stored(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var agent = await host.ClientForAsync("agent");
        var number = await RecordApi.CreateAsync(agent, "incidents", new { title = "Shared drive read-only", impact = "low", urgency = "medium" });

        async Task<string> RefusedAsync(object body, string field)
        {
            var response = await agent.PostAsJsonAsync($"/api/incidents/{number}/notes", body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = RecordApi.Errors(await response.Content.ReadFromJsonAsync<JsonElement>());
            return Assert.Single(errors, e => e.Key == field).Value;
        }
        Assert.Contains("required", await RefusedAsync(new { visibility = "work", text = "" }, "text"));
        Assert.Contains("required", await RefusedAsync(new { visibility = "work", text = " \n\t " }, "text"));
        Assert.Contains("required", await RefusedAsync(new { visibility = "work" }, "text"));
        Assert.Contains("at most 20,000 characters; this note has 20,001",
            await RefusedAsync(new { visibility = "work", text = new string('x', MaxLength + 1) }, "text"));
        Assert.Contains("work", await RefusedAsync(new { visibility = "public", text = "Everyone should see this." }, "visibility"));
        Assert.Empty((await agent.GetFromJsonAsync<JsonElement>($"/api/incidents/{number}/notes")).EnumerateArray());

        // The limit is on the text as stored: 20,000 characters pass, with spaces around them that trimming takes off.
        var longest = await agent.PostAsJsonAsync($"/api/incidents/{number}/notes", new { visibility = "work", text = "  " + new string('y', MaxLength) + "\n" });
        Assert.Equal(HttpStatusCode.Created, longest.StatusCode);
        var stored = Assert.Single((await agent.GetFromJsonAsync<JsonElement>($"/api/incidents/{number}/notes")).EnumerateArray());
        Assert.Equal(MaxLength, stored.GetProperty("text").GetString()!.Length);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Notes_of_a_record_the_agent_may_not_see_are_not_found_either_way(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var desk = await host.ClientForAsync("agent");
        var secondLine = await host.ClientForAsync("secondline");
        var network = await host.ClientForAsync("engineer");
        var routed = await RecordApi.CreateAsync(desk, "incidents",
            new { title = "Core switch flapping", impact = "high", urgency = "high", assignmentGroup = "network-support" });
        Assert.Equal(HttpStatusCode.Created, (await network.PostAsJsonAsync($"/api/incidents/{routed}/notes",
            new { visibility = "work", text = "Replaced the uplink optic." })).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await secondLine.GetAsync($"/api/incidents/{routed}/notes")).StatusCode);
        var written = await secondLine.PostAsJsonAsync($"/api/incidents/{routed}/notes", new { visibility = "work", text = "Mine now." });
        Assert.Equal(HttpStatusCode.NotFound, written.StatusCode);
        // Not found comes before the text is judged, so a refusal reveals nothing about the record either.
        Assert.Equal(HttpStatusCode.NotFound, (await secondLine.PostAsJsonAsync($"/api/incidents/{routed}/notes", new { text = "" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await desk.GetAsync("/api/incidents/INC-999999/notes")).StatusCode);

        var notes = (await network.GetFromJsonAsync<JsonElement>($"/api/incidents/{routed}/notes")).EnumerateArray().ToList();
        Assert.Equal(["Replaced the uplink optic."], notes.Select(n => n.GetProperty("text").GetString()));
        Assert.Equal("engineer", notes[0].GetProperty("author").GetString());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_agent_adds_a_note_to_a_catalogue_entry_that_only_admins_may_change(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var admin = await host.ClientForAsync("admin");
        var agent = await host.ClientForAsync("agent");
        var service = await RecordApi.ServiceAsync(admin, "Payroll");
        var read = await agent.GetAsync($"/api/services/{service}");
        Assert.Equal(HttpStatusCode.OK, read.StatusCode);

        var added = await agent.PostAsJsonAsync($"/api/services/{service}/notes", new { visibility = "work", text = "Users ask for a payslip archive." });
        Assert.Equal(HttpStatusCode.Created, added.StatusCode);
        var note = Assert.Single((await admin.GetFromJsonAsync<JsonElement>($"/api/services/{service}/notes")).EnumerateArray());
        Assert.Equal(("agent", "Users ask for a payslip archive."), (note.GetProperty("author").GetString(), note.GetProperty("text").GetString()));
        Assert.Equal(read.Headers.ETag!.Tag, (await agent.GetAsync($"/api/services/{service}")).Headers.ETag!.Tag);
    }
}
