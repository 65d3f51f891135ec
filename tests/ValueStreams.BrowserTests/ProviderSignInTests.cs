using System.Text.RegularExpressions;
using Microsoft.Playwright;
using ValueStreams.TestIdentityProvider;
using Person = ValueStreams.TestIdentityProvider.LoopbackIdentityProvider.Person;

namespace ValueStreams.BrowserTests;

/// <summary>Sign-in through an OpenID Connect provider in Chromium, with a host and a provider of its own.</summary>
public sealed class ProviderSignInTests : IAsyncLifetime
{
    private readonly LoopbackIdentityProvider.Client _client = new("valuestreams", "client-secret-for-browser-tests", "");
    private LoopbackIdentityProvider _provider = null!;
    private HostProcess _host = null!;

    public async Task InitializeAsync()
    {
        _provider = await LoopbackIdentityProvider.StartAsync(_client, new Person("pat", "pat-password", "idp-helpdesk"));
        _host = HostProcess.With(new Dictionary<string, string>
        {
            ["ValueStreams__Oidc__Enabled"] = "true",
            ["ValueStreams__Oidc__DisplayName"] = "Test IdP",
            ["ValueStreams__Oidc__Authority"] = _provider.Authority.ToString(),
            ["ValueStreams__Oidc__ClientId"] = _client.Id,
            ["ValueStreams__Oidc__ClientSecret"] = _client.Secret,
            ["ValueStreams__Oidc__RequireHttpsMetadata"] = "false",
            ["ValueStreams__Oidc__GroupMappings__0__ProviderGroup"] = "idp-helpdesk",
            ["ValueStreams__Oidc__GroupMappings__0__Groups__0"] = "service-desk",
            ["ValueStreams__Oidc__GroupMappings__0__Roles__0"] = "agent",
        });
        await _host.InitializeAsync();
        _client.RedirectUri = new Uri(_host.BaseAddress, "/signin-oidc").ToString();
    }

    [Fact]
    public async Task Signing_in_with_the_provider_from_the_login_page_lands_on_the_overview_with_the_mapped_group()
    {
        var page = await _host.NewPageAsync();
        await page.GotoAsync("/");

        await page.GetByRole(AriaRole.Link, new() { Name = "Sign in with Test IdP" }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("^" + Regex.Escape(_provider.Authority.ToString()) + "login"));
        await page.GetByLabel("User name").FillAsync("pat");
        await page.GetByLabel("Password").FillAsync("pat-password");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in at the provider" }).ClickAsync();

        await Assertions.Expect(page.Locator("#overview-title")).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(page).ToHaveURLAsync(_host.BaseAddress.ToString());
        await Assertions.Expect(page.Locator("[data-testid=signed-in-user]")).ToContainTextAsync("pat");
        await Assertions.Expect(page.Locator("main, .mud-main-content").First).ToContainTextAsync("service-desk");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _provider.DisposeAsync();
    }
}
