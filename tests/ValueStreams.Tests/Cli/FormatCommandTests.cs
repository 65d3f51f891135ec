using ValueStreams.Cli;
using ValueStreams.Tests.Definitions;

namespace ValueStreams.Tests.Cli;

public sealed class FormatCommandTests : IDisposable
{
    private readonly CliSandbox _files = new();

    private static string Messy => CanonicalFormatTests.Sample.Replace("\n", " ").Replace("  ", "");

    [Fact]
    public async Task Check_reports_a_messy_file_then_format_rewrites_it_canonically_and_check_passes()
    {
        var file = _files.Write("password-reset.json", Messy);

        var before = await CliSandbox.RunAsync("format", "--check", file);
        Assert.Equal(CliApp.Problem, before.Code);
        Assert.Equal($"{file}: not in canonical form\n", before.Output);
        Assert.Equal(Messy, _files.Read("password-reset.json"));

        var format = await CliSandbox.RunAsync("format", file);
        Assert.Equal(CliApp.Ok, format.Code);
        Assert.Equal($"{file}: formatted\n", format.Output);
        Assert.Equal(CanonicalFormatTests.Sample, _files.Read("password-reset.json"));

        var after = await CliSandbox.RunAsync("format", "--check", file);
        Assert.Equal(CliApp.Ok, after.Code);
        Assert.Equal("", after.Output);
    }

    [Fact]
    public async Task Formatting_a_canonical_file_changes_nothing()
    {
        var file = _files.Write("password-reset.json", Messy);
        await CliSandbox.RunAsync("format", file);
        var written = File.GetLastWriteTimeUtc(file);

        var again = await CliSandbox.RunAsync("format", file);

        Assert.Equal(CliApp.Ok, again.Code);
        Assert.Equal("", again.Output);
        Assert.Equal(CanonicalFormatTests.Sample, _files.Read("password-reset.json"));
        Assert.Equal(written, File.GetLastWriteTimeUtc(file));
    }

    [Fact]
    public async Task A_file_with_shape_errors_is_left_untouched_and_its_errors_named()
    {
        const string broken = """{ "id": "x", "steps": [], "colour": "red" }""";
        var file = _files.Write("x.json", broken);
        var good = _files.Write("password-reset.json", Messy);

        var run = await CliSandbox.RunAsync("format", file, good);

        Assert.Equal(CliApp.Problem, run.Code);
        Assert.Contains($"{file}: name: required", run.Error);
        Assert.Contains($"{file}: colour: unknown property", run.Error);
        Assert.Equal(broken, _files.Read("x.json"));
        Assert.Equal(CanonicalFormatTests.Sample, _files.Read("password-reset.json"));
    }

    [Fact]
    public async Task A_missing_file_is_a_usage_error()
    {
        var run = await CliSandbox.RunAsync("format", "--check", _files.PathOf("nope.json"));

        Assert.Equal(CliApp.Usage, run.Code);
        Assert.Contains("nope.json: no such file", run.Error);
    }

    public void Dispose() => _files.Dispose();
}
