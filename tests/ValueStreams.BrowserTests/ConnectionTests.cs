using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ValueStreams.BrowserTests;

/// <summary>
/// A dropped live connection: the page says so and blocks nothing, and what is typed meanwhile reaches the server when
/// the connection is back, or is put back into the form after a reload. The browser's connection to the server is cut
/// and restored by routing its live socket and the connection's requests.
/// </summary>
public sealed partial class ConnectionTests(HostProcess host) : InboxBrowserTest(host)
{
    private bool _offline;
    private readonly List<IWebSocketRoute> _sockets = [];

    [GeneratedRegex("/_blazor(/|\\?|$)")]
    private static partial Regex LiveConnection();

    private async Task RouteLiveConnectionAsync()
    {
        await Page.RouteWebSocketAsync(LiveConnection(), socket =>
        {
            if (_offline)
            {
                _ = socket.CloseAsync();
                return;
            }
            socket.ConnectToServer();
            lock (_sockets)
                _sockets.Add(socket);
        });
        await Page.RouteAsync(LiveConnection(), route => _offline ? route.AbortAsync() : route.ContinueAsync());
    }

    private async Task CutConnectionAsync()
    {
        _offline = true;
        List<IWebSocketRoute> open;
        lock (_sockets)
        {
            open = [.. _sockets];
            _sockets.Clear();
        }
        foreach (var socket in open)
            await socket.CloseAsync();
    }

    private ILocator Notice => Page.Locator("[data-testid=connection-notice]");

    private async Task ChooseIncidentAsync()
    {
        // After a start the portal shows "My requests".
        await Page.GetByRole(AriaRole.Tab, new() { Name = "Start a request" }).ClickAsync();
        await Page.Locator("[data-testid=choose-incident-resolution]").ClickAsync();
        await Expect(Page.Locator("[data-testid=start-form]")).ToBeVisibleAsync();
    }

    private async Task<string> DescriptionOfRequestAsync(string title)
    {
        using var api = await ApiAsync("warehouse");
        using var mine = await GetJsonAsync(api, "api/portal/my-requests");
        var request = mine.RootElement.EnumerateArray().Single(r => r.GetProperty("summary").GetString() == title);
        using var instance = await GetJsonAsync(api, $"api/instances/{request.GetProperty("instanceId").GetString()}");
        return instance.RootElement.GetProperty("variables").GetProperty("description").GetString()!;
    }

    [Fact]
    public async Task Text_typed_while_the_connection_is_down_is_sent_when_it_is_back_and_put_back_after_a_reload()
    {
        await RouteLiveConnectionAsync();
        await SignInAsync("warehouse", path: "/portal");
        await WaitForInteractiveAsync("portal");
        await Expect(Notice).ToBeHiddenAsync();

        // The connection drops while the requester fills the form: the notice shows and the fields stay usable.
        var title = $"Label printer jams {Guid.NewGuid().ToString("N")[..6]}";
        await ChooseIncidentAsync();
        await Page.Locator("#field-title").FillAsync(title);
        await CutConnectionAsync();
        await Expect(Notice).ToBeVisibleAsync();
        await Expect(Notice).ToContainTextAsync("Connection lost");
        const string description = "Typed while the connection was down: the printer at dock 4 jams on every third label.";
        await Page.Locator("#field-description").FillAsync(description);
        await Page.Locator("#field-title").FocusAsync();
        await ScreenshotAsync("connection-lost.png");

        // Back on the same connection: the notice goes and the server has what the page shows.
        _offline = false;
        await Expect(Notice).ToBeHiddenAsync(new() { Timeout = 60_000 });
        await Page.Locator("[data-testid=start-submit]").ClickAsync();
        await Expect(Page.Locator("[data-testid=started-message]")).ToContainTextAsync("Incident resolution is raised");
        Assert.Equal(description, await DescriptionOfRequestAsync(title));

        // Down again, and the page is reloaded before the connection is back: the new page gets the text back.
        var second = $"Scanner cradle loose {Guid.NewGuid().ToString("N")[..6]}";
        await ChooseIncidentAsync();
        await Page.Locator("#field-title").FillAsync(second);
        await CutConnectionAsync();
        await Expect(Notice).ToBeVisibleAsync();
        const string later = "Typed while the connection was down, then the page was reloaded.";
        await Page.Locator("#field-description").FillAsync(later);
        _offline = false;
        await Page.ReloadAsync();
        await WaitForInteractiveAsync("portal");
        await ChooseIncidentAsync();
        await Expect(Notice).ToContainTextAsync("Restored what you typed");
        await Expect(Page.Locator("#field-title")).ToHaveValueAsync(second);
        await Expect(Page.Locator("#field-description")).ToHaveValueAsync(later);
        await ScreenshotAsync("connection-restored.png");
        await Page.Locator("[data-testid=start-submit]").ClickAsync();
        await Expect(Page.Locator("[data-testid=started-message]")).ToContainTextAsync("Incident resolution is raised");
        Assert.Equal(later, await DescriptionOfRequestAsync(second));

        // Once given back, the text is no longer kept: another reload shows an empty form and no notice.
        await Page.ReloadAsync();
        await WaitForInteractiveAsync("portal");
        await ChooseIncidentAsync();
        await Expect(Page.Locator("#field-description")).ToHaveValueAsync("");
        await Expect(Notice).ToBeHiddenAsync();
    }
}
