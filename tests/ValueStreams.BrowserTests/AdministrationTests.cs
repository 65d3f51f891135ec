using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace ValueStreams.BrowserTests;

/// <summary>Admins manage users, groups and read the audit log in the app; every user changes their own password.</summary>
public sealed class AdministrationTests(HostProcess host) : BrowserTest(host)
{
    private const string FirstPassword = "first password 123";

    [Fact]
    public async Task An_admin_creates_a_user_who_signs_in_and_whose_session_ends_when_the_admin_deactivates_them()
    {
        var username = $"nia{Guid.NewGuid():N}"[..10];
        await SignInAsync("admin", path: "/admin/users");
        await WaitForInteractiveAsync("users-page");
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Audit log" })).ToBeVisibleAsync();

        // A short password is refused at its field, and nothing is created.
        await Page.Locator("[data-testid=new-username] input").FillAsync(username);
        await Page.Locator("[data-testid=new-display-name] input").FillAsync("Nia Newcomer");
        await Page.Locator("[data-testid=new-email] input").FillAsync($"{username}@example.org");
        await Page.Locator("[data-testid=new-password] input").FillAsync("short");
        await ChooseAsync(Page.Locator("[data-testid=new-groups]"), "service-desk");
        await Page.Keyboard.PressAsync("Escape");
        await Page.Locator("[data-testid=create-user]").ClickAsync();
        await Expect(Page.Locator("[data-testid=new-password]")).ToContainTextAsync("at least 12");
        await Expect(Page.Locator("[data-testid=user-table]")).Not.ToContainTextAsync(username);

        await Page.Locator("[data-testid=new-password] input").FillAsync(FirstPassword);
        await Page.Locator("[data-testid=create-user]").ClickAsync();
        var row = Page.Locator("[data-testid=user-table] tr", new() { HasText = username });
        await Expect(row).ToContainTextAsync("service-desk");
        await Expect(row).ToContainTextAsync("active");

        var nia = await Host.NewPageAsync();
        try
        {
            await HostProcess.SignInAsync(nia, username, FirstPassword, "/inbox");
            await Expect(nia.Locator("[data-testid=signed-in-user]")).ToContainTextAsync(username);

            await row.GetByRole(AriaRole.Button, new() { Name = $"Edit {username}" }).ClickAsync();
            await Page.Locator("[data-testid=deactivate-user]").ClickAsync();
            await Expect(row).ToContainTextAsync("deactivated");
            await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await ScreenshotAsync("admin-users.png");

            await nia.GotoAsync("/inbox");
            await Expect(nia).ToHaveURLAsync(new Regex(@"/login(\?|$)"));
            await HostProcess.SignInAsync(nia, username, FirstPassword, "/inbox");
            await Expect(nia.Locator("[data-testid=login-error]")).ToContainTextAsync("incorrect");
        }
        finally
        {
            await nia.Context.CloseAsync();
        }

        await Page.GotoAsync("/admin/audit");
        await WaitForInteractiveAsync("audit-page");
        await Page.Locator("[data-testid=audit-actor] input").FillAsync(username);
        await Page.Locator("[data-testid=audit-filter]").ClickAsync();
        var audit = Page.Locator("[data-testid=audit-table]");
        await Expect(audit).ToContainTextAsync("sign-in-failed");
        await Expect(audit).ToContainTextAsync("deactivated user");
        await Page.Locator("[data-testid=audit-actor] input").FillAsync("admin");
        await Page.Locator("[data-testid=audit-filter]").ClickAsync();
        await Expect(audit).ToContainTextAsync("user.deactivated");
        await Expect(audit).ToContainTextAsync("user.created");
        await ScreenshotAsync("admin-audit-log.png");
    }

    [Fact]
    public async Task An_admin_creates_a_group_with_a_manager_and_members()
    {
        var id = $"team-{Guid.NewGuid():N}"[..12];
        await SignInAsync("admin", path: "/admin/groups");
        await WaitForInteractiveAsync("groups-page");

        await Page.Locator("[data-testid=new-group-id] input").FillAsync("Not An Id");
        await Page.Locator("[data-testid=create-group]").ClickAsync();
        await Expect(Page.Locator("[data-testid=new-group-id]")).ToContainTextAsync("lower-case");
        await Expect(Page.Locator("[data-testid=new-group-name]")).ToContainTextAsync("required");

        await Page.Locator("[data-testid=new-group-id] input").FillAsync(id);
        await Page.Locator("[data-testid=new-group-name] input").FillAsync("Major incident team");
        await ChooseAsync(Page.Locator("[data-testid=new-group-manager]"), "deskmanager");
        await ChooseAsync(Page.Locator("[data-testid=new-group-members]"), "engineer");
        await Page.Keyboard.PressAsync("Escape");
        await Page.Locator("[data-testid=create-group]").ClickAsync();

        var row = Page.Locator("[data-testid=group-table] tr", new() { HasText = id });
        await Expect(row).ToContainTextAsync("deskmanager");
        await Expect(row).ToContainTextAsync("engineer");
        await Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await ScreenshotAsync("admin-groups.png");
    }

    [Fact]
    public async Task A_user_changes_their_own_password_on_the_account_page_and_agents_see_no_admin_pages()
    {
        var username = $"ana{Guid.NewGuid():N}"[..10];
        var api = await Page.APIRequest.PostAsync("/api/auth/token", new() { DataObject = new { username = "admin", password = "demo" } });
        var token = (await api.JsonAsync())!.Value.GetProperty("accessToken").GetString();
        var created = await Page.APIRequest.PostAsync("/api/users", new()
        {
            Headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {token}" },
            DataObject = new { username, displayName = "Ana Agent", password = FirstPassword, roles = new[] { "agent" }, groups = new[] { "service-desk" } },
        });
        Assert.Equal(201, created.Status);

        await SignInAsync(username, FirstPassword, "/account");
        await WaitForInteractiveAsync("account-page");
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Users" })).ToHaveCountAsync(0);

        await Page.Locator("[data-testid=current-password] input").FillAsync("not my password");
        await Page.Locator("[data-testid=new-password] input").FillAsync("second password 456");
        await Page.Locator("[data-testid=repeat-password] input").FillAsync("second password 456");
        await Page.Locator("[data-testid=change-password]").ClickAsync();
        await Expect(Page.Locator("[data-testid=current-password]")).ToContainTextAsync("is not your current password");

        await Page.Locator("[data-testid=current-password] input").FillAsync(FirstPassword);
        await Page.Locator("[data-testid=change-password]").ClickAsync();
        await Expect(Page.Locator(".mud-snackbar")).ToContainTextAsync("Your password is changed.");
        await ScreenshotAsync("account-password.png");

        await Page.GotoAsync("/admin/users");
        await Expect(Page.Locator("[data-testid=user-table]")).ToHaveCountAsync(0);

        var again = await Host.NewPageAsync();
        try
        {
            await HostProcess.SignInAsync(again, username, "second password 456", "/inbox");
            await Expect(again.Locator("[data-testid=signed-in-user]")).ToContainTextAsync(username);
        }
        finally
        {
            await again.Context.CloseAsync();
        }
    }
}
