using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Identity;
using ValueStreams.Engine.Storage;
using ValueStreams.TestIdentityProvider;
using ValueStreams.Tests.Support;
using Person = ValueStreams.TestIdentityProvider.LoopbackIdentityProvider.Person;

namespace ValueStreams.Tests.Api;

/// <summary>Sign-in through an OpenID Connect provider, against a real provider on loopback.</summary>
[Collection(nameof(HostCollection))]
public sealed class OidcSignInTests
{
    private static readonly LoopbackIdentityProvider.Client Client = new("valuestreams", "client-secret-for-tests", "https://localhost/signin-oidc");

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_provider_user_lands_signed_in_with_the_mapped_groups_and_an_unmapped_provider_group_gives_nothing(StorageProvider store)
    {
        await using var provider = await LoopbackIdentityProvider.StartAsync(Client,
            new Person("pat", "pat-password", "idp-helpdesk") { Name = "Pat Provider" },
            new Person("uli", "uli-password", "idp-unmapped"));
        await using var host = await ApiHost.StartAsync(store, SettingsFor(provider));
        var admin = await host.ClientForAsync("admin");
        (await admin.PostAsJsonAsync("/api/value-streams/incident-resolution/instances", new { input = new { } })).EnsureSuccessStatusCode();

        var pat = await ProviderSignInFlow.SignInAsync(host, provider, "pat", "pat-password");
        Assert.Equal("/inbox", pat.Landed);
        var inbox = await pat.Service.GetFromJsonAsync<JsonElement>("/api/tasks?scope=group");
        Assert.Equal("service-desk", Assert.Single(inbox.EnumerateArray()).GetProperty("group").GetString());
        var patAccount = await UserAsync(host, "pat");
        Assert.Equal([Roles.Agent], patAccount.Roles);
        Assert.Equal(["service-desk"], patAccount.Groups);
        Assert.Equal("Pat Provider", patAccount.DisplayName);

        var uli = await ProviderSignInFlow.SignInAsync(host, provider, "uli", "uli-password");
        Assert.Equal("/inbox", uli.Landed);
        Assert.Empty((await uli.Service.GetFromJsonAsync<JsonElement>("/api/tasks?scope=group")).EnumerateArray());
        var uliAccount = await UserAsync(host, "uli");
        Assert.Empty(uliAccount.Roles);
        Assert.Empty(uliAccount.Groups);

        // Password sign-in and bearer tokens keep working beside the provider; provider users have no password here.
        Assert.Equal(HttpStatusCode.OK, (await host.AnonymousClient().PostAsJsonAsync("/api/auth/token", new { username = "agent", password = "demo" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.AnonymousClient().PostAsJsonAsync("/api/auth/token", new { username = "pat", password = "pat-password" })).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await host.AnonymousClient().GetAsync("/api/tasks?scope=group")).StatusCode);
    }

    [Fact]
    public async Task Groups_and_roles_follow_the_provider_at_every_sign_in_on_the_same_local_user()
    {
        var pat = new Person("pat", "pat-password", "idp-helpdesk");
        await using var provider = await LoopbackIdentityProvider.StartAsync(Client, pat);
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite, SettingsFor(provider));
        var admin = await host.ClientForAsync("admin");
        (await admin.PostAsJsonAsync("/api/value-streams/incident-resolution/instances", new { input = new { } })).EnsureSuccessStatusCode();

        await ProviderSignInFlow.SignInAsync(host, provider, "pat", "pat-password");
        var first = await UserAsync(host, "pat");

        pat.Groups = ["idp-network", "idp-owners", "idp-unmapped"];
        var again = await ProviderSignInFlow.SignInAsync(host, provider, "pat", "pat-password", returnUrl: "https://elsewhere.example/");
        Assert.Equal("/", again.Landed);
        var second = await UserAsync(host, "pat");
        Assert.Equal(first.Id, second.Id);
        Assert.Equal([Roles.Agent, Roles.ProcessOwner], second.Roles);
        Assert.Equal(["network-support"], second.Groups);
        Assert.Empty((await again.Service.GetFromJsonAsync<JsonElement>("/api/tasks?scope=group")).EnumerateArray());
        Assert.Single((await host.Services.GetRequiredService<UserRepository>().ListAsync()), u => u.Username == "pat");
    }

    [Fact]
    public async Task A_provider_user_named_like_a_local_user_is_linked_to_it_and_keeps_its_password()
    {
        await using var provider = await LoopbackIdentityProvider.StartAsync(Client, new Person("engineer", "idp-password", "idp-helpdesk"));
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite, SettingsFor(provider));
        var before = await UserAsync(host, "engineer");

        var signedIn = await ProviderSignInFlow.SignInAsync(host, provider, "engineer", "idp-password");

        Assert.Equal("/inbox", signedIn.Landed);
        var after = await UserAsync(host, "engineer");
        Assert.Equal(before.Id, after.Id);
        Assert.Equal(["service-desk"], after.Groups);
        await host.ClientForAsync("engineer", "demo");
    }

    [Fact]
    public async Task Without_linking_a_provider_user_whose_name_is_taken_locally_is_sent_back_to_sign_in_with_the_reason()
    {
        await using var provider = await LoopbackIdentityProvider.StartAsync(Client, new Person("admin", "idp-password", "idp-helpdesk"));
        var settings = SettingsFor(provider);
        settings["ValueStreams:Oidc:LinkExistingUsers"] = "false";
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite, settings);

        var refused = await ProviderSignInFlow.SignInAsync(host, provider, "admin", "idp-password");

        Assert.Equal("/login?error=provider-name-taken", refused.Landed);
        Assert.Equal(HttpStatusCode.Unauthorized, (await refused.Service.GetAsync("/api/tasks?scope=group")).StatusCode);
        Assert.Equal([Roles.Admin, Roles.ProcessOwner], (await UserAsync(host, "admin")).Roles);
        var page = await host.AnonymousClient().GetStringAsync("/login?error=provider-name-taken");
        Assert.Contains("Your user name at Test IdP belongs to a local user.", page);
    }

    [Fact]
    public async Task The_sign_in_page_offers_the_provider_only_when_it_is_on()
    {
        await using var provider = await LoopbackIdentityProvider.StartAsync(Client);
        await using (var on = await ApiHost.StartAsync(StorageProvider.Sqlite, SettingsFor(provider)))
            Assert.Contains("Sign in with Test IdP", await on.AnonymousClient().GetStringAsync("/login?returnUrl=%2Finbox"));
        await using var off = await ApiHost.StartAsync(StorageProvider.Sqlite);
        Assert.DoesNotContain("Sign in with", await off.AnonymousClient().GetStringAsync("/login"));
        Assert.Equal(HttpStatusCode.NotFound, (await off.AnonymousClient().GetAsync("/account/login/oidc")).StatusCode);
    }

    [Fact]
    public async Task A_forged_callback_or_an_unreachable_provider_sends_the_visitor_back_to_sign_in_with_the_reason()
    {
        var provider = await LoopbackIdentityProvider.StartAsync(Client);
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite, SettingsFor(provider));
        var visitor = host.AnonymousClient();

        var forged = await visitor.GetAsync("/signin-oidc?code=forged&state=forged");
        Assert.Equal(HttpStatusCode.Redirect, forged.StatusCode);
        Assert.Equal("/login?error=provider", forged.Headers.Location?.OriginalString);

        await provider.DisposeAsync();
        var unreachable = await visitor.GetAsync("/account/login/oidc?returnUrl=%2Finbox");
        Assert.Equal(HttpStatusCode.Redirect, unreachable.StatusCode);
        Assert.Equal("/login?error=provider-unavailable", unreachable.Headers.Location?.OriginalString);
        Assert.Contains("Test IdP cannot be reached right now.", await visitor.GetStringAsync("/login?error=provider-unavailable"));
    }

    [Fact]
    public async Task Unusable_provider_settings_stop_the_start_naming_each_setting()
    {
        var settings = new Dictionary<string, string?>
        {
            ["ValueStreams:Oidc:Enabled"] = "true",
            ["ValueStreams:Oidc:Authority"] = "http://idp.example/",
            ["ValueStreams:Oidc:GroupMappings:0:ProviderGroup"] = "idp-helpdesk",
            ["ValueStreams:Oidc:GroupMappings:0:Roles:0"] = "superuser",
        };

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => ApiHost.StartAsync(StorageProvider.Sqlite, settings));

        var message = failure.GetBaseException().Message;
        Assert.Contains("ValueStreams:Oidc:Authority: must be https", message);
        Assert.Contains("ValueStreams:Oidc:ClientId: is required.", message);
        Assert.Contains("ValueStreams:Oidc:GroupMappings:0:Roles: 'superuser' is not a role", message);
    }

    private static Dictionary<string, string?> SettingsFor(LoopbackIdentityProvider provider) => new()
    {
        ["ValueStreams:DemoUsers"] = "true",
        ["ValueStreams:Oidc:Enabled"] = "true",
        ["ValueStreams:Oidc:DisplayName"] = "Test IdP",
        ["ValueStreams:Oidc:Authority"] = provider.Authority.ToString(),
        ["ValueStreams:Oidc:ClientId"] = Client.Id,
        ["ValueStreams:Oidc:ClientSecret"] = Client.Secret,
        ["ValueStreams:Oidc:RequireHttpsMetadata"] = "false",
        ["ValueStreams:Oidc:GroupMappings:0:ProviderGroup"] = "idp-helpdesk",
        ["ValueStreams:Oidc:GroupMappings:0:Groups:0"] = "service-desk",
        ["ValueStreams:Oidc:GroupMappings:0:Roles:0"] = Roles.Agent,
        ["ValueStreams:Oidc:GroupMappings:1:ProviderGroup"] = "idp-network",
        ["ValueStreams:Oidc:GroupMappings:1:Groups:0"] = "network-support",
        ["ValueStreams:Oidc:GroupMappings:1:Roles:0"] = Roles.Agent,
        ["ValueStreams:Oidc:GroupMappings:2:ProviderGroup"] = "idp-owners",
        ["ValueStreams:Oidc:GroupMappings:2:Roles:0"] = Roles.ProcessOwner,
    };

    private static async Task<UserAccount> UserAsync(ApiHost host, string username) =>
        await host.Services.GetRequiredService<UserRepository>().FindAsync(username) ?? throw new InvalidOperationException($"No user '{username}'.");
}
