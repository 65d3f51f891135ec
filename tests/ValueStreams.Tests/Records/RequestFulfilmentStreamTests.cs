using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Engine;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Records;

/// <summary>
/// The shipped service request fulfilment stream on both stores: a request starts from a published request catalogue
/// item, and the item's approval policy, not the agent, decides whether and by whom it is approved.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class RequestFulfilmentStreamTests
{
    private const string Fulfilment = "service-request-fulfilment";

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_item_under_the_financial_policy_goes_to_finance_for_approval_and_the_request_record_follows(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var item = await PublishItemAsync(api, "Analytics licence", "financial", "sales");
        var instanceId = await LogRequestAsync(api, item, "An analytics licence for Uma");

        var request = await RequestAsync(api, instanceId);
        Assert.Equal(("awaiting-approval", "pending", "financial", item), (Text(request, "state"), Text(request, "approval"),
            Text(request, "approvalPolicy"), Text(request, "catalogueItem")));
        var approval = await api.OpenTaskAsync(instanceId, "approve-request-financial");
        Assert.Equal("finance", approval.GetProperty("group").GetString());
        Assert.DoesNotContain(await api.TasksOfAsync(instanceId), t => t.GetProperty("stepId").GetString() is "approve-request" or "approve-request-security");

        await api.CompleteAsync("finance", IdOf(approval), "approve", new { approvalNotes = "Within the team's budget" });
        request = await RequestAsync(api, instanceId);
        Assert.Equal(("in-fulfilment", "approved", "sales", "Within the team's budget"),
            (Text(request, "state"), Text(request, "approval"), Text(request, "assignmentGroup"), Text(request, "approvalNotes")));

        await api.CompleteStepAsync(instanceId, "fulfil-request", "fulfilled", new { fulfilmentNotes = "Licence assigned" });
        await api.CompleteStepAsync(instanceId, "confirm-fulfilment", "confirmed", user: "user");
        request = await RequestAsync(api, instanceId);
        Assert.Equal(("closed", "Licence assigned"), (Text(request, "state"), Text(request, "fulfilmentNotes")));
        var states = (await (await api.As("agent")).GetFromJsonAsync<JsonElement>($"/api/requests/{Text(request, "number")}/history")).EnumerateArray()
            .Where(h => h.GetProperty("field").GetString() == "state").Select(h => h.GetProperty("new").GetString()).ToList();
        Assert.Equal(["new", "awaiting-approval", "approved", "in-fulfilment", "fulfilled", "closed"], states);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_item_without_an_approval_policy_goes_straight_to_fulfilment_and_an_unknown_item_back_to_the_desk(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var item = await PublishItemAsync(api, "Password reset", "none", "service-desk");
        var instanceId = await LogRequestAsync(api, item, "Reset my password");

        var request = await RequestAsync(api, instanceId);
        Assert.Equal(("in-fulfilment", "not-required", "none"), (Text(request, "state"), Text(request, "approval"), Text(request, "approvalPolicy")));
        await api.OpenTaskAsync(instanceId, "fulfil-request");
        var entered = (await api.JournalOfAsync(instanceId, "step-entered")).Select(l => l.GetProperty("stepId").GetString()).ToList();
        Assert.DoesNotContain(entered, s => s!.StartsWith("approve-request", StringComparison.Ordinal) || s == "record-awaiting-approval");

        // A number that is no published catalogue item sends the request back to the desk, and no request is recorded.
        var draft = await (await api.As("admin")).PostAsJsonAsync("/api/request-catalogue-items", new { title = "Draft item", approvalPolicy = "none" });
        var draftNumber = (await draft.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;
        var second = await LogRequestAsync(api, draftNumber, "Something in draft");
        await api.OpenTaskAsync(second, "log-service-request");
        Assert.False((await api.InstanceAsync(second)).GetProperty("variables").TryGetProperty("requestId", out _));
    }

    private static async Task<string> PublishItemAsync(EngineApi api, string title, string approvalPolicy, string fulfilmentGroup)
    {
        var admin = await api.As("admin");
        var created = await admin.PostAsJsonAsync("/api/request-catalogue-items",
            new { title, approvalPolicy, fulfilmentGroup, fulfilmentTarget = "3 working days", state = "published" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("number").GetString()!;
    }

    private static async Task<string> LogRequestAsync(EngineApi api, string catalogueItem, string summary)
    {
        var instanceId = IdOf(await api.StartAsync(Fulfilment, new { catalogueItem, title = summary }));
        await api.CompleteStepAsync(instanceId, "log-service-request", "logged",
            new { summary, catalogueItem, requesterName = "user", requesterEmail = "user@example.org" });
        return instanceId;
    }

    private static async Task<JsonElement> RequestAsync(EngineApi api, string instanceId)
    {
        var requestId = (await api.InstanceAsync(instanceId)).GetProperty("variables").GetProperty("requestId").GetString();
        return await (await api.As("agent")).GetFromJsonAsync<JsonElement>($"/api/requests/{requestId}");
    }

    private static string? Text(JsonElement record, string field) => record.GetProperty(field).GetString();
}
