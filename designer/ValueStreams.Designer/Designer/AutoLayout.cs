using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.StepTypes;

namespace ValueStreams.Designer.Designer;

/// <summary>A horizontal band of the canvas for one value chain activity, in canvas coordinates.</summary>
public sealed record SwimLane(string ActivityId, int Top, int Height);

/// <summary>
/// Arranges steps left to right in layers by their breadth-first distance from the start. A step sits level with the
/// step it was first reached from when there is room, so the main path reads as a straight line and branches fan out
/// below it. Swimlanes put each step in the band of its first value chain activity (steps without one follow the step
/// they were reached from).
/// </summary>
public static class AutoLayout
{
    public const int ColumnWidth = NodeGeometry.Width + 80;
    public const int RowGap = 40;
    public const int LanePadding = 30;

    /// <summary>The band at the top of a lane that holds its name, clear of steps: tall enough for the name at the fitted zoom (0.4).</summary>
    public const int LaneHeader = 64;

    public static Dictionary<string, CanvasPosition> Layered(ValueStreamDefinition definition)
    {
        var order = Traverse(definition, out var depth, out var parent);
        var positions = new Dictionary<string, CanvasPosition>(StringComparer.Ordinal);
        foreach (var layer in order.GroupBy(id => depth[id]).OrderBy(g => g.Key))
        {
            var bottom = int.MinValue;
            var placed = layer
                .Select((id, i) => (Id: id, Desired: parent.TryGetValue(id, out var p) && positions.TryGetValue(p, out var pp) ? pp.Y : 0, Order: i))
                .OrderBy(n => n.Desired).ThenBy(n => n.Order);
            foreach (var (id, desired, _) in placed)
            {
                var y = bottom == int.MinValue ? desired : Math.Max(desired, bottom + RowGap);
                positions[id] = new CanvasPosition(layer.Key * ColumnWidth, y);
                bottom = y + HeightOf(definition.FindStep(id)!);
            }
        }
        return positions;
    }

    public static (Dictionary<string, CanvasPosition> Positions, IReadOnlyList<SwimLane> Lanes) Swimlanes(
        ValueStreamDefinition definition, ItilCatalogue catalogue)
    {
        var order = Traverse(definition, out var depth, out var parent);
        var lane = LanesOf(definition, catalogue, order, parent);
        var laneOrder = catalogue.ValueChainActivities.Select(a => a.Id).Where(lane.ContainsValue).ToList();

        var positions = new Dictionary<string, CanvasPosition>(StringComparer.Ordinal);
        var lanes = new List<SwimLane>();
        var top = 0;
        foreach (var activity in laneOrder)
        {
            var inLane = order.Where(id => lane[id] == activity).ToList();
            var height = 0;
            foreach (var column in inLane.GroupBy(id => depth[id]))
            {
                var y = LaneHeader;
                foreach (var id in column)
                {
                    positions[id] = new CanvasPosition(column.Key * ColumnWidth, top + y);
                    y += HeightOf(definition.FindStep(id)!) + RowGap;
                }
                height = Math.Max(height, y - RowGap + LanePadding);
            }
            lanes.Add(new SwimLane(activity, top, height));
            top += height;
        }
        return (positions, lanes);
    }

    /// <summary>The lanes the steps are in now, from their positions (for drawing the bands while swimlanes are on).</summary>
    public static IReadOnlyList<SwimLane> LanesFromPositions(ValueStreamDefinition definition, ItilCatalogue catalogue, IReadOnlyList<SwimLane> planned)
    {
        if (planned.Count == 0)
            return planned;
        var bottom = definition.Steps.Count == 0 ? 0 : definition.Steps.Max(s => s.Position.Y + HeightOf(s)) + LanePadding;
        var last = planned[^1];
        return bottom > last.Top + last.Height ? [.. planned.SkipLast(1), last with { Height = bottom - last.Top }] : planned;
    }

    public static int HeightOf(StepDefinition step)
    {
        var ports = StepTypeCatalogue.Find(step.Type)?.PortsOf(step).Distinct(StringComparer.Ordinal).Count() ?? 0;
        return NodeGeometry.Height(step.Practices.Count > 0, step.Roles.Count > 0, ports);
    }

    /// <summary>Breadth-first from the start: the order steps are reached, each one's depth and the step it was first reached from.
    /// Steps the start does not reach follow in a last column of their own.</summary>
    private static List<string> Traverse(ValueStreamDefinition definition, out Dictionary<string, int> depth, out Dictionary<string, string> parent)
    {
        var ids = definition.Steps.Select(s => s.Id).Where(id => id.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        var next = ids.ToDictionary(id => id, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var step in definition.Steps)
        {
            if (!next.TryGetValue(step.Id, out var targets))
                continue;
            var ports = StepTypeCatalogue.Find(step.Type)?.PortsOf(step) ?? [];
            foreach (var connection in definition.Connections.Where(c => c.From == step.Id && next.ContainsKey(c.To))
                         .OrderBy(c => ports.ToList().IndexOf(c.Port) is var i && i < 0 ? int.MaxValue : i))
                if (!targets.Contains(connection.To))
                    targets.Add(connection.To);
        }

        var depthOf = depth = new Dictionary<string, int>(StringComparer.Ordinal);
        parent = new Dictionary<string, string>(StringComparer.Ordinal);
        var order = new List<string>();
        var start = definition.Steps.FirstOrDefault(s => StepTypeCatalogue.Find(s.Type)?.Descriptor.Kind == StepKind.Demand)?.Id
                    ?? ids.FirstOrDefault(id => definition.Connections.All(c => c.To != id));
        var queue = new Queue<string>();
        if (start is not null)
        {
            depth[start] = 0;
            queue.Enqueue(start);
        }
        while (queue.TryDequeue(out var id))
        {
            order.Add(id);
            foreach (var target in next[id])
            {
                if (depth.ContainsKey(target))
                    continue;
                depth[target] = depth[id] + 1;
                parent[target] = id;
                queue.Enqueue(target);
            }
        }

        var lastColumn = depth.Count == 0 ? 0 : depth.Values.Max() + 1;
        foreach (var id in ids.Where(id => !depthOf.ContainsKey(id)))
        {
            depth[id] = lastColumn;
            order.Add(id);
        }
        return order;
    }

    private static Dictionary<string, string> LanesOf(ValueStreamDefinition definition, ItilCatalogue catalogue, List<string> order, Dictionary<string, string> parent)
    {
        var lane = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in order)
        {
            if (OwnLane(definition.FindStep(id)!, catalogue) is { } own)
                lane[id] = own;
            else if (parent.TryGetValue(id, out var from) && lane.TryGetValue(from, out var inherited))
                lane[id] = inherited;
        }
        // Steps reached from nothing with an activity (the start, say) join the lane of the first step they lead to.
        var fallback = catalogue.ValueChainActivities.Select(a => a.Id).FirstOrDefault(lane.ContainsValue)
                       ?? catalogue.ValueChainActivities[0].Id;
        foreach (var id in order.Where(id => !lane.ContainsKey(id)))
        {
            var successor = definition.Connections.Where(c => c.From == id).Select(c => c.To).FirstOrDefault(lane.ContainsKey);
            lane[id] = successor is not null ? lane[successor] : fallback;
        }
        // Steps that inherited nothing because their parent had no lane yet take it now, in traversal order.
        foreach (var id in order)
            if (parent.TryGetValue(id, out var from) && OwnLane(definition.FindStep(id)!, catalogue) is null)
                lane[id] = lane[from];
        return lane;
    }

    private static string? OwnLane(StepDefinition step, ItilCatalogue catalogue) =>
        step.ValueChainActivities.FirstOrDefault(a => catalogue.FindActivity(a) is not null);
}
