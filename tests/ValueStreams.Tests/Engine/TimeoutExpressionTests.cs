using System.Globalization;
using System.Net;
using System.Text;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;
using static ValueStreams.Tests.Engine.EngineApi;

namespace ValueStreams.Tests.Engine;

/// <summary>
/// A deadline worked out when the step starts: <c>timeoutExpression</c> gives an ISO 8601 duration from the instance's
/// data; anything else fails the step with a message saying what it gave.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class TimeoutExpressionTests
{
    /// <summary>start → confirm (task, deadline from vars.priority: confirmed → value | timeout → closed) → end.</summary>
    private static StreamFile Confirmation(string id, string expression) => new StreamFile(id).Variable("priority", "number")
        .Start().Task("confirm", outcomes: ["confirmed"]).Milestone().Milestone("closed").End()
        .WithProperty("confirm", "timeoutExpression", expression)
        .Connect("start", "confirm").Connect("confirm", "value", "confirmed").Connect("confirm", "closed", "timeout")
        .Connect("value", "end").Connect("closed", "end");

    private static async Task<TimeSpan> DeadlineAfterStartAsync(EngineApi api, string instanceId)
    {
        var instance = await api.InstanceAsync(instanceId);
        var created = instance.GetProperty("createdAt").GetDateTimeOffset();
        var scheduled = Assert.Single(await api.JournalOfAsync(instanceId, "timer-scheduled", "confirm"));
        Assert.Equal("timeout", scheduled.GetProperty("outcome").GetString());
        return DateTimeOffset.Parse(scheduled.GetProperty("detail").GetString()!, CultureInfo.InvariantCulture) - created;
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_deadline_comes_from_the_instance_data_and_the_step_leaves_by_timeout_when_it_passes(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(Confirmation("te-priority", "vars.priority === 1 ? 'PT1H' : 'P2D'"));
        var urgent = IdOf(await api.StartAsync("te-priority", new { priority = 1 }));
        var routine = IdOf(await api.StartAsync("te-priority", new { priority = 3 }));

        var urgentDeadline = await DeadlineAfterStartAsync(api, urgent);
        var routineDeadline = await DeadlineAfterStartAsync(api, routine);
        Assert.InRange(urgentDeadline, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(61));
        Assert.InRange(routineDeadline, TimeSpan.FromDays(2) - TimeSpan.FromMinutes(1), TimeSpan.FromDays(2) + TimeSpan.FromMinutes(1));

        Assert.Equal(1, await api.FireTimersAsync(urgent));
        Assert.Equal("completed", await api.StatusAsync(urgent));
        Assert.Single(await api.JournalOfAsync(urgent, "step-timed-out", "confirm"));
        Assert.Single(await api.JournalOfAsync(urgent, "value-realised", "closed"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_expression_that_gives_no_duration_faults_the_step_saying_what_it_gave_before_any_task_is_created(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        await api.PublishAsync(Confirmation("te-bad", "vars.priority === 1 ? 'soon' : 42"));

        var soon = await api.StartAsync("te-bad", new { priority = 1 });
        var number = await api.StartAsync("te-bad", new { priority = 2 });

        Assert.Equal("faulted", soon.GetProperty("status").GetString());
        var fault = Assert.Single(await api.JournalOfAsync(IdOf(soon), "step-faulted", "confirm")).GetProperty("detail").GetString();
        Assert.Contains("timeoutExpression", fault);
        Assert.Contains("\"soon\"", fault);
        Assert.Contains("ISO 8601 duration", fault);
        Assert.Empty(await api.TasksOfAsync(IdOf(soon)));
        Assert.Equal("faulted", number.GetProperty("status").GetString());
        Assert.Contains("gave 42", Assert.Single(await api.JournalOfAsync(IdOf(number), "step-faulted", "confirm")).GetProperty("detail").GetString());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_step_with_both_a_timeout_and_a_timeout_expression_is_refused_naming_the_property(StorageProvider provider)
    {
        await using var api = await EngineApi.StartAsync(provider);
        var file = Confirmation("te-both", "'PT1H'").WithProperty("confirm", "timeout", "P1D");

        var response = await (await api.As("owner")).PostAsync("/api/value-streams/import", new StringContent(file.ToJson(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(await ErrorPathsAsync(response), path => path.EndsWith("timeoutExpression", StringComparison.Ordinal));
    }
}
