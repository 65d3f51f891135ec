using ValueStreams.Cli;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Cli;

public sealed class MigrateCommandTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Migrate_applies_the_pending_scripts_once_and_then_reports_nothing_to_apply(StorageProvider provider)
    {
        await using var store = await TestStore.CreateEmptyAsync(provider);
        string[] args = ["migrate", "--provider", provider.ToString(), "--connection-string", store.ConnectionString];

        var (firstCode, firstOut, _) = await RunAsync(args);
        var (secondCode, secondOut, _) = await RunAsync(args);

        Assert.Equal(CliApp.Ok, firstCode);
        Assert.Contains("applied ValueStreams.Data.Migrations", firstOut);
        Assert.Equal(CliApp.Ok, secondCode);
        Assert.Contains("up to date; nothing to apply", secondOut);
    }

    [Fact]
    public async Task Migrate_on_postgresql_without_a_connection_string_fails_with_exit_1_naming_the_setting()
    {
        var (code, _, error) = await RunAsync(["migrate", "--provider", "PostgreSql", "--connection-string", ""]);

        Assert.Equal(CliApp.Problem, code);
        Assert.Contains("ConnectionStrings__ValueStreams", error);
    }

    [Fact]
    public async Task An_unknown_verb_or_provider_is_a_usage_error()
    {
        Assert.Equal(CliApp.Usage, (await RunAsync(["transmogrify"])).Code);
        Assert.Equal(CliApp.Usage, (await RunAsync(["migrate", "--provider", "Oracle"])).Code);
    }

    [Fact]
    public async Task Migrate_help_describes_its_options()
    {
        var (code, output, _) = await RunAsync(["migrate", "--help"]);

        Assert.Equal(CliApp.Ok, code);
        Assert.Contains("--connection-string", output);
        Assert.Contains("--provider", output);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await CliApp.RunAsync(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
