using ValueStreams.Core.Definitions.StepTypes;

namespace ValueStreams.Core.Definitions.Validation;

/// <summary>
/// The graph as a whole: every step is reachable from the start and can reach an end. Breadth-first over
/// adjacency lists, so the cost is linear in steps and connections and nothing recurses.
/// </summary>
internal static class GraphRules
{
    public const string EndType = "end";

    public static void Check(ValidationContext context)
    {
        var count = context.Steps.Count;
        var forward = new List<int>[count];
        var backward = new List<int>[count];
        for (var i = 0; i < count; i++)
        {
            forward[i] = [];
            backward[i] = [];
        }
        foreach (var connection in context.Definition.Connections)
        {
            var from = context.IndexOf(connection.From);
            var to = context.IndexOf(connection.To);
            if (from < 0 || to < 0)
                continue;
            forward[from].Add(to);
            backward[to].Add(from);
        }

        var start = Enumerable.Range(0, count).FirstOrDefault(i => context.KindOf(i) == StepKind.Demand, -1);
        if (start >= 0)
        {
            var reached = Reach(forward, [start]);
            Report(context, reached, "unreachable from the start");
        }

        var ends = Enumerable.Range(0, count).Where(i => context.IsType(i, EndType)).ToList();
        if (ends.Count > 0)
        {
            var finishing = Reach(backward, ends);
            Report(context, finishing, "no path from here to an end");
        }
    }

    private static bool[] Reach(List<int>[] edges, IEnumerable<int> from)
    {
        var reached = new bool[edges.Length];
        var queue = new Queue<int>();
        foreach (var first in from)
        {
            reached[first] = true;
            queue.Enqueue(first);
        }
        while (queue.TryDequeue(out var step))
        {
            foreach (var next in edges[step])
            {
                if (reached[next])
                    continue;
                reached[next] = true;
                queue.Enqueue(next);
            }
        }
        return reached;
    }

    private static void Report(ValidationContext context, bool[] reached, string message)
    {
        for (var i = 0; i < reached.Length; i++)
            if (!reached[i] && context.IndexOf(context.Steps[i].Id) == i) // later duplicates of an id are reported as duplicates
                context.Error(ValidationContext.StepPath(i), message);
    }
}
