using System.Runtime.CompilerServices;
using ValueStreams.Core.Definitions;

namespace ValueStreams.Engine.Runtime;

/// <summary>The connections of a definition indexed for the interpreter; built once per definition.</summary>
internal sealed class Graph
{
    private static readonly ConditionalWeakTable<ValueStreamDefinition, Graph> Cache = [];

    private readonly Dictionary<(string Step, string Port), string> _targets = [];
    private readonly Dictionary<string, int> _inbound = [];

    private Graph(ValueStreamDefinition definition)
    {
        foreach (var connection in definition.Connections)
        {
            _targets.TryAdd((connection.From, connection.Port), connection.To);
            _inbound[connection.To] = _inbound.GetValueOrDefault(connection.To) + 1;
        }
    }

    public static Graph For(ValueStreamDefinition definition) => Cache.GetValue(definition, d => new Graph(d));

    public string? Target(string stepId, string port) => _targets.GetValueOrDefault((stepId, port));

    public int InboundCount(string stepId) => _inbound.GetValueOrDefault(stepId);
}
