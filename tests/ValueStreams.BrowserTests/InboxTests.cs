using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace ValueStreams.BrowserTests;

public sealed class InboxTests(HostProcess host) : BrowserTest(host)
{
    private const string LogTaskTitle = "Log and prioritise the incident reported by phone";
    private static readonly string[] BlockingImpacts = ["serious", "critical"];

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
        var engineerPage = await Host.NewPageAsync();
        try
        {
            await HostProcess.SignInAsync(engineerPage, "engineer", "demo", "/inbox");
            await Assertions.Expect(engineerPage.Locator("#inbox-title")).ToBeVisibleAsync();
            await Assertions.Expect(engineerPage.Locator("a.vs-task-link", new() { HasText = $"Diagnose: {summary}" })).ToBeVisibleAsync();
        }
        finally
        {
            await engineerPage.Context.CloseAsync();
        }
    }

    [Fact]
    public async Task Completing_with_a_required_field_empty_shows_the_inline_message_and_leaves_the_task_open()
    {
        using var agentApi = await ApiAsync("agent");
        var taskId = await StartIncidentAsync(agentApi);

        await SignInAsync("agent", path: $"/tasks/{taskId}");
        await WaitForInteractiveAsync("task-page");
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

    /// <summary>
    /// A screenshot of the whole page as one tall window shows it (a full-page shot of a scrolled page draws the
    /// fixed app bar and drawer mid-page), taken once snackbars are gone.
    /// </summary>
    private async Task WholePageScreenshotAsync(string fileName)
    {
        await Expect(Page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        var viewport = Page.ViewportSize!;
        var height = await Page.EvaluateAsync<int>("() => document.documentElement.scrollHeight");
        await Page.SetViewportSizeAsync(viewport.Width, Math.Max(viewport.Height, height));
        await Page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Host.Screenshot(fileName) });
        await Page.SetViewportSizeAsync(viewport.Width, viewport.Height);
    }

    private ILocator TaskLink(string taskId) => Page.Locator($"a.vs-task-link[data-task-id='{taskId}']");

    /// <summary>Waits until the page's Blazor circuit is attached (buttons do nothing in the prerendered page).</summary>
    private Task WaitForInteractiveAsync(string testId) =>
        Expect(Page.Locator($"[data-testid={testId}][data-interactive=true]")).ToBeVisibleAsync(new() { Timeout = 15_000 });

    private async Task ClaimAsync()
    {
        await Page.Locator("[data-testid=claim]").ClickAsync();
        await Expect(Page.Locator("[data-testid=task-status]")).ToHaveTextAsync("Claimed by you");
        await Expect(Page.Locator("[data-testid=release]")).ToBeVisibleAsync();
    }

    private async Task FillLogIncidentFormAsync(string summary)
    {
        await Page.Locator("#field-summary").FillAsync(summary);
        await Page.Locator("#field-businessImpact").FillAsync("The forklift driver cannot get instructions and must cross the warehouse.");
        await Page.Locator("#field-location").FillAsync("Warehouse 2, loading bay");
        await Page.Locator("#field-reporterName").FillAsync("Walt Warehouse");
        await Page.Locator("#field-reporterEmail").FillAsync("walt@example.com");
    }

    /// <summary>Picks an option of a choice field (a MudSelect): open it, then click the option.</summary>
    private async Task ChooseAsync(string field, string option)
    {
        await Page.Locator($"[data-field={field}] div.mud-select").First.ClickAsync();
        await Page.Locator(".mud-popover-open .mud-list-item", new() { HasText = option }).First.ClickAsync();
        await Expect(Page.Locator($"#field-{field}")).ToHaveValueAsync(option);
    }

    private async Task CompleteWithAsync(string outcome)
    {
        var button = Page.Locator($"[data-outcome={outcome}]");
        await Expect(button).ToBeEnabledAsync();
        await button.ClickAsync();
    }

    private async Task AssertNoBlockingViolationsAsync(string what)
    {
        // Snackbars fade in and out: checked mid-fade their colours read as low contrast. Check the page once they are gone.
        await Expect(Page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        var result = await Page.RunAxe();
        var blocking = result.Violations.Where(v => BlockingImpacts.Contains(v.Impact)).ToList();
        Assert.True(blocking.Count == 0, $"axe found {blocking.Count} serious/critical violation(s) on the {what} ({Page.Url}):\n{Describe(blocking)}");
    }

    private static string Describe(IEnumerable<AxeResultItem> violations)
    {
        var text = new StringBuilder();
        foreach (var violation in violations)
        {
            text.AppendLine($"- [{violation.Impact}] {violation.Id}: {violation.Help}");
            foreach (var node in violation.Nodes)
                text.AppendLine($"    at {node.Target}: {node.Html}");
        }
        return text.ToString();
    }

    /// <summary>An API client signed in with a bearer token from <c>POST /api/auth/token</c>.</summary>
    private async Task<HttpClient> ApiAsync(string username)
    {
        var http = new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.PostAsJsonAsync("api/auth/token", new { username, password = "demo" });
        response.EnsureSuccessStatusCode();
        using var token = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.RootElement.GetProperty("accessToken").GetString());
        return http;
    }

    /// <summary>Starts an incident-resolution instance and returns the id of its first task (logging the incident, for the service desk).</summary>
    private static async Task<string> StartIncidentAsync(HttpClient api)
    {
        using var started = await api.PostAsJsonAsync("api/value-streams/incident-resolution/instances", new { });
        Assert.True(started.IsSuccessStatusCode, $"starting the instance answered {(int)started.StatusCode}: {await started.Content.ReadAsStringAsync()}");
        using var instance = JsonDocument.Parse(await started.Content.ReadAsStringAsync());
        var instanceId = instance.RootElement.GetProperty("id").GetString();
        using var tasks = await GetJsonAsync(api, $"api/tasks?scope=group&instance={instanceId}");
        var task = Assert.Single(tasks.RootElement.EnumerateArray());
        Assert.Equal(LogTaskTitle, task.GetProperty("title").GetString());
        return task.GetProperty("id").GetString()!;
    }

    private static async Task<JsonDocument> GetJsonAsync(HttpClient api, string path)
    {
        using var response = await api.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }
}
