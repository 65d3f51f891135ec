using ValueStreams.Core.Definitions.StepTypes;

namespace ValueStreams.Core.Definitions.Validation;

/// <summary>
/// Connections join existing steps, leave by a port the step has, are not repeated, and never enter the start;
/// every port of every step is connected (optional ports, such as error, may stay open), and each port leads to exactly one step (parallel work goes through a fork).
/// </summary>
internal static class ConnectionRules
{
    public static void Check(ValidationContext context)
    {
        var ports = context.Steps.Select((step, i) => context.Types[i]?.PortsOf(step)).ToList();
        var portSets = ports.Select(p => p?.ToHashSet(StringComparer.Ordinal)).ToList();
        var targetOfPort = new Dictionary<(int From, string Port), (int Connection, string To)>();

        var connections = context.Definition.Connections;
        for (var j = 0; j < connections.Count; j++)
        {
            var connection = connections[j];
            var path = $"connections[{j}]";
            var from = context.IndexOf(connection.From);
            var to = context.IndexOf(connection.To);
            if (from < 0)
                context.Error($"{path}.from", $"unknown step '{connection.From}'");
            if (to < 0)
                context.Error($"{path}.to", $"unknown step '{connection.To}'");
            if (to >= 0 && context.KindOf(to) == StepKind.Demand)
                context.Error($"{path}.to", $"nothing may enter the start step '{connection.To}'");
            if (from < 0)
                continue;

            if (context.IsType(from, GraphRules.EndType))
                context.Error($"{path}.from", $"'{connection.From}' is an end step; nothing leaves an end");
            else if (portSets[from] is { } known && !known.Contains(connection.Port))
                context.Error($"{path}.port", $"step '{connection.From}' has no port '{connection.Port}' ({Describe(ports[from]!)})");

            if (!targetOfPort.TryAdd((from, connection.Port), (j, connection.To)))
            {
                var (first, firstTo) = targetOfPort[(from, connection.Port)];
                if (firstTo == connection.To)
                    context.Error(path, $"duplicate connection from '{connection.From}' port '{connection.Port}' to '{connection.To}' (connections[{first}])");
                else
                    context.Error($"{path}.port", $"port '{connection.Port}' of step '{connection.From}' already leads to '{firstTo}' (connections[{first}]); use a fork for parallel branches");
            }
        }

        for (var i = 0; i < context.Steps.Count; i++)
        {
            if (ports[i] is not { } stepPorts || context.IndexOf(context.Steps[i].Id) != i)
                continue; // unknown type, or a duplicate id whose connections belong to the first step of that id
            foreach (var port in stepPorts.Distinct(StringComparer.Ordinal))
                if (!targetOfPort.ContainsKey((i, port)) && context.Types[i]?.IsOptionalPort(port) != true)
                    context.Error(ValidationContext.StepPath(i), $"port '{port}' is not connected");
        }
    }

    private static string Describe(IReadOnlyList<string> ports) =>
        ports.Count == 0 ? "it has no ports" : $"ports: {string.Join(", ", ports.Distinct(StringComparer.Ordinal))}";
}
