using System.Net.Http.Json;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Records;

/// <summary>
/// Problem management logs the problem with what people typed: the service affected, written in words in the task form,
/// is kept on the problem; a raising stream that has the service's record links the problem to it.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class ProblemStreamTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_service_affected_in_words_is_kept_on_the_problem_and_a_service_record_handed_over_is_linked(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var admin = await api.As("admin");

        // A problem manager types the service in words and logs the problem without analysis.
        var typed = IdOf(await api.StartAsync("problem-management", new { title = "Payslips sent twice" }));
        await api.CompleteFilledAsync(typed, "identify-problem", "not-a-problem", "servicemanager", new()
        {
            ["summary"] = "Payslips sent twice", ["incidentTrend"] = "Three incidents this month", ["affectedService"] = "Payroll 3.2",
        });
        await api.WaitForStatusAsync(typed, "completed");
        var logged = await ProblemOfAsync(admin, typed);
        Assert.Equal("Three incidents this month\n\nService affected: Payroll 3.2", logged.GetProperty("description").GetString());
        Assert.Equal(JsonValueKind.Null, logged.GetProperty("service").ValueKind);

        // A raising stream hands over the service's record as well as its name.
        var service = await RecordApi.ServiceAsync(admin, "Payroll");
        var handed = IdOf(await api.StartAsync("problem-management", new { title = "Payroll export slow", affectedService = "Payroll", serviceRecord = service }));
        await api.CompleteFilledAsync(handed, "identify-problem", "not-a-problem", "servicemanager", new()
        {
            ["summary"] = "Payroll export slow", ["incidentTrend"] = "Raised by the new payroll service",
        });
        await api.WaitForStatusAsync(handed, "completed");
        var linked = await ProblemOfAsync(admin, handed);
        Assert.Equal(service, linked.GetProperty("service").GetString());
        Assert.Equal("Raised by the new payroll service\n\nService affected: Payroll", linked.GetProperty("description").GetString());
    }

    private static async Task<JsonElement> ProblemOfAsync(HttpClient admin, string instanceId)
    {
        var records = await admin.GetFromJsonAsync<JsonElement>($"/api/instances/{instanceId}/records");
        var number = records.EnumerateArray().Single(r => r.GetProperty("kind").GetString() == "problem").GetProperty("number").GetString()!;
        return await admin.GetFromJsonAsync<JsonElement>($"/api/problems/{number}");
    }
}
