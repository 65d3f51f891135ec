namespace ValueStreams.Core.Definitions.Flow;

/// <summary>
/// Pairs every join with the fork whose branches it brings together: the fork is the join's immediate dominator,
/// the last step every path from the start passes before it reaches the join. A join whose paths part elsewhere
/// (at a task's outcomes, at a decision, before the fork) has no fork; validation names it, and the engine refuses
/// to guess which branches it should wait for.
/// </summary>
public sealed class ForkJoinPairing
{
    private const string ForkType = "fork";
    private const string JoinType = "join";

    private readonly Dictionary<string, string> _forkOfJoin = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _partingOfJoin = new(StringComparer.Ordinal);

    private ForkJoinPairing(ValueStreamDefinition definition)
    {
        var ids = definition.Steps.Select(s => s.Id).Distinct(StringComparer.Ordinal).ToList();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Count; i++)
            index[ids[i]] = i;
        var successors = ids.Select(_ => new List<int>()).ToArray();
        var predecessors = ids.Select(_ => new List<int>()).ToArray();
        foreach (var c in definition.Connections)
        {
            if (!index.TryGetValue(c.From, out var from) || !index.TryGetValue(c.To, out var to))
                continue;
            successors[from].Add(to);
            predecessors[to].Add(from);
        }
        var start = definition.Steps.FirstOrDefault(s => s.Type == "start") is { } s0 ? index[s0.Id] : -1;
        if (start < 0)
            return;
        var idom = Dominators(start, successors, predecessors);
        var typeOf = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var step in definition.Steps)
            typeOf.TryAdd(step.Id, step.Type);
        for (var i = 0; i < ids.Count; i++)
        {
            if (typeOf[ids[i]] != JoinType || idom[i] < 0 || i == start)
                continue;
            var parting = ids[idom[i]];
            if (typeOf[parting] == ForkType)
                _forkOfJoin[ids[i]] = parting;
            else
                _partingOfJoin[ids[i]] = parting;
        }
    }

    public static ForkJoinPairing Of(ValueStreamDefinition definition) => new(definition);

    /// <summary>The fork a join closes; null when its paths do not all come from one fork (or it is unreachable).</summary>
    public string? ForkOf(string joinId) => _forkOfJoin.GetValueOrDefault(joinId);

    /// <summary>For a join without a fork: the step where its paths part instead (null when paired or unreachable).</summary>
    public string? PartingOf(string joinId) => _partingOfJoin.GetValueOrDefault(joinId);

    /// <summary>Immediate dominators (Cooper, Harvey and Kennedy's iteration over reverse postorder); -1 where unreachable.</summary>
    private static int[] Dominators(int start, List<int>[] successors, List<int>[] predecessors)
    {
        var count = successors.Length;
        var postorder = new int[count];
        Array.Fill(postorder, -1);
        var order = new List<int>(count);
        var visited = new bool[count];
        var stack = new Stack<(int Node, int Next)>();
        stack.Push((start, 0));
        visited[start] = true;
        while (stack.Count > 0)
        {
            var (node, next) = stack.Pop();
            if (next < successors[node].Count)
            {
                stack.Push((node, next + 1));
                var child = successors[node][next];
                if (!visited[child])
                {
                    visited[child] = true;
                    stack.Push((child, 0));
                }
                continue;
            }
            postorder[node] = order.Count;
            order.Add(node);
        }

        var idom = new int[count];
        Array.Fill(idom, -1);
        idom[start] = start;
        for (var changed = true; changed;)
        {
            changed = false;
            for (var k = order.Count - 1; k >= 0; k--)
            {
                var node = order[k];
                if (node == start)
                    continue;
                var candidate = -1;
                foreach (var p in predecessors[node])
                {
                    if (idom[p] < 0)
                        continue;
                    candidate = candidate < 0 ? p : Intersect(p, candidate, idom, postorder);
                }
                if (candidate >= 0 && idom[node] != candidate)
                {
                    idom[node] = candidate;
                    changed = true;
                }
            }
        }
        return idom;
    }

    private static int Intersect(int a, int b, int[] idom, int[] postorder)
    {
        while (a != b)
        {
            while (postorder[a] < postorder[b])
                a = idom[a];
            while (postorder[b] < postorder[a])
                b = idom[b];
        }
        return a;
    }
}
