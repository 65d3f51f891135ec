using System.Net.Http.Json;
using System.Text.Json;

namespace ValueStreams.BrowserTests;

/// <summary>The record page's timeline of field changes and notes, and the open tasks of the streams working on the record.</summary>
public sealed class RecordTimelineTests(HostProcess host) : InboxBrowserTest(host)
{
    private const int NoteMaximum = 20_000;

    [Fact]
    public async Task An_agent_adds_a_work_note_sees_it_among_the_field_changes_and_opens_the_incidents_open_task()
    {
        var title = $"Till receipt printer jams {Guid.NewGuid().ToString("N")[..6]}";
        using var api = await ApiAsync("agent");
        using var created = await api.PostAsJsonAsync("api/incidents", new { title, impact = "medium", urgency = "low" });
        Assert.True(created.IsSuccessStatusCode, $"creating the incident answered {(int)created.StatusCode}: {await created.Content.ReadAsStringAsync()}");
        using var incident = JsonDocument.Parse(await created.Content.ReadAsStringAsync());
        var number = incident.RootElement.GetProperty("number").GetString()!;
        var instanceId = Assert.Single(incident.RootElement.GetProperty("instances").EnumerateArray()).GetProperty("id").GetString();
        string taskId;
        using (var tasks = await GetJsonAsync(api, $"api/tasks?scope=group&instance={instanceId}"))
            taskId = Assert.Single(tasks.RootElement.EnumerateArray()).GetProperty("id").GetString()!;
        // A field change after the creation, so the timeline has changes of two moments.
        using var urgent = new HttpRequestMessage(HttpMethod.Patch, $"api/incidents/{number}") { Content = JsonContent.Create(new { urgency = "high" }) };
        urgent.Headers.IfMatch.Add(created.Headers.ETag!);
        using (var changed = await api.SendAsync(urgent))
            Assert.True(changed.IsSuccessStatusCode, $"changing the incident answered {(int)changed.StatusCode}");

        await Page.SetViewportSizeAsync(1400, 900);
        await SignInAsync("agent", path: $"/records/incidents/{number}");
        await WaitForInteractiveAsync("record-page");

        // Incident resolution works on it; its open task is listed by step, with whom it waits for, and links to the task.
        var stream = Page.Locator("[data-testid=record-instance]");
        await Expect(stream).ToContainTextAsync("Incident resolution");
        var openTask = stream.Locator($"a.vs-task-link[data-task-id='{taskId}']");
        await Expect(openTask).ToHaveTextAsync("Log and prioritise the incident");
        await Expect(openTask).ToHaveAttributeAsync("href", $"/tasks/{taskId}");
        await Expect(stream.Locator("[data-testid=record-open-task]")).ToContainTextAsync("for service-desk");

        // An empty note is refused at the box.
        var box = Page.Locator("#note-text");
        var add = Page.Locator("[data-testid=add-note]");
        await add.ClickAsync();
        await Expect(Page.Locator("#note-text-error")).ToContainTextAsync("'text' is required");

        // A pasted note one character too long arrives whole, is refused at the box, and stays there to be cut down.
        await PasteAsync(box, new string('z', NoteMaximum + 1));
        await add.ClickAsync();
        await Expect(Page.Locator("#note-text-error")).ToContainTextAsync("at most 20,000 characters; this note has 20,001");
        Assert.Equal(NoteMaximum + 1, await box.EvaluateAsync<int>("e => e.value.length"));
        await Expect(Page.Locator("[data-testid=record-page][data-interactive=true]")).ToBeVisibleAsync();

        // A long work note: added, the box emptied, and newest in the timeline, its text folded behind "Show more".
        var findings = string.Join("\n", Enumerable.Range(1, 8).Select(i =>
            $"{i}. Checked the feed path of the till printer at desk {i}: the roller is worn and the paper skews to the left."));
        await PasteAsync(box, findings);
        await add.ClickAsync();
        var timeline = Page.Locator("[data-testid=record-history] .mud-timeline-item");
        var note = Page.Locator("[data-testid=timeline-note][data-visibility=work]");
        await Expect(timeline.First.Locator("[data-testid=timeline-note]")).ToHaveAttributeAsync("data-visibility", "work");
        await Expect(note).ToContainTextAsync("Work note");
        await Expect(note).ToContainTextAsync("agent");
        await Expect(box).ToHaveValueAsync("");
        await Expect(Page.Locator("#note-text-error")).ToHaveCountAsync(0);
        var fold = note.Locator("details.vs-fold");
        await Expect(fold.Locator("summary")).ToContainTextAsync("Show more");
        Assert.False(await fold.EvaluateAsync<bool>("d => d.open"));
        await fold.Locator("summary").ClickAsync();
        Assert.True(await fold.EvaluateAsync<bool>("d => d.open"));
        await Expect(fold).ToContainTextAsync("8. Checked the feed path of the till printer at desk 8");

        // A comment for the caller, then: the newest of all, with the field changes below the notes.
        await Page.Locator("[data-testid=note-visibility]").GetByText("Comment").ClickAsync();
        await box.FillAsync("We are sending a spare printer to the shop today.");
        await add.ClickAsync();
        await Expect(timeline.First.Locator("[data-testid=timeline-note][data-visibility=comment]")).ToContainTextAsync("a spare printer");
        await Expect(timeline.Nth(1).Locator("[data-testid=timeline-note][data-visibility=work]")).ToBeVisibleAsync();
        await Expect(timeline.Nth(2)).ToContainTextAsync("Urgency: low → high");
        await Expect(timeline.Last.Locator("[data-testid=history-line]").First).ToBeVisibleAsync();
        // The unfolded note stayed unfolded while the timeline grew above it; folded again, it opens with its first lines.
        Assert.True(await fold.EvaluateAsync<bool>("d => d.open"));
        await fold.Locator("summary").ClickAsync();
        Assert.False(await fold.EvaluateAsync<bool>("d => d.open"));
        await WholePageScreenshotAsync("record-timeline.png");
        await AssertNoBlockingViolationsAsync("the record page with its timeline");

        // The notes are the record's, read back by the API, and the open task opens its page.
        using (var notes = await GetJsonAsync(api, $"api/incidents/{number}/notes"))
            Assert.Equal(["work", "comment"], notes.RootElement.EnumerateArray().Select(n => n.GetProperty("visibility").GetString()));
        await openTask.ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Uri(Host.BaseAddress, $"/tasks/{taskId}").ToString());
        await WaitForInteractiveAsync("task-page");
        await Expect(Page.Locator("h1")).ToContainTextAsync(LogTaskTitle);
    }
}
