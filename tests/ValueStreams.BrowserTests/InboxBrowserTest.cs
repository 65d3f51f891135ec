using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace ValueStreams.BrowserTests;

/// <summary>
/// What the inbox tests share: API clients of demo users, a fresh incident whose first task waits for the service desk,
/// and the steps on the inbox and task pages.
/// </summary>
public abstract class InboxBrowserTest(HostProcess host) : BrowserTest(host)
{
    protected const string LogTaskTitle = "Log and prioritise the incident reported by phone";

    protected ILocator TaskLink(string taskId) => TaskLink(Page, taskId);

    protected static ILocator TaskLink(IPage page, string taskId) => page.Locator($"a.vs-task-link[data-task-id='{taskId}']");


    /// <summary>Signs in as <paramref name="username"/> on the task's page and waits until it is interactive.</summary>
    protected async Task OpenTaskAsync(string username, string taskId)
    {
        await SignInAsync(username, path: $"/tasks/{taskId}");
        await WaitForInteractiveAsync("task-page");
    }

    /// <summary>Runs <paramref name="act"/> on a page of its own, signed in as another user at <paramref name="path"/>.</summary>
    protected async Task AsAnotherUserAsync(string username, string path, Func<IPage, Task> act)
    {
        var page = await Host.NewPageAsync();
        try
        {
            await HostProcess.SignInAsync(page, username, "demo", path);
            await act(page);
        }
        finally
        {
            await page.Context.CloseAsync();
        }
    }

    protected async Task ClaimAsync()
    {
        await Page.Locator("[data-testid=claim]").ClickAsync();
        await Expect(Page.Locator("[data-testid=task-status]")).ToHaveTextAsync("Claimed by you");
        await Expect(Page.Locator("[data-testid=release]")).ToBeVisibleAsync();
    }


    /// <summary>
    /// A screenshot of the whole page as one tall window shows it (a full-page shot of a scrolled page draws the
    /// fixed app bar and drawer mid-page), taken once snackbars are gone.
    /// </summary>
    protected async Task WholePageScreenshotAsync(string fileName)
    {
        await Expect(Page.Locator(".mud-snackbar")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        var viewport = Page.ViewportSize!;
        var height = await Page.EvaluateAsync<int>("() => document.documentElement.scrollHeight");
        await Page.SetViewportSizeAsync(viewport.Width, Math.Max(viewport.Height, height));
        await Page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Host.Screenshot(fileName) });
        await Page.SetViewportSizeAsync(viewport.Width, viewport.Height);
    }

    /// <summary>An API client signed in with a bearer token from <c>POST /api/auth/token</c>.</summary>
    protected async Task<HttpClient> ApiAsync(string username)
    {
        var http = new HttpClient { BaseAddress = Host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.PostAsJsonAsync("api/auth/token", new { username, password = "demo" });
        response.EnsureSuccessStatusCode();
        using var token = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token.RootElement.GetProperty("accessToken").GetString());
        return http;
    }

    /// <summary>Imports and publishes a value stream file through the API, as the process owner.</summary>
    protected async Task ImportAsOwnerAsync(string file)
    {
        using var ownerApi = await ApiAsync("owner");
        using var imported = await ownerApi.PostAsync("api/value-streams/import", new StringContent(file, System.Text.Encoding.UTF8, "application/json"));
        Assert.True(imported.IsSuccessStatusCode, $"import answered {(int)imported.StatusCode}: {await imported.Content.ReadAsStringAsync()}");
    }

    /// <summary>Starts an incident-resolution instance and returns the id of its first task (logging the incident, for the service desk).</summary>
    protected static async Task<string> StartIncidentAsync(HttpClient api)
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

    protected static async Task<JsonDocument> GetJsonAsync(HttpClient api, string path)
    {
        using var response = await api.GetAsync(path);
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }
}
