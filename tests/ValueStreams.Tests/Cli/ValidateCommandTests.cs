using ValueStreams.Cli;
using ValueStreams.Tests.Definitions;

namespace ValueStreams.Tests.Cli;

public sealed class ValidateCommandTests : IDisposable
{
    private readonly CliSandbox _files = new();

    [Fact]
    public async Task A_valid_file_named_after_its_id_passes_with_a_summary_line()
    {
        var file = _files.Write("password-reset.json", CanonicalFormatTests.Sample);

        var run = await CliSandbox.RunAsync("validate", file);

        Assert.Equal(CliApp.Ok, run.Code);
        Assert.StartsWith("1 file, 0 errors, ", run.Output.TrimEnd().Split('\n')[^1]);
    }

    [Fact]
    public async Task A_folder_means_the_json_files_directly_inside_it_not_the_schema_folder()
    {
        _files.Write("password-reset.json", CanonicalFormatTests.Sample);
        _files.Write("notes.txt", "not a value stream");
        _files.Write("schema/value-stream.schema.json", """{ "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object" }""");

        var run = await CliSandbox.RunAsync("validate", _files.Folder);

        Assert.Equal(CliApp.Ok, run.Code);
        Assert.StartsWith("1 file, 0 errors, ", run.Output);
    }

    [Fact]
    public async Task An_unknown_practice_fails_with_exit_1_naming_the_path_and_the_practice()
    {
        var file = _files.Write("password-reset.json", CanonicalFormatTests.Sample.Replace(
            "\"practices\": [\"service-desk\", \"service-request-management\"]", "\"practices\": [\"service-desk\", \"astrology\"]"));

        var run = await CliSandbox.RunAsync("validate", file);

        Assert.Equal(CliApp.Problem, run.Code);
        var line = Assert.Single(run.Output.Split('\n'), l => l.Contains("steps[1].practices[1]"));
        Assert.StartsWith($"{file}: steps[1].practices[1]: ", line);
        Assert.Contains("astrology", line);
        Assert.Contains("1 file, 1 error", run.Output);
    }

    [Fact]
    public async Task A_file_whose_id_is_not_its_file_name_fails()
    {
        var file = _files.Write("reset.json", CanonicalFormatTests.Sample);

        var run = await CliSandbox.RunAsync("validate", file);

        Assert.Equal(CliApp.Problem, run.Code);
        Assert.Contains($"{file}: id: 'password-reset' does not match the file name 'reset'", run.Output);
    }

    [Fact]
    public async Task A_file_that_is_not_json_fails_with_its_line()
    {
        var file = _files.Write("broken.json", "{\n  \"id\": \"broken\",\n  oops\n}");

        var run = await CliSandbox.RunAsync("validate", file);

        Assert.Equal(CliApp.Problem, run.Code);
        Assert.Contains($"{file}: not valid JSON (line 3", run.Output);
        Assert.Contains("1 file, 1 error, 0 warnings", run.Output);
    }

    [Fact]
    public async Task A_missing_file_is_a_usage_error_and_nothing_is_validated()
    {
        var file = _files.Write("password-reset.json", CanonicalFormatTests.Sample);

        var run = await CliSandbox.RunAsync("validate", file, _files.PathOf("nope.json"));

        Assert.Equal(CliApp.Usage, run.Code);
        Assert.Contains("nope.json: no such file or folder", run.Error);
        Assert.Equal("", run.Output);
    }

    [Fact]
    public async Task Validate_without_paths_is_a_usage_error_and_help_describes_it()
    {
        Assert.Equal(CliApp.Usage, (await CliSandbox.RunAsync("validate")).Code);

        var help = await CliSandbox.RunAsync("validate", "--help");
        Assert.Equal(CliApp.Ok, help.Code);
        Assert.Contains("<paths>", help.Output);
    }

    public void Dispose() => _files.Dispose();
}
