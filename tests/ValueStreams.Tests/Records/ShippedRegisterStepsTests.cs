using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Records;

/// <summary>
/// The register steps of the shipped streams, exactly as shipped, on both stores: surveys created and sent, returned
/// with score and comment, closed where the stream closes it; improvements logged in the register; the vendor's
/// supplier contract read.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class ShippedRegisterStepsTests
{
    /// <summary>What the shipped steps read from earlier steps; the records they name exist (see <see cref="RecordsAsync"/>).</summary>
    private static readonly (string Variable, string Expression)[] Given =
    [
        ("incidentId", "'INC-000001'"), ("requestId", "'REQ-000001'"), ("changeId", "'CHG-000001'"), ("summary", "'Printer jam'"),
        ("reporterEmail", "'walt@example.com'"), ("requesterEmail", "'walt@example.com'"), ("satisfactionScore", "4"),
        ("surveyComments", "'Quick and friendly'"), ("ciName", "'AP-17'"), ("reflection", "'Monitor the access points'"),
        ("reviewNotes", "'Faster call-backs'"), ("serviceName", "'Mail'"), ("improvementOpportunities", "'Fewer manual steps'"),
        ("regulation", "'GDPR'"), ("vendor", "'Contoso'"),
    ];

    private static readonly string[] StreamsThatLogImprovements =
        ["incident-resolution", "new-it-service", "normal-change", "regulatory-change", "third-party-software-error"];

    private static readonly string[] SurveySteps = ["create-survey", "store-survey-response", "close-survey"];

    public static TheoryData<StorageProvider, string> StoresAndStreams
    {
        get
        {
            var data = new TheoryData<StorageProvider, string>();
            foreach (var provider in (StorageProvider[])[StorageProvider.Sqlite, StorageProvider.PostgreSql])
                foreach (var stream in (string[])["incident-resolution", "service-request-fulfilment", "third-party-software-error"])
                    data.Add(provider, stream);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(StoresAndStreams))]
    public async Task The_shipped_survey_steps_send_store_and_close_a_typed_survey(StorageProvider provider, string stream)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await RecordsAsync(api);
        var shipped = ShippedSteps(stream);
        var file = new StreamFile($"surveys-of-{stream}").Start().SetVariables("given", Given);
        // Service request fulfilment leaves its survey returned; the others close it.
        var present = SurveySteps.Where(id => shipped.Any(s => s["id"]!.GetValue<string>() == id)).ToArray();
        foreach (var stepId in present)
            AddAsShipped(file, stepId, shipped.Single(s => s["id"]!.GetValue<string>() == stepId));
        await api.PublishAsync(file.Milestone().End().Chain(["start", "given", .. present, "value", "end"]));

        var instanceId = IdOf(await api.StartAsync(file.Id));

        Assert.Equal("completed", await api.StatusAsync(instanceId));
        var agent = await api.As("agent");
        var survey = Assert.Single((await agent.GetFromJsonAsync<JsonElement>("/api/surveys")).GetProperty("items").EnumerateArray());
        string[] expected = present.Contains("close-survey") ? ["sent", "returned", "closed"] : ["sent", "returned"];
        Assert.Equal((expected[^1], 4.0, "Quick and friendly", "walt@example.com"), (survey.GetProperty("state").GetString(),
            survey.GetProperty("score").GetDouble(), survey.GetProperty("comment").GetString(), survey.GetProperty("recipient").GetString()));
        Assert.EndsWith("-000001", survey.GetProperty("relatedRecord").GetString());
        var states = (await agent.GetFromJsonAsync<JsonElement>($"/api/surveys/{survey.GetProperty("number").GetString()}/history"))
            .EnumerateArray().Where(h => h.GetProperty("field").GetString() == "state").Select(h => h.GetProperty("new").GetString());
        Assert.Equal(expected, states);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_shipped_improvement_steps_log_entries_in_the_register(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await RecordsAsync(api);
        var file = new StreamFile("improvements-of-the-shipped-streams").Start().SetVariables("given", Given);
        var chain = new List<string> { "start", "given" };
        foreach (var stream in StreamsThatLogImprovements)
            foreach (var step in ShippedSteps(stream).Where(s => s["type"]!.GetValue<string>() == "create-record"
                         && s["recordType"]!.GetValue<string>() == "improvement"))
            {
                var stepId = $"{stream}-{step["id"]!.GetValue<string>()}";
                AddAsShipped(file, stepId, step);
                chain.Add(stepId);
            }
        await api.PublishAsync(file.Milestone().End().Chain([.. chain, "value", "end"]));

        var instanceId = IdOf(await api.StartAsync(file.Id));

        Assert.Equal("completed", await api.StatusAsync(instanceId));
        var agent = await api.As("agent");
        var entries = (await agent.GetFromJsonAsync<JsonElement>("/api/improvements?pageSize=50")).GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(chain.Count - 2, entries.Count);
        Assert.All(entries, e => Assert.Equal("logged", e.GetProperty("state").GetString()));
        Assert.Equal(StreamsThatLogImprovements, entries.Select(e => e.GetProperty("source").GetString()).Distinct().Order());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Third_party_software_error_reads_the_vendors_active_supplier_contract(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var agent = await api.As("agent");
        var contract = await agent.PostAsJsonAsync("/api/supplier-contracts", new
        {
            title = "Calendar support", supplier = "Contoso", state = "active", startDate = "2026-01-01T00:00:00Z",
            supportTerms = "Fixes within 5 working days",
        });
        Assert.Equal(System.Net.HttpStatusCode.Created, contract.StatusCode);
        var step = ShippedSteps("third-party-software-error").Single(s => s["id"]!.GetValue<string>() == "read-supplier-contract");
        var file = new StreamFile("vendor-contract").Start().SetVariables("given", Given);
        AddAsShipped(file, "read-supplier-contract", step);
        await api.PublishAsync(file.Milestone().End()
            .Chain("start", "given", "read-supplier-contract").Connect("read-supplier-contract", "value", "found")
            .Connect("read-supplier-contract", "end", "not-found").Chain("value", "end"));

        var instance = await api.InstanceAsync(IdOf(await api.StartAsync(file.Id)));

        Assert.Equal("completed", instance.GetProperty("status").GetString());
        var read = instance.GetProperty("variables").GetProperty("supplierContract");
        Assert.Equal("Fixes within 5 working days", read.GetProperty("supportTerms").GetString());
    }

    /// <summary>The incident, request and change the given variables name: the first of each kind in a fresh store.</summary>
    private static async Task RecordsAsync(EngineApi api)
    {
        var admin = await api.As("admin");
        foreach (var (collection, body) in new (string, object)[]
                 {
                     ("incidents", new { title = "Printer jam", impact = "low", urgency = "low" }),
                     ("requests", new { title = "New toner" }),
                     ("changes", new { title = "Replace the printer", type = "normal", risk = "low" }),
                 })
        {
            var created = await admin.PostAsJsonAsync($"/api/{collection}", body);
            Assert.True(created.StatusCode == System.Net.HttpStatusCode.Created, $"{collection}: {await created.Content.ReadAsStringAsync()}");
        }
    }

    private static List<JsonObject> ShippedSteps(string stream) =>
        JsonNode.Parse(File.ReadAllText(RepositoryRoot.File("workflows", $"{stream}.json")))!["steps"]!.AsArray().Select(s => s!.AsObject()).ToList();

    /// <summary>Adds a shipped record step with its record properties exactly as shipped.</summary>
    private static void AddAsShipped(StreamFile file, string stepId, JsonObject step)
    {
        var properties = new JsonObject();
        foreach (var name in (string[])["recordType", "record", "values", "filters", "resultVariable"])
            if (step[name] is { } value)
                properties[name] = value.DeepClone();
        file.Step(stepId, step["type"]!.GetValue<string>(), properties);
    }
}
