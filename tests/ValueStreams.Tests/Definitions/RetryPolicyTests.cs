using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions;

namespace ValueStreams.Tests.Definitions;

/// <summary>How a step's <c>retry</c> property reads, and the waits it gives between attempts.</summary>
public sealed class RetryPolicyTests
{
    private static StepDefinition Step(string? retry) => new()
    {
        Id = "s",
        Type = "script",
        Properties = retry is null ? [] : new JsonObject { ["retry"] = JsonNode.Parse(retry) },
    };

    [Fact]
    public void Retry_waits_start_at_the_delay_and_grow_by_the_backoff_until_the_longest_wait()
    {
        var policy = RetryPolicy.Of(Step("""{ "attempts": 6, "delay": "PT10S", "backoff": 3, "maxDelay": "PT2M" }"""))!;

        Assert.Equal(new RetryPolicy(6, TimeSpan.FromSeconds(10), 3, TimeSpan.FromMinutes(2)), policy);
        Assert.Equal([10, 30, 90, 120, 120], Enumerable.Range(1, 5).Select(retry => policy.WaitBefore(retry).TotalSeconds).ToArray());
    }

    [Fact]
    public void Retry_backoff_defaults_to_two_and_a_backoff_of_one_keeps_the_delay()
    {
        var doubling = RetryPolicy.Of(Step("""{ "attempts": 4, "delay": "PT1M" }"""))!;
        var even = RetryPolicy.Of(Step("""{ "attempts": 4, "delay": "PT1M", "backoff": 1 }"""))!;

        Assert.Equal(RetryPolicy.DefaultBackoff, doubling.Backoff);
        Assert.Null(doubling.MaxDelay);
        Assert.Equal([1, 2, 4], Enumerable.Range(1, 3).Select(retry => doubling.WaitBefore(retry).TotalMinutes).ToArray());
        Assert.Equal([1, 1, 1], Enumerable.Range(1, 3).Select(retry => even.WaitBefore(retry).TotalMinutes).ToArray());
    }

    [Fact]
    public void Retry_waits_without_a_longest_wait_stop_growing_at_a_year()
    {
        var policy = RetryPolicy.Of(Step("""{ "attempts": 10, "delay": "P1D", "backoff": 10 }"""))!;

        Assert.Equal(TimeSpan.FromDays(10), policy.WaitBefore(2));
        Assert.Equal(RetryPolicy.LongestWait, policy.WaitBefore(9));
        Assert.Equal(RetryPolicy.LongestWait, policy.WaitBefore(int.MaxValue));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("""{ "delay": "PT10S" }""")]
    [InlineData("""{ "attempts": 3 }""")]
    [InlineData("""{ "attempts": 3, "delay": "soon" }""")]
    [InlineData("""{ "attempts": 2.5, "delay": "PT10S" }""")]
    [InlineData("""[3, "PT10S"]""")]
    public void Retry_is_off_for_a_step_without_a_readable_policy(string? retry) =>
        Assert.Null(RetryPolicy.Of(Step(retry)));
}
