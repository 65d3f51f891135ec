using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ValueStreams.BrowserTests;

/// <summary>Delegating, reassigning and escalating a task from its page, each in a dialog.</summary>
public sealed class TaskActionTests(HostProcess host) : InboxBrowserTest(host)
{
    private ILocator Dialog => Page.GetByRole(AriaRole.Dialog);

    private ILocator History => Page.Locator("[data-testid=task-history]");

    [Fact]
    public async Task Delegating_hands_the_task_to_another_agent_it_leaves_my_inbox_arrives_in_theirs_and_the_trail_shows_it()
    {
        using var agentApi = await ApiAsync("agent");
        var taskId = await StartIncidentAsync(agentApi);

        await OpenTaskAsync("agent", taskId);
        await ClaimAsync();
        await OpenMineAsync(Page);
        await Expect(TaskLink(taskId)).ToBeVisibleAsync();
        await TaskLink(taskId).ClickAsync();
        await WaitForInteractiveAsync("task-page");

        // Agents delegate and escalate; only admins reassign.
        await Expect(Page.Locator("[data-testid=delegate]")).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-testid=escalate]")).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-testid=reassign]")).ToHaveCountAsync(0);

        await Page.Locator("[data-testid=delegate]").ClickAsync();
        await Expect(Dialog).ToBeVisibleAsync();
        await Expect(Dialog.GetByRole(AriaRole.Heading)).ToContainTextAsync($"Delegate “{LogTaskTitle}”");

        // The picker takes only existing users, as the API does.
        await Page.Locator("#action-person").FillAsync("nobody-here");
        await Dialog.Locator("[data-testid=action-submit]").ClickAsync();
        await Expect(Dialog).ToContainTextAsync("'nobody-here' is not a user.");

        await PickPersonAsync("Emil", "Emil Engineer (engineer)");
        await Expect(Dialog).Not.ToContainTextAsync("is not a user");
        await AssertNoBlockingViolationsAsync("delegate dialog");
        await Dialog.Locator("[data-testid=action-submit]").ClickAsync();

        await Expect(Dialog).ToHaveCountAsync(0);
        await Expect(Page.Locator(".mud-snackbar", new() { HasText = "Delegated to Emil Engineer (engineer)." })).ToBeVisibleAsync();
        await Expect(Page.Locator("[data-testid=task-for]")).ToHaveTextAsync("service-desk / engineer");
        await Expect(Page.Locator("[data-testid=task-status]")).ToHaveTextAsync("Open");
        await Expect(History).ToContainTextAsync("agent delegated (engineer)");

        // It leaves the agent's own tasks (the claim is released) and arrives in the engineer's inbox.
        await OpenMineAsync(Page);
        await Expect(TaskLink(taskId)).ToHaveCountAsync(0);
        Assert.DoesNotContain(taskId, await TaskIdsAsync(agentApi, "mine"));

        await AsAnotherUserAsync("engineer", "/inbox", async engineerPage =>
        {
            await OpenMineAsync(engineerPage);
            await Assertions.Expect(TaskLink(engineerPage, taskId)).ToBeVisibleAsync();
            await TaskLink(engineerPage, taskId).ClickAsync();
            await WaitForInteractiveAsync(engineerPage, "task-page");
            await Assertions.Expect(engineerPage.Locator("[data-testid=task-history]")).ToContainTextAsync("agent delegated (engineer)");
            await Assertions.Expect(engineerPage.Locator("[data-testid=claim]")).ToBeVisibleAsync();
        });
    }

    [Fact]
    public async Task Escalating_by_keyboard_with_a_reason_raises_the_priority_and_the_trail_records_why()
    {
        using var agentApi = await ApiAsync("agent");
        var taskId = await StartIncidentAsync(agentApi);
        using (var before = await GetJsonAsync(agentApi, $"api/tasks/{taskId}"))
            Assert.Equal(System.Text.Json.JsonValueKind.Null, before.RootElement.GetProperty("priority").ValueKind);

        await OpenTaskAsync("agent", taskId);
        await Expect(Page.Locator("[data-testid=task-priority]")).ToHaveTextAsync("–");

        await Page.Locator("[data-testid=escalate]").FocusAsync();
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Dialog).ToBeVisibleAsync();
        await Expect(Page.Locator("#action-reason")).ToBeFocusedAsync();

        // Without a reason the dialog says so, as the API would, and nothing changes.
        await TabToAsync("[data-testid=action-submit]");
        await Page.Keyboard.PressAsync("Enter");
        await Expect(Dialog).ToContainTextAsync("Say why the task is escalated.");
        await Expect(Page.Locator("#action-reason")).ToHaveAttributeAsync("aria-invalid", "true");

        await Page.Locator("#action-reason").FocusAsync();
        await Page.Keyboard.TypeAsync("The whole loading bay is offline; trucks are waiting.");
        await Expect(Dialog).Not.ToContainTextAsync("Say why the task is escalated.");
        await TabToAsync("[data-testid=action-submit]");
        await Page.Keyboard.PressAsync("Enter");

        await Expect(Dialog).ToHaveCountAsync(0);
        await Expect(Page.Locator("[data-testid=task-priority]")).ToHaveTextAsync("3");
        await Expect(Page.Locator("[data-testid=escalate]")).ToBeFocusedAsync();
        await Expect(History).ToContainTextAsync("agent escalated (The whole loading bay is offline; trucks are waiting.)");
        await Expect(Page.Locator("[data-testid=task-for]")).ToHaveTextAsync("service-desk");

        // Escalating again, to the desk's managers: the priority rises once more and the task moves to them.
        await Page.Locator("[data-testid=escalate]").ClickAsync();
        await Expect(Dialog).ToBeVisibleAsync();
        await Page.Locator("#action-reason").FillAsync("No answer from network support within 15 minutes.");
        await ChooseAsync(Dialog.Locator("[data-testid=action-group]"), "Service desk managers (service-desk-managers)");
        await Expect(Page.Locator("#action-group")).ToHaveValueAsync("service-desk-managers");
        await Expect(Page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Host.Screenshot("task-actions.png") });
        await Dialog.Locator("[data-testid=action-submit]").ClickAsync();

        await Expect(Dialog).ToHaveCountAsync(0);
        await Expect(Page.Locator("[data-testid=task-priority]")).ToHaveTextAsync("2");
        await Expect(Page.Locator("[data-testid=task-for]")).ToHaveTextAsync("service-desk-managers");
        await Expect(History).ToContainTextAsync("agent escalated (to service-desk-managers: No answer from network support within 15 minutes.)");
        // The agent is no longer among those the task waits for: no actions are offered.
        await Expect(Page.Locator("[data-testid=task-actions]")).ToHaveCountAsync(0);
        await Expect(Page.Locator("#task-title")).ToBeFocusedAsync();
        using var deskManagerApi = await ApiAsync("deskmanager");
        Assert.Contains(taskId, await TaskIdsAsync(deskManagerApi, "group"));
    }

    [Fact]
    public async Task A_refused_delegation_shows_the_servers_message_and_changes_nothing()
    {
        using var agentApi = await ApiAsync("agent");
        using var adminApi = await ApiAsync("admin");
        var taskId = await StartIncidentAsync(agentApi);

        await OpenTaskAsync("agent", taskId);
        await Page.Locator("[data-testid=delegate]").ClickAsync();
        await PickPersonAsync("engineer", "Emil Engineer (engineer)");

        // Meanwhile an admin claims the task: the server now refuses to let the agent hand it on.
        using (var claimed = await adminApi.PostAsync($"api/tasks/{taskId}/claim", null))
            claimed.EnsureSuccessStatusCode();
        await Dialog.Locator("[data-testid=action-submit]").ClickAsync();

        var problem = Dialog.Locator("[data-testid=action-problem]");
        await Expect(problem).ToContainTextAsync($"Task '{taskId}' is held by someone else or closed.");
        await Expect(problem.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        using (var task = await GetJsonAsync(agentApi, $"api/tasks/{taskId}"))
        {
            Assert.Equal("claimed", task.RootElement.GetProperty("status").GetString());
            Assert.Equal("admin", task.RootElement.GetProperty("claimedBy").GetString());
            Assert.Equal(System.Text.Json.JsonValueKind.Null, task.RootElement.GetProperty("assignee").ValueKind);
        }

        await Dialog.Locator("[data-testid=action-cancel]").ClickAsync();
        await Expect(Dialog).ToHaveCountAsync(0);
        await Expect(Page.Locator("[data-testid=task-status]")).ToHaveTextAsync("Claimed by admin");
        await Expect(Page.Locator("[data-testid=delegate]")).ToHaveCountAsync(0);
        await Expect(Page.Locator("[data-testid=escalate]")).ToBeVisibleAsync();
        await Expect(History).Not.ToContainTextAsync("delegated");
    }

    [Fact]
    public async Task An_admin_reassigns_a_task_to_another_group_and_person()
    {
        using var agentApi = await ApiAsync("agent");
        var taskId = await StartIncidentAsync(agentApi);

        await OpenTaskAsync("admin", taskId);
        await Page.Locator("[data-testid=reassign]").ClickAsync();
        await Expect(Dialog).ToBeVisibleAsync();

        await Dialog.Locator("[data-testid=action-submit]").ClickAsync();
        await Expect(Dialog).ToContainTextAsync("Choose a group.");

        await ChooseAsync(Dialog.Locator("[data-testid=action-group]"), "Network support (network-support)");
        await PickPersonAsync("Emil", "Emil Engineer (engineer)");
        await Dialog.Locator("[data-testid=action-submit]").ClickAsync();

        await Expect(Dialog).ToHaveCountAsync(0);
        await Expect(Page.Locator("[data-testid=task-for]")).ToHaveTextAsync("network-support / engineer");
        await Expect(History).ToContainTextAsync("admin reassigned (network-support / engineer)");
        Assert.DoesNotContain(taskId, await TaskIdsAsync(agentApi, "group"));
        using var engineerApi = await ApiAsync("engineer");
        Assert.Contains(taskId, await TaskIdsAsync(engineerApi, "mine"));
    }

    /// <summary>Opens the inbox on the user's own tasks: assigned to or claimed by them.</summary>
    private static async Task OpenMineAsync(IPage page)
    {
        if (!page.Url.EndsWith("/inbox", StringComparison.Ordinal))
            await page.GotoAsync("/inbox");
        await WaitForInteractiveAsync(page, "inbox");
        await page.GetByRole(AriaRole.Checkbox, new() { Name = "Mine", Exact = true }).ClickAsync();
        await Assertions.Expect(page.Locator("#inbox-list-title")).ToContainTextAsync("My open tasks");
    }

    /// <summary>Types into the dialog's person picker and picks the suggestion.</summary>
    private async Task PickPersonAsync(string typed, string label)
    {
        var input = Page.Locator("#action-person");
        await input.FillAsync(typed);
        await Page.Locator(".mud-popover-open .mud-list-item", new() { HasText = label }).First.ClickAsync();
        await Expect(input).ToHaveValueAsync(label);
    }

    /// <summary>Presses Tab until the element matching <paramref name="selector"/> has the focus.</summary>
    private async Task TabToAsync(string selector)
    {
        var target = Page.Locator(selector);
        for (var presses = 0; presses < 15; presses++)
        {
            if (await target.EvaluateAsync<bool>("element => element === document.activeElement"))
                return;
            await Page.Keyboard.PressAsync("Tab");
        }
        await Expect(target).ToBeFocusedAsync();
    }

    private static async Task<List<string>> TaskIdsAsync(HttpClient api, string scope) =>
        (await api.GetFromJsonAsync<List<TaskRow>>($"api/tasks?scope={scope}"))!.Select(t => t.Id).ToList();

    private sealed record TaskRow(string Id);
}
