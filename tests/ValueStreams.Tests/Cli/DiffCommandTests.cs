using ValueStreams.Cli;
using ValueStreams.Tests.Definitions;

namespace ValueStreams.Tests.Cli;

public sealed class DiffCommandTests : IDisposable
{
    private readonly CliSandbox _files = new();

    [Fact]
    public async Task Diff_prints_the_semantic_changes_and_exits_0()
    {
        var before = _files.Write("before.json", CanonicalFormatTests.Sample);
        var after = _files.Write("after.json", CanonicalFormatTests.Sample
            .Replace("\"name\": \"Password reset\"", "\"name\": \"Password reset v2\"")
            .Replace("\"position\": { \"x\": 240, \"y\": 0 }", "\"position\": { \"x\": 260, \"y\": 40 }")
            .Replace("{ \"from\": \"working\", \"to\": \"done\" }", "{ \"from\": \"working\", \"port\": \"late\", \"to\": \"done\" }"));

        var run = await CliSandbox.RunAsync("diff", before, after);

        Assert.Equal(CliApp.Ok, run.Code);
        Assert.Equal("""
            ~ name: "Password reset" -> "Password reset v2"
            > step reset moved (240,0) -> (260,40)
            + connection working:late -> done
            - connection working -> done

            """, run.Output);
    }

    [Fact]
    public async Task With_exit_code_differences_exit_1_and_none_exit_0()
    {
        var before = _files.Write("before.json", CanonicalFormatTests.Sample);
        var same = _files.Write("same.json", CanonicalFormatTests.Sample.Replace("\n", " "));
        var changed = _files.Write("changed.json", CanonicalFormatTests.Sample.Replace("Reset the password", "Reset it"));

        var differs = await CliSandbox.RunAsync("diff", "--exit-code", before, changed);
        var equal = await CliSandbox.RunAsync("diff", "--exit-code", before, same);

        Assert.Equal(CliApp.Problem, differs.Code);
        Assert.Equal("~ step reset: name \"Reset the password\" -> \"Reset it\"\n", differs.Output);
        Assert.Equal(CliApp.Ok, equal.Code);
        Assert.Equal("no differences\n", equal.Output);
    }

    [Fact]
    public async Task A_missing_or_unreadable_file_is_exit_2_even_with_exit_code()
    {
        var before = _files.Write("before.json", CanonicalFormatTests.Sample);
        var broken = _files.Write("broken.json", "{ not json");

        var missing = await CliSandbox.RunAsync("diff", "--exit-code", before, _files.PathOf("nope.json"));
        var unreadable = await CliSandbox.RunAsync("diff", "--exit-code", before, broken);

        Assert.Equal(CliApp.Usage, missing.Code);
        Assert.Contains("nope.json: no such file", missing.Error);
        Assert.Equal(CliApp.Usage, unreadable.Code);
        Assert.Contains($"{broken}: not valid JSON", unreadable.Error);
        Assert.Equal(CliApp.Usage, (await CliSandbox.RunAsync("diff", before)).Code);
    }

    public void Dispose() => _files.Dispose();
}
