using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ValueStreams.BrowserTests;

public sealed class InboxTests(HostProcess host) : InboxBrowserTest(host)
{
    [Fact]
    public async Task An_agent_works_the_first_incident_tasks_from_the_inbox_and_the_engineer_receives_the_next()
    {
        var summary = $"No WiFi in the loading bay {Guid.NewGuid().ToString("N")[..6]}";
        using var agentApi = await ApiAsync("agent");
        var taskId = await StartIncidentAsync(agentApi);

        await SignInAsync("agent", path: "/inbox");
        await Expect(Page.Locator("#inbox-title")).ToBeVisibleAsync();
        var link = TaskLink(taskId);
        await Expect(link).ToHaveTextAsync(LogTaskTitle);
        await WaitForInteractiveAsync("inbox");

        await link.ClickAsync();
        await Expect(Page).ToHaveURLAsync(new Regex($"/tasks/{taskId}$"));
        await WaitForInteractiveAsync("task-page");
        await Expect(Page.Locator("#task-title")).ToHaveTextAsync(LogTaskTitle);
        await Expect(Page.Locator("[data-testid=task-value-stream]")).ToHaveTextAsync("Incident resolution");
        await Expect(Page.Locator("[data-testid=task-for]")).ToHaveTextAsync("service-desk");
        await Expect(Page.Locator("[data-testid=journal]")).ToContainTextAsync("Log and prioritise the incident");

        await ClaimAsync();
        await FillLogIncidentFormAsync(summary);
        await ChooseAsync("priority", "P2");
        await Page.Locator("#comment-text").FillAsync("Caller says the forklift driver has had no instructions since 08:00.");
        await Page.Locator("[data-testid=add-comment]").ClickAsync();
        await Expect(Page.Locator("[data-testid=worklog]")).ToContainTextAsync("no instructions since 08:00");
        await WholePageScreenshotAsync("task.png");

        await CompleteWithAsync("logged");
        await Expect(Page).ToHaveURLAsync(new Regex("/inbox$"));
        await Expect(Page.Locator(".mud-snackbar", new() { HasText = "Completed" })).ToBeVisibleAsync();
        await Expect(TaskLink(taskId)).ToHaveCountAsync(0);

        // The stream runs on to the desk's next task: fix at the desk or escalate.
        var next = Page.Locator("a.vs-task-link", new() { HasText = $"Fix at the desk or escalate: {summary}" });
        await Expect(next).ToBeVisibleAsync();
        await WholePageScreenshotAsync("inbox.png");
        await next.ClickAsync();
        await WaitForInteractiveAsync("task-page");
        await ClaimAsync();
        await Expect(Page.Locator("[data-outcome]").First).ToHaveAttributeAsync("data-outcome", "escalate");
        await CompleteWithAsync("escalate");
        await Expect(Page).ToHaveURLAsync(new Regex("/inbox$"));
        await Expect(Page.Locator("a.vs-task-link", new() { HasText = summary })).ToHaveCountAsync(0);

        // Network support's engineer now finds the diagnosis task in their inbox.
        await AsAnotherUserAsync("engineer", "/inbox", async engineerPage =>
        {
            await Assertions.Expect(engineerPage.Locator("#inbox-title")).ToBeVisibleAsync();
            await Assertions.Expect(engineerPage.Locator("a.vs-task-link", new() { HasText = $"Diagnose: {summary}" })).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task Completing_with_a_required_field_empty_shows_the_inline_message_and_leaves_the_task_open()
    {
        using var agentApi = await ApiAsync("agent");
        var taskId = await StartIncidentAsync(agentApi);

        await OpenTaskAsync("agent", taskId);
        await ClaimAsync();
        await Page.Locator("#field-summary").FillAsync("Printer offline");
        await Page.Locator("#field-reporterName").FillAsync("Walt Warehouse");
        await Page.Locator("#field-reporterEmail").FillAsync("walt@example.com");

        await CompleteWithAsync("logged");

        await Expect(Page.Locator("[data-field=businessImpact]")).ToContainTextAsync("Business impact is required");
        await Expect(Page.Locator("[data-testid=form-problems]")).ToContainTextAsync("Business impact is required");
        await Expect(Page).ToHaveURLAsync(new Regex($"/tasks/{taskId}$"));
        using (var task = await GetJsonAsync(agentApi, $"api/tasks/{taskId}"))
            Assert.Equal("claimed", task.RootElement.GetProperty("status").GetString());

        // The same rules clear the message once the field is filled, and a wrong email is named inline too.
        await Page.Locator("#field-businessImpact").FillAsync("Nobody in bay 2 can print delivery notes.");
        await Expect(Page.Locator("[data-field=businessImpact]")).Not.ToContainTextAsync("is required");
        await Page.Locator("#field-reporterEmail").FillAsync("not an email");
        await CompleteWithAsync("logged");
        await Expect(Page.Locator("[data-field=reporterEmail]")).ToContainTextAsync("Reporter's email does not have the expected form");
        using (var task = await GetJsonAsync(agentApi, $"api/tasks/{taskId}"))
            Assert.Equal("claimed", task.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_inbox_and_the_task_page_have_no_serious_or_critical_axe_violations()
    {
        using var agentApi = await ApiAsync("agent");
        var taskId = await StartIncidentAsync(agentApi);

        await SignInAsync("agent", path: "/inbox");
        await Expect(TaskLink(taskId)).ToBeVisibleAsync();
        await WaitForInteractiveAsync("inbox");
        // The new task's notification shows the bell's unread badge, which is checked too.
        await Expect(Page.Locator("[data-testid=notification-bell] .mud-badge")).ToBeVisibleAsync();
        await AssertNoBlockingViolationsAsync("inbox");

        await TaskLink(taskId).ClickAsync();
        await WaitForInteractiveAsync("task-page");
        await AssertNoBlockingViolationsAsync("task page before claiming");

        await ClaimAsync();
        await CompleteWithAsync("logged");
        await Expect(Page.Locator("[data-testid=form-problems]")).ToBeVisibleAsync();
        await AssertNoBlockingViolationsAsync("task page with inline messages");
    }

    [Fact]
    public async Task A_task_created_while_the_inbox_is_open_appears_without_a_reload()
    {
        using var agentApi = await ApiAsync("agent");
        await SignInAsync("agent", path: "/inbox");
        await Expect(Page.Locator("#inbox-title")).ToBeVisibleAsync();
        await WaitForInteractiveAsync("inbox");
        var loads = 0;
        Page.Load += (_, _) => loads++;

        var taskId = await StartIncidentAsync(agentApi);

        await Expect(TaskLink(taskId)).ToBeVisibleAsync(new() { Timeout = 10_000 });
        Assert.Equal(0, loads);
    }

    [Fact]
    public async Task The_inbox_is_reachable_from_the_navigation_and_the_bell_by_keyboard()
    {
        await SignInAsync("agent");
        await Expect(Page.Locator("#overview-title")).ToBeVisibleAsync();
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        var bell = Page.Locator("[data-testid=notification-bell] button");
        await Expect(bell).ToHaveAttributeAsync("aria-label", new Regex("^Notifications"));
        await bell.FocusAsync();
        await Page.Keyboard.PressAsync("Enter");
        var openInbox = Page.GetByRole(AriaRole.Menuitem, new() { Name = "Open the inbox" });
        await Expect(openInbox).ToBeVisibleAsync();
        // Escape closes the menu once its key handler is attached, a moment after it opens.
        for (var attempt = 0; attempt < 10 && await openInbox.IsVisibleAsync(); attempt++)
        {
            await Page.Keyboard.PressAsync("Escape");
            await Page.WaitForTimeoutAsync(300);
        }
        await Expect(openInbox).ToBeHiddenAsync();

        await Page.GetByRole(AriaRole.Link, new() { Name = "Inbox", Exact = true }).FocusAsync();
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Page).ToHaveURLAsync(new Regex("/inbox$"));
        await Expect(Page.Locator("#inbox-title")).ToBeVisibleAsync();
    }

    private async Task FillLogIncidentFormAsync(string summary)
    {
        await Page.Locator("#field-summary").FillAsync(summary);
        await Page.Locator("#field-businessImpact").FillAsync("The forklift driver cannot get instructions and must cross the warehouse.");
        await Page.Locator("#field-location").FillAsync("Warehouse 2, loading bay");
        await Page.Locator("#field-reporterName").FillAsync("Walt Warehouse");
        await Page.Locator("#field-reporterEmail").FillAsync("walt@example.com");
    }

    /// <summary>Picks an option of a choice field (a MudSelect).</summary>
    private async Task ChooseAsync(string field, string option)
    {
        await ChooseAsync(Page.Locator($"[data-field={field}]"), option);
        await Expect(Page.Locator($"#field-{field}")).ToHaveValueAsync(option);
    }

    private async Task CompleteWithAsync(string outcome)
    {
        var button = Page.Locator($"[data-outcome={outcome}]");
        await Expect(button).ToBeEnabledAsync();
        await button.ClickAsync();
    }
}
