using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Security;

/// <summary>Who can sign in on a first start: demo users only where asked for, and one way to make the first admin.</summary>
[Collection(nameof(HostCollection))]
public sealed class FirstStartTests
{
    private static Dictionary<string, string?> Production(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?> { ["environment"] = "Production", ["ValueStreams:DemoUsers"] = null };
        foreach (var (key, value) in extra)
            settings[key] = value;
        return settings;
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task In_production_no_demo_user_exists_and_the_login_page_lists_none(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider, Production());
        var anonymous = host.AnonymousClient();

        foreach (var username in new[] { "admin", "owner", "agent" })
            Assert.Equal(HttpStatusCode.Unauthorized,
                (await anonymous.PostAsJsonAsync("/api/auth/token", new { username, password = "demo" })).StatusCode);
        var login = await anonymous.GetStringAsync("/login");
        Assert.Contains("login-form", login);
        Assert.DoesNotContain("Demo sign-ins", login);
    }

    [Fact]
    public async Task In_development_the_demo_users_exist_and_the_login_page_lists_them()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite,
            new Dictionary<string, string?> { ["environment"] = "Development", ["ValueStreams:DemoUsers"] = null });

        foreach (var username in new[] { "admin", "owner", "agent", "engineer", "secondline" })
            Assert.NotNull(await host.ClientForAsync(username));
        Assert.Contains("Demo sign-ins", await host.AnonymousClient().GetStringAsync("/login"));
    }

    [Fact]
    public async Task The_demo_users_setting_creates_them_in_production_on_postgresql()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.PostgreSql, Production(("ValueStreams:DemoUsers", "true")));

        Assert.NotNull(await host.ClientForAsync("admin"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_bootstrap_setting_makes_the_first_admin_once_and_is_ignored_when_an_admin_exists(StorageProvider provider)
    {
        var first = await ApiHost.StartAsync(provider, Production(
            ("ValueStreams:Bootstrap:AdminUser", "root"), ("ValueStreams:Bootstrap:AdminPassword", "correct horse battery")));
        var root = await first.ClientForAsync("root", "correct horse battery");
        Assert.Equal(HttpStatusCode.OK, (await root.GetAsync("/hangfire")).StatusCode);

        // A second start with other bootstrap values (someone forgot to remove them) adds no one.
        await using var second = await RestartWithAsync(first,
            ("ValueStreams:Bootstrap:AdminUser", "intruder"), ("ValueStreams:Bootstrap:AdminPassword", "another long password"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await second.AnonymousClient().PostAsJsonAsync("/api/auth/token",
            new { username = "intruder", password = "another long password" })).StatusCode);
        Assert.NotNull(await second.ClientForAsync("root", "correct horse battery"));
    }

    [Fact]
    public async Task The_bootstrap_setting_refuses_a_short_password()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite, Production(
            ("ValueStreams:Bootstrap:AdminUser", "root"), ("ValueStreams:Bootstrap:AdminPassword", "short")));

        Assert.Equal(HttpStatusCode.Unauthorized, (await host.AnonymousClient().PostAsJsonAsync("/api/auth/token",
            new { username = "root", password = "short" })).StatusCode);
    }

    [Fact]
    public async Task The_create_admin_command_makes_the_first_admin_and_refuses_a_second()
    {
        var data = Directory.CreateTempSubdirectory("valuestreams-create-admin-").FullName;
        var passwordFile = Path.Combine(data, "admin-password");
        await File.WriteAllTextAsync(passwordFile, "a long first password\n");

        var created = await RunHostCommandAsync(data, "create-admin", "--username", "root", "--password-file", passwordFile);
        Assert.True(created.ExitCode == 0, created.Output);
        Assert.Contains("Created admin root", created.Output);

        var refused = await RunHostCommandAsync(data, "create-admin", "--username", "second", "--password-file", passwordFile);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("an admin already exists", refused.Output);

        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite, Production(("ValueStreams:Storage:DataDirectory", data)));
        var root = await host.ClientForAsync("root", "a long first password");
        Assert.Equal(HttpStatusCode.OK, (await root.GetAsync("/hangfire")).StatusCode);
    }

    private static async Task<ApiHost> RestartWithAsync(ApiHost host, params (string Key, string? Value)[] settings)
    {
        foreach (var (key, value) in settings)
            host.Settings[key] = value;
        return await host.RestartAsync();
    }

    private static async Task<(int ExitCode, string Output)> RunHostCommandAsync(string dataDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ValueStreams.Host.dll"));
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["ValueStreams__Root"] = RepositoryRoot.Path;
        start.Environment["ValueStreams__Storage__Provider"] = "Sqlite";
        start.Environment["ValueStreams__Storage__DataDirectory"] = dataDirectory;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment.Remove("ConnectionStrings__ValueStreams");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(deadline.Token);
        return (process.ExitCode, await output + await error);
    }
}
