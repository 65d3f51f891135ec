using System.Runtime.CompilerServices;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Flow;

namespace ValueStreams.Engine.Runtime;

/// <summary>The connections of a definition indexed for the interpreter; built once per definition.</summary>
internal sealed class Graph
{
    private static readonly ConditionalWeakTable<ValueStreamDefinition, Graph> Cache = [];

    private readonly Dictionary<(string Step, string Port), string> _targets = [];
    private readonly ForkJoinPairing _pairing;

    private Graph(ValueStreamDefinition definition)
    {
        _pairing = ForkJoinPairing.Of(definition);
        foreach (var connection in definition.Connections)
            _targets.TryAdd((connection.From, connection.Port), connection.To);
    }

    public static Graph For(ValueStreamDefinition definition) => Cache.GetValue(definition, d => new Graph(d));

    public string? Target(string stepId, string port) => _targets.GetValueOrDefault((stepId, port));

    /// <summary>The fork whose branches a join brings together; null when the join has none.</summary>
    public string? ForkOf(string joinId) => _pairing.ForkOf(joinId);
}
