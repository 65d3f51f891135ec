using System.Text;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ValueStreams.Cli;

namespace ValueStreams.BrowserTests;

public sealed class DesignerTests(HostProcess host) : BrowserTest(host)
{
    /// <summary>How many steps the shipped incident resolution stream has: one node each on the canvas.</summary>
    private int IncidentResolutionSteps =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Host.RepoRoot, "workflows", "incident-resolution.json"))).RootElement.GetProperty("steps").GetArrayLength();

    [Fact]
    public async Task A_process_owner_draws_a_stream_from_the_palette_publishes_it_runs_it_and_exports_a_file_the_cli_accepts()
    {
        await DrawNewStreamAsync("Access request triage", "access-request-triage");

        // The human task: ITIL tags, role, title, a form field and two outcomes (its ports).
        await SelectAsync("human-task");
        await Page.Locator("[data-activity=engage]").ClickAsync();
        await Page.Locator("[data-activity=deliver-and-support]").ClickAsync();
        await Expect(Page.Locator("[data-activity=deliver-and-support]")).ToHaveAttributeAsync("aria-pressed", "true");
        await PickPracticeAsync("Service desk");
        await PickPracticeAsync("Incident management");
        await Page.Locator("[data-role=service-desk-agent]").ClickAsync();
        await Expect(Page.Locator("[data-role=service-desk-agent]")).ToHaveAttributeAsync("aria-pressed", "true");
        await FillAsync(Field("steps[3].title"), "Triage the request");
        await Page.Locator("[data-testid=add-form]").ClickAsync();
        await FillAsync(Field("steps[3].form[0].name"), "summary");
        await FillAsync(Field("steps[3].form[0].label"), "Summary");
        await Page.Locator("[data-field='steps[3].form[0].required'] input").CheckAsync();
        await Page.Locator("[data-testid=add-outcomes]").ClickAsync();
        await Page.Locator("[data-testid=add-outcomes]").ClickAsync();
        await FillAsync(Field("steps[3].outcomes[0].id"), "resolved");
        await FillAsync(Field("steps[3].outcomes[0].label"), "Resolved");
        await FillAsync(Field("steps[3].outcomes[1].id"), "escalated");
        await FillAsync(Field("steps[3].outcomes[1].label"), "Escalated");
        await Expect(Page.Locator("[data-port='human-task:escalated']")).ToHaveCountAsync(1);

        // The decision: one condition written as JavaScript, the default port for everything else.
        await SelectAsync("decision");
        await Page.Locator("[data-testid=add-conditions]").ClickAsync();
        await FillAsync(Field("steps[4].conditions[0].port"), "urgent");
        await AdvancedSwitch("steps[4].conditions[0].expression").CheckAsync();
        await FillAsync(ConditionJavaScript("steps[4].conditions[0].expression"), "vars.summary.includes('urgent') &&");
        await Expect(Page.Locator("[data-testid=field-issues][data-path='steps[4].conditions[0].expression']")).ToContainTextAsync("does not parse");
        await FillAsync(ConditionJavaScript("steps[4].conditions[0].expression"), "vars.summary.includes('urgent')");
        await Expect(Page.Locator("[data-field='steps[4].conditions[0].expression'] [data-testid=condition-not-shown]")).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-testid=field-issues][data-path='steps[4].conditions[0].expression']")).ToHaveCountAsync(0);
        await FillAsync(Field("steps[4].defaultPort"), "routine");

        // The value milestone.
        await SelectAsync("milestone");
        await FillAsync(Field("steps[1].value"), "The requester knows their request is in hand");
        await Page.Locator("[data-role=service-desk-agent]").ClickAsync();

        await FitAsync();
        await ConnectAsync("start:done", "human-task");
        await ConnectAsync("human-task:resolved", "decision");
        await ConnectAsync("human-task:escalated", "decision");
        await ConnectAsync("decision:urgent", "milestone");
        await ConnectAsync("decision:routine", "end-2");
        await ConnectAsync("milestone:done", "end");

        await Expect(Page.Locator("[data-testid=validation-summary]")).ToContainTextAsync("No errors", new() { Timeout = 10_000 });
        await ScreenshotAsync("designer-new-stream.png");

        await Page.Locator("[data-testid=save-draft]").ClickAsync();
        await Expect(Page.Locator("[data-testid=state-badge]")).ToHaveTextAsync("Draft · never published");
        await Page.Locator("[data-testid=publish]").ClickAsync();
        await Expect(Page.Locator("[data-testid=state-badge]")).ToHaveTextAsync("Published v1");

        await Page.Locator("[data-testid=test-run]").ClickAsync();
        await Expect(Page.Locator("[data-testid=test-run-status]")).ToHaveTextAsync("waiting", new() { Timeout = 10_000 });
        await Expect(Page.Locator("[data-testid=test-run-active] [data-step-id=human-task]")).ToBeVisibleAsync();

        var download = await Page.RunAndWaitForDownloadAsync(() => Page.Locator("[data-testid=export]").ClickAsync());
        Assert.Equal("access-request-triage.json", download.SuggestedFilename);
        var file = Path.Combine(Host.DataDirectory, "access-request-triage.json");
        await download.SaveAsAsync(file);
        var output = new StringWriter();
        var error = new StringWriter();
        var exitCode = await CliApp.RunAsync(["validate", file], output, error);
        Assert.True(exitCode == CliApp.Ok, $"valuestreams validate exited {exitCode}:\n{output}\n{error}");

        using var exported = JsonDocument.Parse(await File.ReadAllTextAsync(file));
        var connections = exported.RootElement.GetProperty("connections").EnumerateArray()
            .Select(c => $"{c.GetProperty("from").GetString()}:{(c.TryGetProperty("port", out var p) ? p.GetString() : "done")}->{c.GetProperty("to").GetString()}")
            .ToHashSet();
        Assert.Equal(
            new HashSet<string>
            {
                "start:done->human-task", "human-task:resolved->decision", "human-task:escalated->decision",
                "decision:urgent->milestone", "decision:routine->end-2", "milestone:done->end",
            },
            connections);
    }

    [Fact]
    public async Task A_process_owner_builds_a_decisions_condition_from_a_tasks_choice_field_and_outcome_without_typing_javascript()
    {
        await DrawNewStreamAsync("Urgent access requests", "urgent-access-requests");

        // The task's form has a choice field; its outcomes are its ways out.
        await SelectAsync("human-task");
        await Page.Locator("[data-activity=engage]").ClickAsync();
        await PickPracticeAsync("Service desk");
        await Page.Locator("[data-role=service-desk-agent]").ClickAsync();
        await FillAsync(Field("steps[3].name"), "Triage the request");
        await FillAsync(Field("steps[3].title"), "Triage the request");
        await Page.Locator("[data-testid=add-form]").ClickAsync();
        await FillAsync(Field("steps[3].form[0].name"), "priority");
        await FillAsync(Field("steps[3].form[0].label"), "Priority");
        await ChooseAsync(Page.Locator("[data-field='steps[3].form[0].type']"), "choice");
        await Page.Locator("[data-path='steps[3].form[0]'] .vs-more").ClickAsync();
        // Each option is in the list, and the field emptied by the server, before the next is typed into it.
        var options = new[] { "P1", "P2", "P3" };
        for (var i = 0; i < options.Length; i++)
        {
            await FillAsync(Field("steps[3].form[0].options"), options[i]);
            await Expect(Page.Locator("[data-field='steps[3].form[0].options'] .vs-chip-name")).ToHaveCountAsync(i + 1);
            await Expect(Field("steps[3].form[0].options")).ToHaveValueAsync("");
        }
        await Page.Locator("[data-testid=add-outcomes]").ClickAsync();
        await Page.Locator("[data-testid=add-outcomes]").ClickAsync();
        await FillAsync(Field("steps[3].outcomes[0].id"), "triaged");
        await FillAsync(Field("steps[3].outcomes[0].label"), "Triaged");
        await FillAsync(Field("steps[3].outcomes[1].id"), "escalated");
        await FillAsync(Field("steps[3].outcomes[1].label"), "Escalated");

        await FitAsync();
        await ConnectAsync("start:done", "human-task");
        await ConnectAsync("human-task:triaged", "decision");
        await ConnectAsync("human-task:escalated", "decision");

        // The condition, from pickers only: the priority is P1 or P2, or the task was escalated.
        await SelectAsync("decision");
        await Page.Locator("[data-testid=add-conditions]").ClickAsync();
        await FillAsync(Field("steps[4].conditions[0].port"), "urgent");
        await FillAsync(Field("steps[4].defaultPort"), "routine");
        var editor = Page.Locator("[data-field='steps[4].conditions[0].expression']");
        await editor.Locator("[data-testid=add-clause]").ClickAsync();
        var first = editor.Locator("[data-testid=condition-clause][data-index='0']");
        await ChooseAsync(first.Locator("[data-testid=clause-subject]"), "Priority (Triage the request)");
        await ChooseAsync(first.Locator("[data-testid=clause-operator]"), "is one of");
        await Expect(first.Locator("[data-testid=clause-value] label")).ToHaveTextAsync("Choices");
        await ChooseAsync(first.Locator("[data-testid=clause-value]"), "P2");
        await Page.Keyboard.PressAsync("Escape");
        await Expect(first.Locator("[data-testid=clause-value] input:not([type=hidden])").First).ToHaveValueAsync("P1, P2");
        await editor.Locator("[data-testid=add-clause]").ClickAsync();
        var second = editor.Locator("[data-testid=condition-clause][data-index='1']");
        await ChooseAsync(second.Locator("[data-testid=clause-subject]"), "Outcome of Triage the request");
        await Expect(second.Locator("[data-testid=clause-value] input:not([type=hidden])").First).ToHaveValueAsync("Triaged");
        await ChooseAsync(second.Locator("[data-testid=clause-value]"), "Escalated");
        await ChooseAsync(editor.Locator("[data-testid=condition-join]"), "any of these holds");
        await Expect(second.Locator("[data-testid=clause-subject] label")).ToHaveTextAsync("or");

        await SelectAsync("milestone");
        await FillAsync(Field("steps[1].value"), "The requester's access is in hand at the urgency it needs");
        await Page.Locator("[data-role=service-desk-agent]").ClickAsync();
        await ConnectAsync("decision:urgent", "milestone");
        await ConnectAsync("milestone:done", "end");
        await ConnectAsync("decision:routine", "end-2");
        await SelectAsync("decision");
        await Expect(Page.Locator("[data-testid=validation-summary]")).ToContainTextAsync("No errors", new() { Timeout = 10_000 });
        await editor.Locator("[data-testid=add-clause]").ScrollIntoViewIfNeededAsync();
        await WholePageScreenshotAsync("condition-builder.png");
        await AssertNoBlockingViolationsAsync("condition builder");

        await Page.Locator("[data-testid=save-draft]").ClickAsync();
        await Expect(Page.Locator("[data-testid=state-badge]")).ToHaveTextAsync("Draft · never published");
        await Page.Locator("[data-testid=publish]").ClickAsync();
        await Expect(Page.Locator("[data-testid=state-badge]")).ToHaveTextAsync("Published v1");

        const string expected = """["P1", "P2"].includes(vars.priority) || outcomes["human-task"] === "escalated" """;
        var download = await Page.RunAndWaitForDownloadAsync(() => Page.Locator("[data-testid=export]").ClickAsync());
        var file = Path.Combine(Host.DataDirectory, "urgent-access-requests.json");
        await download.SaveAsAsync(file);
        using (var exported = JsonDocument.Parse(await File.ReadAllTextAsync(file)))
        {
            var decision = exported.RootElement.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "decision");
            Assert.Equal(expected.TrimEnd(), decision.GetProperty("conditions")[0].GetProperty("expression").GetString());
        }

        // Opened again, the published condition shows in the builder; the switch shows the JavaScript it wrote.
        await Page.ReloadAsync();
        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(6, new() { Timeout = 30_000 });
        await SelectAsync("decision");
        await Expect(editor.Locator("[data-testid=condition-clause]")).ToHaveCountAsync(2);
        await AdvancedSwitch("steps[4].conditions[0].expression").CheckAsync();
        await Expect(ConditionJavaScript("steps[4].conditions[0].expression")).ToHaveValueAsync(expected.TrimEnd());
    }

    [Fact]
    public async Task Opening_incident_resolution_shows_every_step_with_its_ports_and_the_activity_legend()
    {
        await Page.SetViewportSizeAsync(1920, 1080);
        await SignInAsync("owner", path: "/value-streams/incident-resolution/design");

        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Host.RepoRoot, "workflows", "incident-resolution.json")));
        var steps = file.RootElement.GetProperty("steps").GetArrayLength();
        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(steps, new() { Timeout = 30_000 });
        await Expect(Page.Locator("[data-testid=activity-legend]")).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-port='log-incident:logged']")).ToHaveCountAsync(1);
        await Expect(Page.Locator("[data-testid=validation-summary]")).ToContainTextAsync("No errors");

        // Show the part of the stream with its branches (the desk-or-escalate task at the left of the canvas) and a decision's conditions.
        await Page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" }).ClickAsync();
        var canvas = await SettledBoxAsync(Page.Locator("[data-testid=canvas]"));
        var from = await SettledBoxAsync(Node("fix-at-desk-or-escalate"));
        var panBy = from.X - canvas.X - 40;
        await DragAsync(canvas.X + canvas.Width - 40, canvas.Y + 40, canvas.X + canvas.Width - 40 - panBy, canvas.Y + 40);
        await SelectAsync("standard-change");
        await Expect(Page.Locator("[data-testid=list-conditions]")).ToBeVisibleAsync();
        await Page.Mouse.MoveAsync(0, 0);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Host.Screenshot("designer-incident-resolution.png") });
    }

    [Fact]
    public async Task An_unfinished_stream_saves_as_a_draft_with_its_issues_and_opens_again_with_them()
    {
        await Page.SetViewportSizeAsync(1600, 960);
        await SignInAsync("owner", path: "/value-streams");
        await Expect(Page.Locator("#value-streams-title")).ToBeVisibleAsync();
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var id = $"half-built-{Guid.NewGuid().ToString("N")[..6]}";

        // The button does nothing until the page's circuit is attached: press it until the form opens.
        for (var attempt = 0; attempt < 10 && !await Page.Locator("[data-testid=new-stream-form]").IsVisibleAsync(); attempt++)
        {
            await Page.Locator("[data-testid=new-stream]").ClickAsync();
            await Page.WaitForTimeoutAsync(1000);
        }
        await FillAsync(Input("new-stream-name"), "Half built");
        // The name suggests an id on the server's round trip: wait for it before typing over it, or the suggestion lands on top.
        await Expect(Input("new-stream-id")).ToHaveValueAsync("half-built");
        await FillAsync(Input("new-stream-id"), id);
        await Expect(Input("new-stream-id")).ToHaveValueAsync(id);
        await Page.Locator("[data-testid=create-stream]").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex($"/value-streams/{id}/design"));
        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(3, new() { Timeout = 30_000 });
        await AddFromPaletteAsync("human-task");
        var summary = Page.Locator("[data-testid=validation-summary]");
        var errorCount = new Regex(@"\d+ errors?");
        await Expect(summary).ToContainTextAsync(errorCount, new() { Timeout = 10_000 });
        var issues = errorCount.Match(await summary.InnerTextAsync()).Value;

        await Page.Locator("[data-testid=save-draft]").ClickAsync();
        await Expect(Page.Locator("[data-testid=state-badge]")).ToHaveTextAsync("Draft · never published");

        await Page.ReloadAsync();
        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(4, new() { Timeout = 30_000 });
        await Expect(Page.Locator("[data-testid=state-badge]")).ToHaveTextAsync("Draft · never published");
        await Expect(summary).ToContainTextAsync(issues, new() { Timeout = 10_000 });

        await Page.GotoAsync(new Uri(Host.BaseAddress, "/value-streams").ToString());
        await Expect(Page.Locator($"[data-testid=draft-{id}]")).ToContainTextAsync("issue");
    }

    [Fact]
    public async Task A_new_stream_starts_from_the_template_and_an_unconnected_step_is_one_issue_that_goes_once_connected_and_on_undo()
    {
        await Page.SetViewportSizeAsync(1280, 800);
        await CreateStreamAsync("Laptop loans", "laptop-loans");

        // Start → value milestone → end, connected; the start takes nothing in and carries no activities.
        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(3, new() { Timeout = 30_000 });
        await Expect(Page.Locator(".diagram-link")).ToHaveCountAsync(2);
        await ExpectLinkedAsync("start:done");
        await ExpectLinkedAsync("milestone:done");
        await Expect(Node("start").Locator(".vs-node-in")).ToHaveCountAsync(0);
        await Expect(Node("milestone").Locator(".vs-node-in")).ToHaveCountAsync(1);
        await SelectAsync("start");
        await Expect(Page.Locator("[data-testid=no-activities]")).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-testid=activity-toggles]")).ToHaveCountAsync(0);

        // What is left is filling in (roles, the value): errors, so Publish waits.
        await Expect(Page.Locator("[data-testid=validation-summary]")).ToContainTextAsync(new Regex(@"\d+ errors?"), new() { Timeout = 10_000 });
        await Expect(Page.Locator("[data-testid=publish]")).ToBeDisabledAsync();
        await Expect(Page.Locator("[data-testid^=needed-]")).ToHaveCountAsync(0);
        var templateIssues = await Issues().CountAsync();
        Assert.True(templateIssues > 0);

        // A timer added with the milestone selected lands next to it, in view; its wait typed in words is stored as ISO 8601.
        await SelectAsync("milestone");
        await AddFromPaletteAsync("timer");
        var canvas = await SettledBoxAsync(Page.Locator("[data-testid=canvas]"));
        var timer = await SettledBoxAsync(Node("timer"));
        var milestone = (await Node("milestone").BoundingBoxAsync())!;
        Assert.True(timer.X >= canvas.X && timer.X + timer.Width <= canvas.X + canvas.Width && timer.Y >= canvas.Y && timer.Y + timer.Height <= canvas.Y + canvas.Height,
            $"The new step at {timer.X},{timer.Y} is outside the canvas {canvas.X},{canvas.Y} {canvas.Width}x{canvas.Height}.");
        Assert.True(Math.Abs(timer.X - milestone.X) < 3 * milestone.Width, "The new step is far from the selected one.");
        await FillAsync(Field("steps[3].duration"), "3 working days");
        await Expect(Field("steps[3].duration")).ToHaveValueAsync("3 days");
        await Expect(Page.Locator("[data-field='steps[3].duration']")).ToContainTextAsync("weekends and holidays counting");

        // Not connected at all: one issue, naming the step, that shows it.
        var timerIssues = Page.Locator("[data-testid=issue][data-step-id=timer]");
        await Expect(timerIssues).ToHaveCountAsync(1, new() { Timeout = 10_000 });
        await Expect(timerIssues).ToContainTextAsync("Timer");
        await Expect(timerIssues).ToContainTextAsync("not connected");
        await Expect(Issues()).ToHaveCountAsync(templateIssues + 1);
        await Page.Mouse.MoveAsync(0, 0);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Host.Screenshot("designer-validation.png") });
        await SelectAsync("milestone");
        await timerIssues.ClickAsync();
        await Expect(Page.Locator("[data-testid=step-panel]")).ToHaveAttributeAsync("data-step-id", "timer");
        using (var file = await ShownFileAsync())
            Assert.Equal("P3D", file.RootElement.GetProperty("steps")[3].GetProperty("duration").GetString());

        // Undo the duration and the step: the issue goes with the step; redo brings both back.
        await UndoAsync();
        await UndoAsync();
        await Expect(Node("timer")).ToHaveCountAsync(0);
        await Expect(timerIssues).ToHaveCountAsync(0, new() { Timeout = 10_000 });
        await Expect(Issues()).ToHaveCountAsync(templateIssues);
        await Page.Locator("button[aria-label='Redo']").ClickAsync();
        await Page.Locator("button[aria-label='Redo']").ClickAsync();
        await Expect(timerIssues).ToHaveCountAsync(1, new() { Timeout = 10_000 });

        // Connected in and out: the issue goes.
        await ConnectAsync("milestone:done", "timer");
        await ConnectAsync("timer:done", "end");
        await Expect(timerIssues).ToHaveCountAsync(0, new() { Timeout = 10_000 });
        await Expect(Issues()).ToHaveCountAsync(templateIssues);
        await Expect(Page.Locator("[data-testid=publish]")).ToBeDisabledAsync();

        // Without a value milestone, the palette says so beside the item that adds one.
        await FitAsync();
        await SelectAsync("milestone");
        await Page.Locator("[data-testid=step-panel]").GetByRole(AriaRole.Button, new() { Name = "Delete step" }).ClickAsync();
        await Expect(Page.Locator("[data-testid=needed-milestone]")).ToContainTextAsync("Every stream needs one");
        await UndoAsync();
        await Expect(Page.Locator("[data-testid=needed-milestone]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Incident_resolution_opens_fitted_at_a_readable_zoom_and_its_groups_assignees_and_targets_are_chosen_in_words()
    {
        await Page.SetViewportSizeAsync(1280, 800);
        await SignInAsync("owner", path: "/value-streams/incident-resolution/design");
        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(IncidentResolutionSteps, new() { Timeout = 30_000 });

        // Readable: a step is drawn at no less than the readable zoom; the start is on the canvas; the toolbar is one row.
        var canvas = await SettledBoxAsync(Page.Locator("[data-testid=canvas]"));
        var start = await SettledBoxAsync(Node("wifi-outage-reported"));
        Assert.True(start.Width >= NodeWidth * 0.8 - 1, $"A step is {start.Width} px wide: zoomed out past readable.");
        Assert.True(start.X >= canvas.X && start.X + start.Width <= canvas.X + canvas.Width && start.Y >= canvas.Y && start.Y + start.Height <= canvas.Y + canvas.Height,
            "The start is not in view.");
        var toolbar = (await Page.Locator(".vs-designer-toolbar").BoundingBoxAsync())!;
        Assert.True(toolbar.Height < 50, $"The toolbar is {toolbar.Height} px high: it wrapped.");
        await Page.Mouse.MoveAsync(0, 0);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Host.Screenshot("designer-fitted.png") });

        // The keyboard shortcuts open as a list of keys and what they do, inside the window.
        await Page.Locator("[data-testid=shortcuts]").ClickAsync();
        var shortcuts = Page.Locator("[data-testid=shortcuts-list]");
        await Expect(shortcuts).ToBeVisibleAsync();
        await Expect(shortcuts.Locator("dt")).ToHaveCountAsync(15);
        var list = (await SettledBoxAsync(shortcuts))!;
        Assert.True(list.X >= 0 && list.X + list.Width <= 1280 && list.Y + list.Height <= 800, $"The shortcuts are at {list.X},{list.Y} {list.Width}x{list.Height}.");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Host.Screenshot("designer-shortcuts.png") });
        await shortcuts.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Expect(shortcuts).ToHaveCountAsync(0);

        // Fit to screen keeps a readable zoom too.
        await FitAsync();
        Assert.True((await SettledBoxAsync(Node("wifi-outage-reported"))).Width >= NodeWidth * 0.8 - 1);

        // The palette and the details panel fold away for the canvas, and stay so while editing.
        await Page.Locator("[data-testid=palette-toggle]").ClickAsync();
        await Expect(Page.Locator("[data-testid=palette]")).ToHaveCountAsync(0);
        await Page.Locator("[data-testid=panel-toggle]").ClickAsync();
        await Expect(Page.Locator(".vs-side")).ToHaveCountAsync(0);
        var wide = await SettledBoxAsync(Page.Locator("[data-testid=canvas]"));
        Assert.True(wide.Width > canvas.Width + 400, $"The canvas grew from {canvas.Width} only to {wide.Width}.");
        await Page.Locator("[data-testid=panel-toggle]").ClickAsync();
        await SelectAsync("log-incident");
        await Expect(Page.Locator("[data-testid=palette]")).ToHaveCountAsync(0);

        // The task's group from the directory, its assignee from a list of rules, its target in words.
        await ChooseAsync(Page.Locator("[data-field='steps[1].group']"), "Network support");
        await ChooseAsync(Page.Locator("[data-field='steps[1].assignee']"), "The person who started the stream");
        await FillAsync(Field("steps[1].sla.resolveWithin"), "3 working days");
        await Expect(Field("steps[1].sla.resolveWithin")).ToHaveValueAsync("3 days");
        await Expect(Field("steps[1].sla.respondWithin")).ToHaveValueAsync("10 minutes");
        await Page.Locator("[data-field='steps[1].assignee']").ScrollIntoViewIfNeededAsync();
        await Page.Mouse.MoveAsync(0, 0);
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Host.Screenshot("designer-pickers.png") });
        using var file = await ShownFileAsync();
        var task = file.RootElement.GetProperty("steps")[1];
        Assert.Equal("log-incident", task.GetProperty("id").GetString());
        Assert.Equal("network-support", task.GetProperty("group").GetString());
        Assert.Equal("initiator", task.GetProperty("assignee").GetString());
        Assert.Equal("P3D", task.GetProperty("sla").GetProperty("resolveWithin").GetString());
        Assert.Equal("PT10M", task.GetProperty("sla").GetProperty("respondWithin").GetString());
    }

    /// <summary>A step's width on the canvas at 100 %.</summary>
    private const double NodeWidth = 210;

    private ILocator Issues() => Page.Locator("[data-testid=issue]");

    private async Task FitAsync()
    {
        await Page.Locator("button[aria-label='Fit to screen']").ClickAsync();
        await Page.WaitForTimeoutAsync(300);
    }

    [Fact]
    public async Task The_designer_has_no_serious_or_critical_axe_violations()
    {
        await Page.SetViewportSizeAsync(1600, 960);
        await SignInAsync("owner", path: "/value-streams/incident-resolution/design");
        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(IncidentResolutionSteps, new() { Timeout = 30_000 });
        await SelectAsync("fix-at-desk-or-escalate");
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var result = await Page.RunAxe();

        var blocking = result.Violations.Where(v => v.Impact is "serious" or "critical").ToList();
        Assert.True(blocking.Count == 0, $"axe found {blocking.Count} serious/critical violation(s) on the designer:\n{Describe(blocking)}");
    }

    [Fact]
    public async Task Deleting_a_step_with_the_keyboard_takes_its_connections_and_undo_brings_both_back()
    {
        await Page.SetViewportSizeAsync(1600, 960);
        await SignInAsync("owner", path: "/value-streams/incident-resolution/design");
        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(IncidentResolutionSteps, new() { Timeout = 30_000 });
        var links = await Page.Locator(".diagram-link").CountAsync();

        await SelectAsync("log-incident");
        await Page.Keyboard.PressAsync("Delete");

        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(IncidentResolutionSteps - 1);
        await Expect(Page.Locator(".diagram-link")).ToHaveCountAsync(links - 2);
        await Expect(Page.Locator("[data-testid=dirty-badge]")).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-testid=validation-summary]")).ToContainTextAsync("error");

        await Page.Keyboard.PressAsync("Control+z");

        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(IncidentResolutionSteps);
        await Expect(Page.Locator(".diagram-link")).ToHaveCountAsync(links);
        await Expect(Page.Locator("[data-testid=dirty-badge]")).ToHaveCountAsync(0);
        await Expect(Page.Locator("[data-testid=validation-summary]")).ToContainTextAsync("No errors");
    }

    [Fact]
    public async Task Copying_and_pasting_a_step_with_the_keyboard_adds_a_copy_and_undo_removes_it()
    {
        await Page.SetViewportSizeAsync(1600, 960);
        await SignInAsync("owner", path: "/value-streams/incident-resolution/design");
        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(IncidentResolutionSteps, new() { Timeout = 30_000 });

        await SelectAsync("log-incident");
        await Page.Keyboard.PressAsync("Control+c");
        await Page.Keyboard.PressAsync("Control+v");

        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(IncidentResolutionSteps + 1);
        await Expect(Page.Locator("[data-testid=dirty-badge]")).ToBeVisibleAsync();

        await Page.Keyboard.PressAsync("Control+z");

        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(IncidentResolutionSteps);
        await Expect(Page.Locator("[data-testid=dirty-badge]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Dragging_a_step_moves_it_to_a_whole_pixel_position_in_the_file()
    {
        await Page.SetViewportSizeAsync(1600, 960);
        await SignInAsync("owner", path: "/value-streams/incident-resolution/design");
        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(IncidentResolutionSteps, new() { Timeout = 30_000 });
        var box = (await Node("log-incident").Locator(".vs-node-name").BoundingBoxAsync())!;

        await DragAsync(box.X + 10, box.Y + 5, box.X + 10, box.Y + 205);

        await Page.Locator("[data-testid=tab-json]").ClickAsync();
        var json = Page.Locator("[data-testid=json-view]");
        await Expect(json).Not.ToContainTextAsync("\"position\": { \"x\": 240, \"y\": 0 }");
        var text = await json.TextContentAsync();
        using var file = JsonDocument.Parse(text!);
        var moved = file.RootElement.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "log-incident").GetProperty("position");
        Assert.Equal(240, moved.GetProperty("x").GetInt32());
        Assert.InRange(moved.GetProperty("y").GetInt32(), 200, 300); // 200 screen pixels at the opening zoom (0.8 to 1)
    }

    [Fact]
    public async Task Dropping_a_palette_item_on_the_canvas_adds_that_step_where_it_was_dropped()
    {
        await Page.SetViewportSizeAsync(1600, 960);
        await SignInAsync("owner", path: "/value-streams/problem-management/design");
        await Expect(Page.Locator(".diagram-node").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var before = await Page.Locator(".diagram-node").CountAsync();
        var canvas = (await Page.Locator("[data-testid=canvas]").BoundingBoxAsync())!;

        await Page.Locator("[data-testid=palette] [data-step-type=notify]").DragToAsync(Page.Locator("[data-testid=canvas]"),
            new() { TargetPosition = new() { X = canvas.Width / 2, Y = canvas.Height - 120 } });

        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(before + 1);
        await Expect(Page.Locator("[data-testid=step-panel]")).ToHaveAttributeAsync("data-step-id", "notify");
        var node = (await Node("notify").BoundingBoxAsync())!;
        Assert.InRange(node.Y, canvas.Y + canvas.Height - 200, canvas.Y + canvas.Height - 40);
    }

    [Fact]
    public async Task History_shows_what_the_editor_changed_since_the_published_version_and_restore_brings_that_version_back()
    {
        await Page.SetViewportSizeAsync(1600, 960);
        await SignInAsync("owner", path: "/value-streams/continual-improvement/design");
        await Expect(Page.Locator(".diagram-node").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        var stepId = await Page.Locator(".diagram-node").First.GetAttributeAsync("data-node-id");
        await SelectAsync(stepId!);
        // The step's own name comes first; a start step's form fields have names of their own below it.
        await FillAsync(Page.Locator("[data-testid=step-panel] [data-field$='.name'] input").First, "Renamed in the designer");
        await Page.Locator("[data-testid=save-draft]").ClickAsync();
        await Expect(Page.Locator("[data-testid=state-badge]")).ToHaveTextAsync("Draft · published v1");

        await Page.Locator("[data-testid=tab-history]").ClickAsync();
        await Expect(Page.Locator("[data-testid=versions] [data-version='1']")).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-testid=diff]")).ToContainTextAsync($"~ step {stepId}: name");
        await Expect(Page.Locator("[data-testid=diff]")).ToContainTextAsync("\"Renamed in the designer\"");

        await Page.Locator("[data-testid=versions] [data-version='1'] button").ClickAsync();
        await Expect(Page.Locator("[data-testid=history-message]")).ToContainTextAsync("is now the draft");
        await Expect(Page.Locator("[data-testid=diff]")).ToContainTextAsync("no differences");
        await Expect(Node(stepId!)).Not.ToContainTextAsync("Renamed in the designer");
    }

    [Fact]
    public async Task Importing_a_file_publishes_it_and_lists_it_and_an_invalid_file_shows_its_errors()
    {
        await SignInAsync("owner", path: "/value-streams");
        await Expect(Page.Locator("#value-streams-title")).ToBeVisibleAsync();
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var source = await File.ReadAllTextAsync(Path.Combine(Host.RepoRoot, "workflows", "problem-management.json"));
        var file = Path.Combine(Host.DataDirectory, "imported-problems.json");
        await File.WriteAllTextAsync(file, source.Replace("\"id\": \"problem-management\"", "\"id\": \"imported-problems\"", StringComparison.Ordinal));

        await Page.Locator("input[type=file]:not(.d-none)").SetInputFilesAsync(file);

        await Expect(Page.Locator("[data-testid=open-imported-problems]")).ToBeVisibleAsync();
        await Expect(Page.Locator("tr", new() { Has = Page.Locator("[data-testid=open-imported-problems]") })).ToContainTextAsync("v1");
        await Expect(Page.Locator("[data-testid=import-outcome]")).ToHaveAttributeAsync("data-outcome", "imported");

        var broken = Path.Combine(Host.DataDirectory, "broken.json");
        await File.WriteAllTextAsync(broken, """{ "id": "Broken Id", "name": "Broken", "steps": [] }""");
        await Page.Locator("input[type=file]:not(.d-none)").SetInputFilesAsync(broken);

        await Expect(Page.Locator("[data-testid=import-errors]")).ToContainTextAsync("kebab-case");
        await ScreenshotAsync("import-refused.png");
        var outcome = Page.Locator("[data-testid=import-outcome]");
        await Expect(outcome).ToHaveAttributeAsync("data-outcome", "refused");
        await Expect(outcome).ToHaveClassAsync(new Regex("mud-chip-color-error"));
        await Expect(outcome).ToContainTextAsync("broken.json: The file is invalid and was not imported.");
        await Expect(Page.Locator("[data-testid=import] .mud-chip-color-success")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_agent_sees_the_designer_read_only()
    {
        await SignInAsync("agent", path: "/value-streams/incident-resolution/design");
        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(IncidentResolutionSteps, new() { Timeout = 30_000 });

        await Expect(Page.Locator("[data-testid=readonly-badge]")).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-testid=palette]")).ToHaveCountAsync(0);
        await Expect(Page.Locator("[data-testid=save-draft]")).ToHaveCountAsync(0);
        await SelectAsync("log-incident");
        await Expect(Page.Locator("[data-field='steps[1].name'] input")).ToBeDisabledAsync();
    }

    [Fact]
    public async Task Renaming_a_fork_branch_in_its_chips_keeps_its_connection_as_one_undoable_change()
    {
        await OpenAsync("new-it-service");
        var links = await Page.Locator(".diagram-link").CountAsync();
        await SelectAsync("assess-in-parallel");
        var branches = Page.Locator("[data-field='steps[2].branches']");

        await branches.GetByRole(AriaRole.Button, new() { Name = "Rename portfolio" }).ClickAsync();
        var editor = branches.GetByRole(AriaRole.Textbox, new() { Name = "Rename portfolio" });
        await editor.FillAsync("portfolio-fit");
        await editor.PressAsync("Enter");

        await Expect(branches.GetByRole(AriaRole.Button, new() { Name = "Rename portfolio-fit" })).ToBeVisibleAsync();
        await ExpectLinkedAsync("assess-in-parallel:portfolio-fit");
        await Expect(Port("assess-in-parallel:portfolio")).ToHaveCountAsync(0);
        await Expect(Page.Locator(".diagram-link")).ToHaveCountAsync(links);
        await Expect(Page.Locator("[data-testid=validation-summary]")).ToContainTextAsync("No errors");
        Assert.Equal(["costs-and-risks->assess-costs-and-risks", "portfolio-fit->prioritise-against-other-work"], await ConnectionsFromAsync("assess-in-parallel"));

        // One undo step takes back the new name and the moved connection together.
        await UndoAsync();
        await ExpectLinkedAsync("assess-in-parallel:portfolio");
        await Expect(Port("assess-in-parallel:portfolio-fit")).ToHaveCountAsync(0);
        await Expect(Page.Locator("[data-testid=dirty-badge]")).ToHaveCountAsync(0);
        await Page.Locator("button[aria-label='Redo']").ClickAsync();
        await ExpectLinkedAsync("assess-in-parallel:portfolio-fit");
    }

    [Fact]
    public async Task Enter_in_a_choice_fields_add_option_box_adds_the_option_and_empties_the_box()
    {
        await OpenAsync("incident-resolution");
        await SelectAsync("log-incident");
        var priority = Page.Locator("[data-testid=list-item][data-path='steps[1].form[2]']");
        await priority.GetByRole(AriaRole.Button, new() { Name = "More fields" }).ClickAsync();
        var options = priority.Locator("[data-field='steps[1].form[2].options']");
        var adding = options.GetByRole(AriaRole.Textbox, new() { Name = "Add option" });

        await adding.FillAsync("P5");
        await adding.PressAsync("Enter");

        await Expect(options.GetByRole(AriaRole.Button, new() { Name = "Rename P5" })).ToBeVisibleAsync();
        await Expect(adding).ToHaveValueAsync("");
        await Expect(adding).ToBeFocusedAsync();
        await adding.FillAsync("P6");
        await adding.PressAsync("Enter");
        await Expect(options.GetByRole(AriaRole.Button, new() { Name = "Rename P6" })).ToBeVisibleAsync();
        Assert.Equal(["P1", "P2", "P3", "P4", "P5", "P6"], await FormFieldOptionsAsync("log-incident", "priority"));
    }

    [Fact]
    public async Task The_property_panel_keeps_its_scroll_position_when_another_step_is_selected()
    {
        await OpenAsync("incident-resolution");
        await FitAsync();
        await SelectAsync("log-incident");
        var panel = Page.Locator(".vs-side-body");
        // Down among the form fields of the first task; the next shows the same part of its panel, give or take a line.
        await panel.EvaluateAsync("p => p.scrollTop = 900");

        await SelectAsync("fix-at-desk-or-escalate");
        await Page.WaitForTimeoutAsync(300);
        Assert.Equal(900, await panel.EvaluateAsync<double>("p => p.scrollTop"), 40.0);

        await SelectAsync("diagnose-failure");
        await Page.WaitForTimeoutAsync(300);
        Assert.Equal(900, await panel.EvaluateAsync<double>("p => p.scrollTop"), 40.0);
    }

    [Fact]
    public async Task Swimlanes_name_their_lanes_at_the_left_edge_readable_at_the_fitted_zoom_and_clear_of_the_steps()
    {
        await OpenAsync("incident-resolution");

        await Page.GetByLabel("Swimlanes").CheckAsync();

        var names = Page.Locator("[data-testid=lane-name]");
        await Expect(names.First).ToBeVisibleAsync();
        await Expect(names).ToHaveCountAsync(await Page.Locator(".vs-lane").CountAsync());
        Assert.Contains("Engage", await names.AllTextContentsAsync());
        var canvas = (await Page.Locator("[data-testid=canvas]").BoundingBoxAsync())!;
        var steps = new List<LocatorBoundingBoxResult>();
        foreach (var node in await Page.Locator(".diagram-node").AllAsync())
            if (await node.BoundingBoxAsync() is { } box)
                steps.Add(box);
        foreach (var name in await names.AllAsync())
        {
            var box = (await name.BoundingBoxAsync())!;
            Assert.True(box.Height >= 14, $"a lane name is {box.Height:0.#} px high");
            Assert.True(box.X >= canvas.X && box.X < canvas.X + 40, $"a lane name starts at {box.X - canvas.X:0.#} px from the canvas's left edge");
            var covering = steps.FirstOrDefault(s => s.X < box.X + box.Width && box.X < s.X + s.Width && s.Y < box.Y + box.Height && box.Y < s.Y + s.Height);
            Assert.True(covering is null, $"a step covers the lane name '{await name.TextContentAsync()}'");
        }

        await Page.WaitForTimeoutAsync(300);
        await ScreenshotAsync("designer-swimlanes.png");
    }

    [Fact]
    public async Task Removing_a_fork_branch_removes_its_connection_and_undo_brings_both_back()
    {
        await OpenAsync("new-it-service");
        var links = await Page.Locator(".diagram-link").CountAsync();
        await SelectAsync("assess-in-parallel");

        await RemoveAndUndoAsync(Page.Locator("[data-field='steps[2].branches']").GetByRole(AriaRole.Button, new() { Name = "Remove portfolio" }),
            "assess-in-parallel:portfolio", ["costs-and-risks->assess-costs-and-risks"], links);

        await Expect(Page.Locator("[data-testid=dirty-badge]")).ToHaveCountAsync(0);
        await Expect(Page.Locator("[data-testid=validation-summary]")).ToContainTextAsync("No errors");
    }

    [Fact]
    public async Task A_decisions_condition_ports_follow_renames_and_removals_in_its_connections()
    {
        await OpenAsync("normal-change");
        var links = await Page.Locator(".diagram-link").CountAsync();
        await SelectAsync("change-type");
        // The shipped conditions open in the builder: "Change type is Standard".
        var standard = Page.Locator("[data-field='steps[3].conditions[0].expression'] [data-testid=condition-clause]");
        await Expect(standard).ToHaveCountAsync(1);
        await Expect(standard.Locator("[data-testid=clause-value] input:not([type=hidden])").First).ToHaveValueAsync("standard");

        // Renamed: the connection moves to the new port, one undo step takes both back.
        await RenameInFieldAsync("steps[3].conditions[0].port", "change-type:standard-change", links);
        await UndoAsync();
        await ExpectLinkedAsync("change-type:standard");
        await Expect(Page.Locator("[data-testid=dirty-badge]")).ToHaveCountAsync(0);

        // Renamed to the default port: that port keeps the one connection it had; the renamed port's goes.
        await FillAsync(Field("steps[3].conditions[0].port"), "normal");
        await Expect(Port("change-type:standard")).ToHaveCountAsync(0);
        await Expect(Page.Locator(".diagram-link")).ToHaveCountAsync(links - 1);
        Assert.Equal(["emergency->request-emergency-authorisation", "normal->start-assessment"], await ConnectionsFromAsync("change-type"));
        await UndoAsync();
        await ExpectLinkedAsync("change-type:standard");

        // Removed: the condition's connection goes with it.
        await RemoveAndUndoAsync(Page.Locator("[data-testid=list-conditions]").GetByRole(AriaRole.Button, new() { Name = "Remove condition 2" }),
            "change-type:emergency", ["normal->start-assessment", "standard->record-pre-authorisation"], links);
        await Expect(Page.Locator("[data-testid=validation-summary]")).ToContainTextAsync("No errors");
    }

    [Fact]
    public async Task A_human_tasks_outcomes_follow_renames_and_removals_in_its_connections()
    {
        await OpenAsync("new-it-service");
        var links = await Page.Locator(".diagram-link").CountAsync();
        await SelectAsync("agree-to-investigate");

        await RenameInFieldAsync("steps[1].outcomes[1].id", "agree-to-investigate:declined", links);
        Assert.Equal(["declined->not-pursued", "investigate->assess-in-parallel"], await ConnectionsFromAsync("agree-to-investigate"));

        await RemoveAndUndoAsync(Page.Locator("[data-testid=list-outcomes]").GetByRole(AriaRole.Button, new() { Name = "Remove outcome 2" }),
            "agree-to-investigate:declined", ["investigate->assess-in-parallel"], links);

        await UndoAsync();
        await ExpectLinkedAsync("agree-to-investigate:do-not-investigate");
        await Expect(Page.Locator(".diagram-link")).ToHaveCountAsync(links);
        await Expect(Page.Locator("[data-testid=dirty-badge]")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task The_overview_map_shows_every_step_moves_the_view_when_clicked_or_dragged_and_stays_off_once_turned_off()
    {
        await OpenAsync("new-it-service");
        var map = Page.Locator("[data-testid=minimap]");
        await Expect(map.Locator(".navigator-node")).ToHaveCountAsync(await Page.Locator(".diagram-node").CountAsync());
        await Expect(Page.Locator("[data-testid=minimap-toggle]")).ToHaveAttributeAsync("aria-pressed", "true");

        // The stream opens at its start; a click at the map's right end shows its last steps.
        var box = (await map.BoundingBoxAsync())!;
        var first = (await Node("website-need-identified").BoundingBoxAsync())!;
        await Page.Mouse.ClickAsync(box.X + box.Width - 12, box.Y + box.Height / 2);
        var after = await UntilAsync(() => LeftOfAsync("website-need-identified"), x => x < first.X - 1000);

        // Dragging on the map to the left moves the view back towards the start.
        await DragAsync(box.X + box.Width - 12, box.Y + box.Height / 2, box.X + box.Width / 2, box.Y + box.Height / 2);
        await UntilAsync(() => LeftOfAsync("website-need-identified"), x => x > after + 300);

        await Page.Locator("[data-testid=minimap-toggle]").ClickAsync();
        await Expect(map).ToHaveCountAsync(0);
        await Page.ReloadAsync();
        await Expect(Page.Locator(".diagram-node").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Expect(Page.Locator("[data-testid=minimap-toggle]")).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(map).ToHaveCountAsync(0);
        await Page.Locator("[data-testid=minimap-toggle]").ClickAsync();
        await Expect(map.Locator(".navigator-node").First).ToBeVisibleAsync();
    }

    private static string Describe(IEnumerable<AxeResultItem> violations)
    {
        var text = new StringBuilder();
        foreach (var violation in violations)
        {
            text.AppendLine($"- [{violation.Impact}] {violation.Id}: {violation.Help}");
            foreach (var node in violation.Nodes.Take(5))
            {
                text.AppendLine($"    at {node.Target}: {node.Html[..Math.Min(node.Html.Length, 300)]}");
                foreach (var check in (node.Any ?? []).Concat(node.All ?? []).Concat(node.None ?? []))
                    text.AppendLine($"      {check.Id}: {check.Message}");
            }
        }
        return text.ToString();
    }

    /// <summary>An element's box once it stopped moving (the navigation drawer slides).</summary>
    private async Task<LocatorBoundingBoxResult> SettledBoxAsync(ILocator locator)
    {
        var box = (await locator.BoundingBoxAsync())!;
        while (true)
        {
            await Page.WaitForTimeoutAsync(200);
            var now = (await locator.BoundingBoxAsync())!;
            if (Math.Abs(now.X - box.X) < 0.5 && Math.Abs(now.Width - box.Width) < 0.5)
                return now;
            box = now;
        }
    }

    /// <summary>
    /// Creates a stream from the list (it starts as start → milestone → end) and adds a human task and a decision from the
    /// palette, with a second end for the decision's other branch; the start gets a declared role, the service desk agent.
    /// </summary>
    private async Task DrawNewStreamAsync(string name, string id)
    {
        await Page.SetViewportSizeAsync(1600, 960);
        await CreateStreamAsync(name, id);

        // A new stream starts from the template: start → value milestone → end.
        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(3, new() { Timeout = 30_000 });
        foreach (var type in new[] { "human-task", "decision" })
            await AddFromPaletteAsync(type);
        await FitAsync();
        await Node("decision").Locator(".vs-node-head").ClickAsync();
        await AddFromPaletteAsync("end");
        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(6);
        // The app's navigation folds away: the whole stream then fits the canvas at a readable zoom.
        await Page.GetByRole(AriaRole.Button, new() { Name = "Toggle navigation" }).ClickAsync();
        await SettledBoxAsync(Page.Locator("[data-testid=canvas]"));
        await FitAsync();

        // The demand: declare the role that carries the stream, and give it to the start.
        await SelectAsync("start");
        await Page.Locator("[data-testid=declare-role] summary").ClickAsync();
        await FillAsync(Input("new-role-name"), "Service desk agent");
        await FillAsync(Input("new-role-group"), "service-desk");
        await Page.Locator("[data-testid=declare-role-button]").ClickAsync();
        await Expect(Page.Locator("[data-testid=role-toggles] [data-role=service-desk-agent]")).ToHaveAttributeAsync("aria-pressed", "true");
    }

    /// <summary>Creates a stream from the list with the "New stream" dialog and waits for its designer.</summary>
    private async Task CreateStreamAsync(string name, string id)
    {
        await SignInAsync("owner", path: "/value-streams");
        await Expect(Page.Locator("#value-streams-title")).ToBeVisibleAsync();
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        // A click before the page's circuit is up opens nothing: click again until the dialog shows.
        for (var attempt = 1; !await Input("new-stream-name").IsVisibleAsync(); attempt++)
        {
            Assert.True(attempt <= 10, "The new stream dialog did not open.");
            await Page.Locator("[data-testid=new-stream]").ClickAsync();
            await Page.WaitForTimeoutAsync(1000);
        }
        await FillAsync(Input("new-stream-name"), name);
        await Expect(Input("new-stream-id")).ToHaveValueAsync(id);
        await Page.Locator("[data-testid=create-stream]").ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex($"/value-streams/{id}/design"));
        await Expect(Page.Locator("[data-testid=state-badge]")).ToHaveTextAsync("New, not saved");
    }

    /// <summary>Opens a shipped stream in the designer at a size where its first steps show, and waits for every step.</summary>
    private async Task OpenAsync(string streamId)
    {
        await Page.SetViewportSizeAsync(1920, 1080);
        await SignInAsync("owner", path: $"/value-streams/{streamId}/design");
        using var file = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(Host.RepoRoot, "workflows", $"{streamId}.json")));
        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(file.RootElement.GetProperty("steps").GetArrayLength(), new() { Timeout = 30_000 });
    }

    private async Task<double> LeftOfAsync(string stepId) => (await Node(stepId).BoundingBoxAsync())!.X;

    /// <summary>Reads a value until it satisfies a condition (5 s at most) and returns it.</summary>
    private async Task<double> UntilAsync(Func<Task<double>> read, Func<double, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var value = await read();
            if (condition(value))
                return value;
            Assert.True(DateTime.UtcNow < deadline, $"The value stayed {value}.");
            await Page.WaitForTimeoutAsync(100);
        }
    }

    private ILocator Port(string port) => Page.Locator($"[data-port='{port}']");

    private async Task ExpectLinkedAsync(string port)
    {
        await Expect(Port(port)).ToHaveCountAsync(1);
        await Expect(Port(port)).ToHaveClassAsync(new Regex("vs-port-linked"));
    }

    /// <summary>Gives a port a new name in the field that names it; the connection that left by the old name leaves by the new one.</summary>
    private async Task RenameInFieldAsync(string fieldPath, string newPort, int links)
    {
        await FillAsync(Field(fieldPath), newPort.Split(':')[1]);
        await ExpectLinkedAsync(newPort);
        await Expect(Page.Locator(".diagram-link")).ToHaveCountAsync(links);
    }

    /// <summary>
    /// Removes what names a port (a branch, a condition, an outcome) and checks that its connection went with it, leaving
    /// the step's other connections; one undo brings both back.
    /// </summary>
    private async Task RemoveAndUndoAsync(ILocator removeButton, string port, IReadOnlyList<string> remaining, int links)
    {
        await removeButton.ClickAsync();
        await Expect(Port(port)).ToHaveCountAsync(0);
        await Expect(Page.Locator(".diagram-link")).ToHaveCountAsync(links - 1);
        Assert.Equal(remaining, await ConnectionsFromAsync(port.Split(':')[0]));

        await UndoAsync();
        await ExpectLinkedAsync(port);
        await Expect(Page.Locator(".diagram-link")).ToHaveCountAsync(links);
    }

    [Fact]
    public async Task Finding_a_step_by_name_role_or_practice_selects_each_match_in_turn_and_brings_it_into_view()
    {
        await Page.SetViewportSizeAsync(1600, 900);
        await SignInAsync("owner", path: "/value-streams/incident-resolution/design");
        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(IncidentResolutionSteps, new() { Timeout = 30_000 });
        var search = Page.Locator("[data-testid=step-search]");
        var count = Page.Locator("[data-testid=step-search-count]");
        var panel = Page.Locator("[data-testid=step-panel]");

        // By name: two steps far to the right of the opening view, in reading order.
        await search.FillAsync("asset register");
        await Expect(count).ToHaveTextAsync("1 of 2");
        await Expect(panel).ToHaveAttributeAsync("data-step-id", "find-spare-asset");
        await AssertInViewAsync("find-spare-asset");
        await search.PressAsync("Enter");
        await Expect(count).ToHaveTextAsync("2 of 2");
        await Expect(panel).ToHaveAttributeAsync("data-step-id", "register-spare-asset");
        await AssertInViewAsync("register-spare-asset");
        await search.PressAsync("ArrowDown");
        await Expect(panel).ToHaveAttributeAsync("data-step-id", "find-spare-asset");
        await search.PressAsync("Shift+Enter");
        await Expect(count).ToHaveTextAsync("2 of 2");

        // By a role's name, and by a practice's name.
        await search.FillAsync("forklift driver");
        await Expect(count).ToHaveTextAsync("1 of 2");
        await Expect(panel).ToHaveAttributeAsync("data-step-id", "wifi-outage-reported");
        await search.PressAsync("ArrowUp");
        await Expect(panel).ToHaveAttributeAsync("data-step-id", "wifi-restored");
        await AssertInViewAsync("wifi-restored");
        await Expect(Node("wifi-restored")).ToHaveClassAsync(new Regex("selected"));
        await ScreenshotAsync("designer-step-search.png");
        await search.FillAsync("problem management");
        await Expect(count).ToHaveTextAsync("1 of 1");
        await Expect(panel).ToHaveAttributeAsync("data-step-id", "check-known-errors");

        await search.FillAsync("no step is called this");
        await Expect(count).ToHaveTextAsync("No step");
    }

    [Fact]
    public async Task Selected_steps_align_and_distribute_as_one_undoable_change()
    {
        await Page.SetViewportSizeAsync(1600, 900);
        await SignInAsync("owner", path: "/value-streams/incident-resolution/design");
        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(IncidentResolutionSteps, new() { Timeout = 30_000 });
        var menu = Page.Locator("[data-testid=align-menu] button").First;
        await SelectAsync("create-incident-record");
        await Expect(menu).ToBeDisabledAsync();

        await Node("check-known-errors").Locator(".vs-node-head").ClickAsync(new() { Modifiers = [KeyboardModifier.Control] });
        await Expect(menu).ToBeEnabledAsync();
        await ArrangeAsync(menu, "Align left edges");
        await ExpectPositionAsync("check-known-errors", 480, 160);
        await ExpectPositionAsync("create-incident-record", 480, 0);
        await UndoAsync();
        await ExpectPositionAsync("check-known-errors", 600, 160);

        // Distributing keeps the outermost two and spaces the middle one evenly between them (steps are 210 px wide).
        await SelectAsync("wifi-outage-reported");
        await Node("log-incident").Locator(".vs-node-head").ClickAsync(new() { Modifiers = [KeyboardModifier.Control] });
        await Node("check-known-errors").Locator(".vs-node-head").ClickAsync(new() { Modifiers = [KeyboardModifier.Control] });
        await ArrangeAsync(menu, "Distribute horizontally");
        await ExpectPositionAsync("log-incident", 300, 0);
        await ExpectPositionAsync("wifi-outage-reported", 0, 0);
        await ExpectPositionAsync("check-known-errors", 600, 160);
        await UndoAsync();
        await ExpectPositionAsync("log-incident", 240, 0);
    }

    private async Task ArrangeAsync(ILocator menu, string arrangement)
    {
        await menu.ClickAsync();
        await Page.GetByRole(AriaRole.Menuitem, new() { Name = arrangement }).ClickAsync();
        await Expect(Page.Locator("[data-testid=dirty-badge]")).ToBeVisibleAsync();
    }

    /// <summary>Waits (up to 10 s) for the file the JSON tab shows to place the step at (x, y); the tab is read without changing the selection.</summary>
    private async Task ExpectPositionAsync(string stepId, int x, int y)
    {
        await Page.Locator("[data-testid=tab-json]").ClickAsync();
        var json = Page.Locator("[data-testid=json-view]");
        (int X, int Y)? shown = null;
        var deadline = DateTime.UtcNow.AddSeconds(10);
        do
        {
            using var file = JsonDocument.Parse(await json.TextContentAsync() ?? "");
            var position = file.RootElement.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("id").GetString() == stepId).GetProperty("position");
            shown = (position.GetProperty("x").GetInt32(), position.GetProperty("y").GetInt32());
            if (shown == (x, y))
                return;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        Assert.Fail($"Step {stepId} is at {shown} in the file, not at ({x}, {y}).");
    }

    /// <summary>The whole step is inside the canvas.</summary>
    private async Task AssertInViewAsync(string stepId)
    {
        var canvas = (await Page.Locator("[data-testid=canvas]").BoundingBoxAsync())!;
        var node = await SettledBoxAsync(Node(stepId));
        Assert.True(node.X >= canvas.X && node.X + node.Width <= canvas.X + canvas.Width && node.Y >= canvas.Y && node.Y + node.Height <= canvas.Y + canvas.Height,
            $"Step {stepId} at ({node.X}, {node.Y}) is not inside the canvas ({canvas.X}, {canvas.Y}, {canvas.Width}×{canvas.Height}).");
    }

    private async Task UndoAsync() => await Page.Locator("button[aria-label='Undo']").ClickAsync();

    /// <summary>The connections leaving a step in the file the JSON tab shows ("port->to", sorted); the Step tab shows again afterwards.</summary>
    private async Task<IReadOnlyList<string>> ConnectionsFromAsync(string stepId)
    {
        using var file = await ShownFileAsync();
        return file.RootElement.GetProperty("connections").EnumerateArray()
            .Where(c => c.GetProperty("from").GetString() == stepId)
            .Select(c => $"{(c.TryGetProperty("port", out var port) ? port.GetString() : "done")}->{c.GetProperty("to").GetString()}")
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The file as the JSON tab shows it; the Step tab shows again afterwards.</summary>
    private async Task<JsonDocument> ShownFileAsync()
    {
        await Page.Locator("[data-testid=tab-json]").ClickAsync();
        var file = JsonDocument.Parse(await Page.Locator("[data-testid=json-view]").TextContentAsync() ?? "");
        await Page.Locator("[data-testid=tab-step]").ClickAsync();
        return file;
    }

    /// <summary>The options of a form field of a step in the file the JSON tab shows.</summary>
    private async Task<IReadOnlyList<string>> FormFieldOptionsAsync(string stepId, string fieldName)
    {
        using var file = await ShownFileAsync();
        var step = file.RootElement.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("id").GetString() == stepId);
        var field = step.GetProperty("form").EnumerateArray().Single(f => f.GetProperty("name").GetString() == fieldName);
        return field.GetProperty("options").EnumerateArray().Select(o => o.GetString()!).ToList();
    }

    private ILocator Node(string stepId) => Page.Locator($".diagram-node[data-node-id='{stepId}']");

    private ILocator Input(string testId) => Page.Locator($"input[data-testid='{testId}'], [data-testid='{testId}'] input").First;

    private ILocator Field(string path) => Page.Locator($"[data-field='{path}']").Locator("input:not([type=hidden]), textarea:not([aria-hidden=true])").First;

    /// <summary>The "Advanced (JavaScript)" switch of a condition.</summary>
    private ILocator AdvancedSwitch(string path) =>
        Page.Locator($"[data-field='{path}']").Locator("[data-testid=condition-advanced] input, input[data-testid=condition-advanced]").First;

    /// <summary>The JavaScript text of a condition, shown once its editor is in advanced mode.</summary>
    private ILocator ConditionJavaScript(string path) =>
        Page.Locator($"[data-field='{path}'] [data-testid=condition-javascript]").Locator("textarea:not([aria-hidden=true])").First;

    private static async Task FillAsync(ILocator input, string text)
    {
        await input.FillAsync(text);
        await input.PressAsync("Tab");
    }

    private async Task AddFromPaletteAsync(string type)
    {
        var before = await Page.Locator(".diagram-node").CountAsync();
        await Page.Locator($"[data-testid=palette] [data-step-type='{type}']").ClickAsync();
        await Expect(Page.Locator(".diagram-node")).ToHaveCountAsync(before + 1);
    }

    private async Task SelectAsync(string stepId)
    {
        await Node(stepId).Locator(".vs-node-head").ClickAsync();
        await Expect(Page.Locator("[data-testid=step-panel]")).ToHaveAttributeAsync("data-step-id", stepId);
    }

    private async Task PickPracticeAsync(string practiceName)
    {
        await Page.Locator("[data-testid=practice-picker]").ClickAsync();
        await Page.Locator(".mud-popover-open .mud-list-item", new() { HasTextRegex = new Regex($"^{Regex.Escape(practiceName)} —") }).ClickAsync();
        await Expect(Page.Locator("[data-testid=practices] .vs-picked-item", new() { HasText = practiceName })).ToHaveCountAsync(1);
    }

    /// <summary>Drags from a port's dot onto the body of another step, as a user connects them.</summary>
    private async Task ConnectAsync(string port, string toStep)
    {
        var dot = (await Page.Locator($"[data-port='{port}']").BoundingBoxAsync())!;
        var target = (await Node(toStep).BoundingBoxAsync())!;
        await DragAsync(dot.X + dot.Width / 2, dot.Y + dot.Height / 2, target.X + target.Width / 2, target.Y + target.Height / 2);
        await Expect(Page.Locator($"[data-port='{port}']")).ToHaveClassAsync(new Regex("vs-port-linked"));
    }

    private async Task DragAsync(double fromX, double fromY, double toX, double toY)
    {
        await Page.Mouse.MoveAsync((float)fromX, (float)fromY);
        await Page.Mouse.DownAsync();
        await Page.Mouse.MoveAsync((float)((fromX + toX) / 2), (float)((fromY + toY) / 2), new() { Steps = 4 });
        await Page.Mouse.MoveAsync((float)toX, (float)toY, new() { Steps = 4 });
        await Page.Mouse.UpAsync();
    }
}
