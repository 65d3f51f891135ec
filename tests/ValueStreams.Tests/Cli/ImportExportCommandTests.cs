using System.Net.Http.Json;
using ValueStreams.Cli;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Definitions;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Cli;

/// <summary>import and export against the real host, in memory: the CLI's HTTP clients are the host's.</summary>
[Collection(nameof(HostCollection))]
public sealed class ImportExportCommandTests : IDisposable
{
    private const string Server = "http://valuestreams.test";
    private static readonly string Stream = CanonicalFormatTests.Sample.Replace("\"id\": \"password-reset\"", "\"id\": \"cli-import-test\"");
    private readonly CliSandbox _files = new();

    private static Task<ApiHost> StartAsync() =>
        ApiHost.StartAsync(StorageProvider.Sqlite, new Dictionary<string, string?> { ["ValueStreams:DemoUsers"] = "true" });

    [Fact]
    public async Task Import_publishes_then_reports_unchanged_and_export_writes_the_file_back_byte_for_byte()
    {
        await using var host = await StartAsync();
        var file = _files.Write("cli-import-test.json", Stream);
        string[] signIn = ["--server", Server, "--user", "admin", "--password", "demo"];

        var first = await CliSandbox.RunAsync(_ => host.CreateClient(), ["import", .. signIn, file]);
        var second = await CliSandbox.RunAsync(_ => host.CreateClient(), ["import", .. signIn, file]);
        var export = await CliSandbox.RunAsync(_ => host.CreateClient(), ["export", .. signIn, "--out", _files.PathOf("out")]);

        Assert.Equal(CliApp.Ok, first.Code);
        Assert.Equal($"{file}: cli-import-test version 1 published\n", first.Output);
        Assert.Equal(CliApp.Ok, second.Code);
        Assert.Equal($"{file}: cli-import-test version 1 unchanged\n", second.Output);
        Assert.Equal(CliApp.Ok, export.Code);
        var exported = Path.Combine(_files.PathOf("out"), "cli-import-test.json");
        Assert.Contains($"{exported}: cli-import-test version 1\n", export.Output);
        Assert.Equal(File.ReadAllBytes(file), File.ReadAllBytes(exported));
    }

    [Fact]
    public async Task Importing_an_invalid_file_exits_1_with_the_servers_errors_and_still_imports_the_others()
    {
        await using var host = await StartAsync();
        var bad = _files.Write("bad.json", """{ "id": "bad", "steps": [] }""");
        var good = _files.Write("cli-import-test.json", Stream);

        var run = await CliSandbox.RunAsync(_ => host.CreateClient(), "import", "--server", Server, "--user", "admin", "--password", "demo", bad, good);

        Assert.Equal(CliApp.Problem, run.Code);
        Assert.Contains($"{bad}: not imported: ", run.Error);
        Assert.Contains($"{bad}: name: required", run.Error);
        Assert.Equal($"{good}: cli-import-test version 1 published\n", run.Output);
    }

    [Fact]
    public async Task A_token_works_instead_of_a_password_and_a_wrong_one_is_refused()
    {
        await using var host = await StartAsync();
        var response = await host.CreateClient().PostAsJsonAsync("/api/auth/token", new { username = "admin", password = "demo" });
        var token = (await response.Content.ReadFromJsonAsync<ApiHost.TokenResponse>())!.AccessToken;

        var withToken = await CliSandbox.RunAsync(_ => host.CreateClient(), "export", "--server", Server, "--token", token, "--out", _files.PathOf("out"));
        var wrongToken = await CliSandbox.RunAsync(_ => host.CreateClient(), "export", "--server", Server, "--token", "nonsense", "--out", _files.PathOf("out"));

        Assert.Equal(CliApp.Ok, withToken.Code);
        Assert.Equal(CliApp.Problem, wrongToken.Code);
        Assert.Contains("401", wrongToken.Error);
    }

    [Fact]
    public async Task A_wrong_password_exits_1_saying_so()
    {
        await using var host = await StartAsync();

        var run = await CliSandbox.RunAsync(_ => host.CreateClient(), "export", "--server", Server, "--user", "admin", "--password", "nope", "--out", _files.PathOf("out"));

        Assert.Equal(CliApp.Problem, run.Code);
        Assert.Contains("refused the user name or password", run.Error);
    }

    public void Dispose() => _files.Dispose();
}

/// <summary>What import and export refuse before they talk to any server, or when there is none.</summary>
public sealed class ServerCommandLineTests : IDisposable
{
    private readonly CliSandbox _files = new();

    [Fact]
    public async Task An_unreachable_server_exits_1_naming_it()
    {
        var run = await CliSandbox.RunAsync("export", "--server", "http://127.0.0.1:9", "--token", "t", "--out", _files.PathOf("out"));

        Assert.Equal(CliApp.Problem, run.Code);
        Assert.Contains("cannot reach the server at http://127.0.0.1:9/", run.Error);
    }

    [Fact]
    public async Task A_server_that_is_not_an_http_url_a_missing_file_or_no_credentials_is_a_usage_error()
    {
        var file = _files.Write("x.json", "{}");

        var notUrl = await CliSandbox.RunAsync("import", "--server", "localhost:5000", "--token", "t", file);
        var missing = await CliSandbox.RunAsync("import", "--server", "http://127.0.0.1:9", "--token", "t", _files.PathOf("nope.json"));
        var noPassword = await CliSandbox.RunAsync("import", "--server", "http://127.0.0.1:9", "--user", "admin", "--password", "", file);

        Assert.Equal(CliApp.Usage, notUrl.Code);
        Assert.Contains("--server must be an http or https URL", notUrl.Error);
        Assert.Equal(CliApp.Usage, missing.Code);
        Assert.Contains("nope.json: no such file", missing.Error);
        Assert.Equal(CliApp.Usage, noPassword.Code);
        Assert.Contains("Credentials are needed", noPassword.Error);
    }

    [Fact]
    public async Task Help_works_without_a_server_or_credentials()
    {
        var export = await CliSandbox.RunAsync("export", "--help");
        var import = await CliSandbox.RunAsync("import", "--help");

        Assert.Equal(CliApp.Ok, export.Code);
        Assert.Contains("--out", export.Output);
        Assert.Equal(CliApp.Ok, import.Code);
        Assert.Contains("--token", import.Output);
    }

    public void Dispose() => _files.Dispose();
}
