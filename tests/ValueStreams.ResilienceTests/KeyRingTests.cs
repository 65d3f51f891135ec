using ValueStreams.ResilienceTests.Support;

namespace ValueStreams.ResilienceTests;

/// <summary>Sign-ins work across nodes that share only the database: the data-protection key ring lives there.</summary>
public sealed class KeyRingTests
{
    [Fact]
    public async Task Nodes_started_together_with_their_own_data_folders_accept_each_others_tokens()
    {
        await using var cluster = await Cluster.CreateAsync();
        var nodes = await Task.WhenAll(cluster.StartNodeAsync("node-a"), cluster.StartNodeAsync("node-b"));
        var (a, b) = (nodes[0], nodes[1]);

        var fromA = await Api.TokenAsync(a, "owner");
        var fromB = await Api.TokenAsync(b, "agent");
        using var ownerOnB = Api.For(b, fromA);
        using var agentOnA = Api.For(a, fromB);

        var streams = await ownerOnB.GetJsonAsync("/api/value-streams");
        var tasks = await agentOnA.GetJsonAsync("/api/tasks?scope=mine");
        Assert.True(streams.GetArrayLength() > 0, cluster.Outputs());
        Assert.Equal(System.Text.Json.JsonValueKind.Array, tasks.ValueKind);
        // Both nodes made their first key under the start-up lock, so there is one key, not one per node.
        Assert.Equal(1, await new Db(cluster.ConnectionString).KeyCountAsync());
        Assert.False(Directory.Exists(Path.Combine(cluster.DataDirectory, "node-a", "keys")), "keys were written to the data folder");
    }
}
