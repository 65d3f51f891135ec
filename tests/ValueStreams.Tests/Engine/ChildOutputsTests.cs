using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using ValueStreams.Cli;
using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.Validation;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;
using ValueStreams.Tests.Cli;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Engine;

/// <summary>
/// Child outputs (docs/EXECUTION.md): a stream declares what it gives back, and a call step maps those outputs to
/// variables of the caller; on both stores, through the API.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class ChildOutputsTests
{
    /// <summary>The child: start → resolve (task with a resolution field) → value → end; declares resolution (string) and fixed (boolean).</summary>
    private static string Resolver(params (string Name, string? Type)[] outputs) => ForEachTests.WithOutputs(new StreamFile("out-resolver")
        .Variable("resolution", "string").Variable("fixed", "boolean", false)
        .Start().Task("resolve", form: FormField.Form(FormField.Of("resolution", "text"), FormField.Of("fixed", "checkbox")))
        .Milestone().End().Chain("start", "resolve", "value", "end"),
        outputs.Length == 0 ? [("resolution", "string"), ("fixed", "boolean")] : outputs);

    /// <summary>start → call (out-resolver, wait, resolution → childResolution, fixed → wasFixed) → value → end; call/error → value.</summary>
    private static StreamFile Caller(string id = "out-caller", string mode = "wait", JsonArray? mapping = null) => new StreamFile(id)
        .Variable("childResolution", "string").Variable("wasFixed", "boolean")
        .Start()
        .Step("call", "call-value-stream", new JsonObject
        {
            ["valueStream"] = "out-resolver", ["mode"] = mode,
            ["output"] = mapping ?? Mapping(("resolution", "childResolution"), ("fixed", "wasFixed")),
        })
        .Milestone().End().Chain("start", "call", "value", "end");

    private static JsonArray Mapping(params (string Output, string Variable)[] pairs) =>
        new(pairs.Select(p => (JsonNode?)new JsonObject { ["output"] = p.Output, ["variable"] = p.Variable }).ToArray());

    private static async Task<string> ChildOfAsync(EngineApi api, string instanceId) =>
        (await api.JournalOfAsync(instanceId, "child-started", "call")).Single().GetProperty("detail").GetString()!.Split(' ')[1];

    private static async Task<HttpResponseMessage> ImportAsync(EngineApi api, string json) =>
        await (await api.As("owner")).PostAsync("/api/value-streams/import", new StringContent(json, Encoding.UTF8, "application/json"));

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_childs_declared_outputs_are_copied_into_the_mapped_parent_variables_when_it_completes(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await ForEachTests.PublishAsync(api, Resolver());
        await api.PublishAsync(Caller());
        var id = IdOf(await api.StartAsync("out-caller"));
        var child = await ChildOfAsync(api, id);
        await api.WaitForAsync(child, i => ActiveSteps(i).Contains("resolve"), "the child reaching its task");

        await api.CompleteStepAsync(child, "resolve", data: new { resolution = "replaced the router", @fixed = true });

        var parent = await api.WaitForStatusAsync(id, "completed", TimeSpan.FromSeconds(30));
        var variables = parent.GetProperty("variables");
        Assert.Equal("replaced the router", variables.GetProperty("childResolution").GetString());
        Assert.True(variables.GetProperty("wasFixed").GetBoolean());
        Assert.False(variables.TryGetProperty("resolution", out _), "only mapped outputs reach the parent's variables");
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_mapping_that_names_an_output_the_published_child_does_not_declare_is_refused_naming_it(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await ForEachTests.PublishAsync(api, Resolver());

        var response = await ImportAsync(api, Caller(mapping: Mapping(("resolution", "childResolution"), ("cause", "rootCause"))).ToJson());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = Assert.Single((await BodyAsync(response)).GetProperty("errors").EnumerateArray());
        Assert.Equal("steps[1].output[1].output", error.GetProperty("path").GetString());
        Assert.Equal("'cause' is not an output of 'out-resolver' (its outputs: resolution, fixed)", error.GetProperty("message").GetString());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_mapping_into_a_variable_of_another_type_a_bad_name_or_a_call_that_does_not_wait_is_refused(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await ForEachTests.PublishAsync(api, Resolver());

        var wrongType = await ImportAsync(api, Caller(mapping: Mapping(("fixed", "childResolution"))).ToJson());
        var badName = await ImportAsync(api, Caller(mapping: Mapping(("resolution", "child resolution"))).ToJson());
        var noWait = await ImportAsync(api, Caller(mode: "fire-and-forget").ToJson());

        Assert.Equal(["steps[1].output[0].variable"], await ErrorPathsAsync(wrongType));
        Assert.Equal(["steps[1].output[0].variable"], await ErrorPathsAsync(badName));
        Assert.Equal(["steps[1].output"], await ErrorPathsAsync(noWait));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_child_version_that_does_not_declare_a_mapped_output_fails_the_call_step_saying_which(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        // The caller first: the child is not published yet, so its mapping cannot be checked until the call runs.
        await api.PublishAsync(Caller());
        await ForEachTests.PublishAsync(api, Resolver(("resolution", "string")));
        var id = IdOf(await api.StartAsync("out-caller"));
        var child = await ChildOfAsync(api, id);
        await api.WaitForAsync(child, i => ActiveSteps(i).Contains("resolve"), "the child reaching its task");

        await api.CompleteStepAsync(child, "resolve", data: new { resolution = "rebooted" });

        var parent = await api.WaitForStatusAsync(id, "faulted", TimeSpan.FromSeconds(30));
        var fault = parent.GetProperty("activeSteps").EnumerateArray().Select(s => s.GetProperty("fault").GetString()).Single(f => f is not null);
        Assert.Equal("value stream 'out-resolver' does not declare the output(s) 'fixed' that step 'call' maps", fault);
        Assert.False(parent.GetProperty("variables").TryGetProperty("childResolution", out var mapped) && mapped.ValueKind == System.Text.Json.JsonValueKind.String);
    }

    [Fact]
    public void Declared_outputs_are_written_after_the_variables_one_line_each_and_read_back_the_same()
    {
        var file = Resolver(("resolution", "string"), ("fixed", null));

        var read = ValueStreamReader.Read(file);
        Assert.True(read.Succeeded, string.Join("; ", read.Errors));
        var canonical = ValueStreamWriter.Write(read.Definition!);

        Assert.Contains("\n  \"outputs\": [\n    { \"name\": \"resolution\", \"type\": \"string\" },\n    { \"name\": \"fixed\" }\n  ],\n  \"roles\": [", canonical);
        Assert.Equal(canonical, ValueStreamWriter.Write(ValueStreamReader.Read(canonical).Definition!));
        Assert.DoesNotContain("\"outputs\"", ValueStreamWriter.Write(ValueStreamReader.Read(new StreamFile("no-outputs").Start().End().Chain("start", "end").ToJson()).Definition!));
    }

    [Fact]
    public void Declared_outputs_need_unique_variable_names_and_a_type_that_fits_their_variable()
    {
        var file = Resolver(("resolution", "number"), ("resolution", null), ("not valid", null));

        var report = new ValueStreamValidator(ItilCatalogue.Default).ValidateFile(Encoding.UTF8.GetBytes(file));

        Assert.Equal(["outputs[0].type", "outputs[1].name", "outputs[2].name"], report.Errors.Select(e => e.Path).Order());
    }

    [Fact]
    public async Task The_command_line_checks_a_mapping_against_the_called_stream_among_the_files_it_is_given()
    {
        using var files = new CliSandbox();
        var caller = files.Write("incident-resolution.json", File.ReadAllText(RepositoryRoot.File("workflows", "incident-resolution.json")));
        files.Write("normal-change.json", File.ReadAllText(RepositoryRoot.File("workflows", "normal-change.json")));

        var shipped = await CliSandbox.RunAsync("validate", files.Folder);
        File.WriteAllText(caller, File.ReadAllText(caller).Replace("\"output\": \"changeId\"", "\"output\": \"changeNumber\""));
        var broken = await CliSandbox.RunAsync("validate", files.Folder);

        Assert.Equal(CliApp.Ok, shipped.Code);
        Assert.Equal(CliApp.Problem, broken.Code);
        var line = Assert.Single(broken.Output.Split('\n'), l => l.Contains(".output[0].output"));
        Assert.Contains("'changeNumber' is not an output of 'normal-change' (its outputs: changeId)", line);
    }
}
