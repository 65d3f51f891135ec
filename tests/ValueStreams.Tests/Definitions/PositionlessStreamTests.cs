using System.Text.Json.Nodes;
using ValueStreams.Cli;
using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.Validation;
using ValueStreams.Designer.Designer;
using ValueStreams.Tests.Cli;

namespace ValueStreams.Tests.Definitions;

/// <summary>A stream file whose steps have no <c>position</c>: valid, kept without positions, laid out by the designer.</summary>
public sealed class PositionlessStreamTests : IDisposable
{
    private readonly CliSandbox _files = new();

    /// <summary>The sample stream with every step's position taken out, in canonical form.</summary>
    private static string Unplaced()
    {
        var root = JsonNode.Parse(CanonicalFormatTests.Sample)!.AsObject();
        foreach (var step in root["steps"]!.AsArray().OfType<JsonObject>())
            step.Remove("position");
        return ValueStreamWriter.Write(ValueStreamReader.Read(root.ToJsonString()).Definition!);
    }

    [Fact]
    public void A_file_without_positions_reads_validates_and_writes_back_without_them()
    {
        var text = Unplaced();

        var read = ValueStreamReader.Read(text);

        Assert.Empty(read.Errors);
        Assert.All(read.Definition!.Steps, s => Assert.False(s.HasPosition));
        Assert.Empty(new ValueStreamValidator(ItilCatalogue.Default).Validate(read.Definition).Errors);
        Assert.DoesNotContain("\"position\"", text);
        Assert.Equal(text, ValueStreamWriter.Write(read.Definition)); // the canonical form round-trips
    }

    [Fact]
    public void A_position_that_is_not_an_object_is_still_an_error()
    {
        var root = JsonNode.Parse(CanonicalFormatTests.Sample)!.AsObject();
        root["steps"]![0]!["position"] = "top left";

        var read = ValueStreamReader.Read(root.ToJsonString());

        Assert.Contains(read.Errors, e => e.Path == "steps[0].position");
    }

    [Fact]
    public async Task The_cli_validates_and_formats_a_file_without_positions()
    {
        var file = _files.Write("password-reset.json", Unplaced());

        var validate = await CliSandbox.RunAsync("validate", file);
        var check = await CliSandbox.RunAsync("format", "--check", file);

        Assert.True(validate.Code == CliApp.Ok, validate.Output);
        Assert.StartsWith("1 file, 0 errors, ", validate.Output.TrimEnd().Split('\n')[^1]);
        Assert.Equal(CliApp.Ok, check.Code);
        Assert.Equal(Unplaced(), _files.Read("password-reset.json"));
    }

    [Fact]
    public void The_designer_lays_out_a_stream_whose_steps_have_no_position()
    {
        var definition = ValueStreamReader.Read(Unplaced()).Definition!;

        var session = new DesignerSession(definition, canEdit: true, isNew: false,
            new ValueStreamValidator(ItilCatalogue.Default).Validate, TimeProvider.System);

        var steps = session.Definition.Steps;
        Assert.All(steps, s => Assert.True(s.HasPosition));
        Assert.Equal(steps.Count, steps.Select(s => s.Position).Distinct().Count());
        Assert.Equal(AutoLayout.Layered(session.Definition)[steps[0].Id], steps[0].Position);
        Assert.Contains("\"position\"", session.CanonicalText);
    }

    public void Dispose() => _files.Dispose();
}
