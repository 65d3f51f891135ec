using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Records;

/// <summary>
/// The survey steps of the shipped streams, exactly as shipped, write typed surveys on both stores: created and sent,
/// returned with score and comment, closed where the stream closes it.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class ShippedSurveyStepsTests
{
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
        var shipped = JsonNode.Parse(File.ReadAllText(RepositoryRoot.File("workflows", $"{stream}.json")))!["steps"]!.AsArray();
        var file = new StreamFile($"surveys-of-{stream}").Start()
            .SetVariables("given",
                ("incidentId", "'INC-000042'"), ("requestId", "'REQ-000042'"), ("summary", "'Printer jam'"),
                ("reporterEmail", "'walt@example.com'"), ("requesterEmail", "'walt@example.com'"),
                ("satisfactionScore", "4"), ("surveyComments", "'Quick and friendly'"));
        // Service request fulfilment leaves its survey returned; the others close it.
        var present = SurveySteps.Where(id => shipped.Any(s => s!["id"]!.GetValue<string>() == id)).ToArray();
        foreach (var stepId in present)
        {
            var step = shipped.Single(s => s!["id"]!.GetValue<string>() == stepId)!.AsObject();
            var properties = new JsonObject();
            foreach (var name in (string[])["recordType", "record", "values", "resultVariable"])
                if (step[name] is { } value)
                    properties[name] = value.DeepClone();
            file.Step(stepId, step["type"]!.GetValue<string>(), properties);
        }
        await api.PublishAsync(file.Milestone().End().Chain(["start", "given", .. present, "value", "end"]));

        var instanceId = IdOf(await api.StartAsync(file.Id));

        Assert.Equal("completed", await api.StatusAsync(instanceId));
        var agent = await api.As("agent");
        var survey = Assert.Single((await agent.GetFromJsonAsync<JsonElement>("/api/surveys")).GetProperty("items").EnumerateArray());
        string[] expected = present.Contains("close-survey") ? ["sent", "returned", "closed"] : ["sent", "returned"];
        Assert.Equal((expected[^1], 4.0, "Quick and friendly", "walt@example.com"), (survey.GetProperty("state").GetString(),
            survey.GetProperty("score").GetDouble(), survey.GetProperty("comment").GetString(), survey.GetProperty("recipient").GetString()));
        Assert.EndsWith("-000042", survey.GetProperty("relatedRecord").GetString());
        var states = (await agent.GetFromJsonAsync<JsonElement>($"/api/surveys/{survey.GetProperty("number").GetString()}/history"))
            .EnumerateArray().Where(h => h.GetProperty("field").GetString() == "state").Select(h => h.GetProperty("new").GetString());
        Assert.Equal(expected, states);
    }
}
