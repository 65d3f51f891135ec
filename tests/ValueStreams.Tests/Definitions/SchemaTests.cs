using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using ValueStreams.Core.Definitions.Schema;
using ValueStreams.Core.Definitions.StepTypes;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Definitions;

/// <summary>
/// The shipped <c>workflows/schema/value-stream.schema.json</c> is generated from the step type descriptors.
/// After changing a descriptor, regenerate it with:
/// <c>VALUESTREAMS_UPDATE_SCHEMA=1 dotnet test tests/ValueStreams.Tests --filter "FullyQualifiedName~SchemaTests"</c>
/// </summary>
public sealed class SchemaTests
{
    private const string UpdateVariable = "VALUESTREAMS_UPDATE_SCHEMA";

    private static readonly string ShippedPath = RepositoryRoot.File(ValueStreamSchema.RepositoryPath);

    private static readonly Lazy<JsonSchema> Generated = new(() => JsonSchema.FromText(ValueStreamSchema.Generate()));

    [Fact]
    public void The_shipped_schema_matches_the_step_type_descriptors()
    {
        var generated = Encoding.UTF8.GetBytes(ValueStreamSchema.Generate());
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(ShippedPath)!);
            File.WriteAllBytes(ShippedPath, generated);
        }

        var shipped = File.Exists(ShippedPath) ? File.ReadAllBytes(ShippedPath) : [];

        Assert.True(shipped.AsSpan().SequenceEqual(generated),
            $"{ValueStreamSchema.RepositoryPath} is not what the step type descriptors generate. Regenerate it, then run the tests again: "
            + $"{UpdateVariable}=1 dotnet test tests/ValueStreams.Tests --filter \"FullyQualifiedName~SchemaTests\"");
    }

    [Fact]
    public void The_schema_is_the_same_every_time_and_ends_in_one_newline()
    {
        var schema = ValueStreamSchema.Generate();

        Assert.Equal(schema, ValueStreamSchema.Generate());
        Assert.EndsWith("}\n", schema);
        Assert.DoesNotContain("\r", schema);
        Assert.StartsWith("{\n  \"$schema\": \"https://json-schema.org/draft/2020-12/schema\",\n", schema);
    }

    [Fact]
    public void Every_step_type_appears_in_the_schemas_step_type_enum_and_has_its_own_definition()
    {
        var schema = JsonNode.Parse(ValueStreamSchema.Generate())!;
        var types = schema["$defs"]!["step"]!["properties"]!["type"]!["enum"]!.AsArray().Select(t => (string)t!).ToList();

        Assert.Equal(StepTypeCatalogue.Descriptors.Select(d => d.Type), types);
        foreach (var descriptor in StepTypeCatalogue.Descriptors)
        {
            var definition = schema["$defs"]![$"step-{descriptor.Type}"];
            Assert.NotNull(definition);
            Assert.False((bool)definition!["additionalProperties"]!);
            foreach (var input in descriptor.Inputs)
                Assert.NotNull(definition["properties"]![input.Name]);
        }
    }

    [Fact]
    public void The_sample_file_validates_against_the_schema()
    {
        var result = Evaluate(CanonicalFormatTests.Sample);

        Assert.True(result.IsValid, Describe(result));
    }

    [Fact]
    public void Every_shipped_value_stream_validates_against_the_schema()
    {
        foreach (var file in Directory.GetFiles(RepositoryRoot.File("workflows"), "*.json").Order(StringComparer.Ordinal))
        {
            var result = Evaluate(File.ReadAllText(file));

            Assert.True(result.IsValid, $"{Path.GetFileName(file)}:\n{Describe(result)}");
        }
    }

    [Fact]
    public void A_step_of_an_unknown_type_does_not_validate()
    {
        var result = Evaluate(Change(root => root["steps"]![3]!["type"] = "foo"));

        Assert.False(result.IsValid);
        Assert.Contains("/steps/3/type", FailedAt(result));
    }

    [Theory]
    [InlineData(1, "priority", "\"high\"", "/steps/1/priority")]
    [InlineData(0, "trigger", "\"telepathy\"", "/steps/0/trigger")]
    [InlineData(1, "outcomes", "\"reset\"", "/steps/1/outcomes")]
    [InlineData(1, "colour", "\"red\"", "/steps/1/colour")]
    [InlineData(1, "sla", "{ \"resolveWithin\": \"4 hours\" }", "/steps/1/sla/resolveWithin")]
    public void A_step_property_of_a_wrong_type_or_unknown_does_not_validate(int step, string property, string value, string location)
    {
        var result = Evaluate(Change(root => root["steps"]![step]![property] = JsonNode.Parse(value)));

        Assert.False(result.IsValid);
        Assert.Contains(location, FailedAt(result));
    }

    [Fact]
    public void A_position_that_is_not_whole_pixels_does_not_validate()
    {
        var result = Evaluate(Change(root => root["steps"]![0]!["position"]!["x"] = "left"));

        Assert.False(result.IsValid);
        Assert.Contains("/steps/0/position/x", FailedAt(result));
    }

    private static EvaluationResults Evaluate(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Generated.Value.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Change(Action<JsonObject> change)
    {
        var root = JsonNode.Parse(CanonicalFormatTests.Sample)!.AsObject();
        change(root);
        return root.ToJsonString();
    }

    /// <summary>The failures that count: an <c>if</c> that does not match a step's type is how the schema picks a case, not an error.</summary>
    private static IEnumerable<EvaluationResults> Failures(EvaluationResults result) =>
        (result.Details ?? []).Where(d => d.Errors is { Count: > 0 } && !d.EvaluationPath.ToString().Contains("/if/", StringComparison.Ordinal));

    private static List<string> FailedAt(EvaluationResults result) => Failures(result).Select(d => d.InstanceLocation.ToString()).ToList();

    private static string Describe(EvaluationResults result) => string.Join("\n",
        Failures(result).SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation} ({d.EvaluationPath}): {e.Key}: {e.Value}")));
}
