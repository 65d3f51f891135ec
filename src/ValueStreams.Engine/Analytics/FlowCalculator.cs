using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions;

namespace ValueStreams.Engine.Analytics;

/// <summary>
/// Turns a stream's flow facts into its measures: throughput and work in progress per period, lead time percentiles and
/// trend, waits, touches, rework and bottlenecks per step, flow efficiency, variants and conformance to the designed
/// connections, time per value chain activity and practice beside the book's heat, and service levels by priority.
/// Pure: no clock, no store.
/// </summary>
public static class FlowCalculator
{
    /// <summary>How many of the most frequent variants are listed; the rest are counted together.</summary>
    public const int VariantLimit = 20;

    public static StreamAnalytics Calculate(ValueStreamDefinition definition, int? version, FlowFacts facts, ItilCatalogue catalogue)
    {
        var throughput = Throughput(facts);
        var steps = Steps(definition, facts.Steps);
        var book = BookStreamOf(definition, catalogue);
        var totalLead = facts.Completed.Sum(c => c.LeadSeconds);
        return new StreamAnalytics(
            definition.Id,
            definition.Name,
            version,
            facts.From,
            facts.To,
            facts.Bucket == FlowBucket.Week ? "week" : "day",
            new InstanceCounts(facts.Days.Sum(d => d.Started), facts.Days.Sum(d => d.Completed),
                throughput.Count > 0 ? throughput[^1].WorkInProgress : facts.WorkInProgressAtStart),
            Percentile(facts.Completed.Select(c => c.LeadSeconds)),
            totalLead > 0 ? facts.TouchSecondsOfCompleted / totalLead : null,
            throughput,
            steps,
            Variants(definition, facts),
            ChainMeasures(definition, steps, catalogue.ValueChainActivities.Select(a => (a.Id, a.Name)), s => s.ValueChainActivities,
                book?.ActivityHeat(catalogue)),
            ChainMeasures(definition, steps, catalogue.Practices.Select(p => (p.Id, p.Name)), s => s.Practices, book?.PracticeHeat(catalogue)),
            book?.Source,
            ServiceLevels(facts.ServiceLevels));
    }

    /// <summary>
    /// Nearest-rank percentiles: the p-th is the value at rank ⌈p/100 · n⌉ of the sorted values, so every percentile is a
    /// time some instance actually took.
    /// </summary>
    public static Percentiles Percentile(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            return new Percentiles(null, null, null, 0);
        double At(int p) => sorted[Math.Max(1, (int)Math.Ceiling(p / 100.0 * sorted.Length)) - 1];
        return new Percentiles(At(50), At(90), At(99), sorted.Length);
    }

    /// <summary>The first day of the period a day falls in (weeks start on Monday, as ISO 8601 has them).</summary>
    public static DateOnly PeriodOf(DateOnly day, FlowBucket bucket) =>
        bucket == FlowBucket.Day ? day : day.AddDays(-(((int)day.DayOfWeek + 6) % 7));

    private static List<FlowPeriod> Throughput(FlowFacts facts)
    {
        var first = PeriodOf(DateOnly.FromDateTime(facts.From.UtcDateTime), facts.Bucket);
        var last = PeriodOf(DateOnly.FromDateTime(facts.To.UtcDateTime.AddTicks(-1)), facts.Bucket);
        var days = facts.Days.GroupBy(d => PeriodOf(d.Day, facts.Bucket)).ToDictionary(g => g.Key, g => g.ToList());
        var leads = facts.Completed.GroupBy(c => PeriodOf(DateOnly.FromDateTime(c.CompletedAt.UtcDateTime), facts.Bucket))
            .ToDictionary(g => g.Key, g => g.Select(c => c.LeadSeconds));
        var periods = new List<FlowPeriod>();
        var inProgress = facts.WorkInProgressAtStart;
        for (var period = first; period <= last; period = period.AddDays(facts.Bucket == FlowBucket.Week ? 7 : 1))
        {
            var flow = days.GetValueOrDefault(period) ?? [];
            inProgress += flow.Sum(d => d.Started) - flow.Sum(d => d.Ended);
            periods.Add(new FlowPeriod(period, flow.Sum(d => d.Started), flow.Sum(d => d.Completed), inProgress,
                Percentile(leads.GetValueOrDefault(period) ?? [])));
        }
        return periods;
    }

    private static List<StepMeasure> Steps(ValueStreamDefinition definition, IReadOnlyList<StepFacts> facts)
    {
        var byStep = facts.ToDictionary(f => f.StepId, StringComparer.Ordinal);
        var order = definition.Steps.Select(s => s.Id).Concat(facts.Select(f => f.StepId)).Distinct(StringComparer.Ordinal);
        var measures = order.Select(id =>
        {
            var fact = byStep.GetValueOrDefault(id) ?? new StepFacts(id, 0, 0, 0, 0, 0, 0, 0);
            return new StepMeasure(id, definition.FindStep(id)?.Name ?? id, fact.Visits, fact.Visits - fact.InstancesVisiting, fact.Tasks,
                fact.Claimed > 0 ? fact.WaitSeconds / fact.Claimed : null,
                fact.Completed > 0 ? fact.TouchSeconds / fact.Completed : null,
                fact.WaitSeconds, fact.TouchSeconds, null);
        }).ToList();
        var ranked = measures.Where(m => m.TotalWait > 0).OrderByDescending(m => m.TotalWait).ThenBy(m => m.StepId, StringComparer.Ordinal)
            .Select((m, i) => (m.StepId, Rank: i + 1)).ToDictionary(r => r.StepId, r => r.Rank, StringComparer.Ordinal);
        return measures.Select(m => m with { BottleneckRank = ranked.TryGetValue(m.StepId, out var rank) ? rank : null }).ToList();
    }

    private static VariantSummary Variants(ValueStreamDefinition definition, FlowFacts facts)
    {
        var sampled = facts.Paths.Count;
        var groups = facts.Paths
            .GroupBy(p => string.Join('\n', p.Steps), StringComparer.Ordinal)
            .Select(g => new PathVariant(g.First().Steps, g.Count(), sampled == 0 ? 0 : (double)g.Count() / sampled, Conforms(definition, g.First().Steps),
                Percentile(g.Where(p => p.LeadSeconds is not null).Select(p => p.LeadSeconds!.Value))))
            .OrderByDescending(v => v.Instances).ThenBy(v => string.Join('\n', v.Steps), StringComparer.Ordinal)
            .ToList();
        var top = groups.Take(VariantLimit).ToList();
        var others = groups.Skip(VariantLimit).ToList();
        return new VariantSummary(sampled, facts.PathSampleLimit, top, others.Sum(v => v.Instances), others.Count,
            sampled == 0 ? null : (double)groups.Where(v => v.Conforms).Sum(v => v.Instances) / sampled);
    }

    /// <summary>
    /// A path follows the design when it begins at a start step and every later step is reached by a connection from a step
    /// entered before it (parallel branches interleave, so the step just before need not be the one that led there).
    /// </summary>
    public static bool Conforms(ValueStreamDefinition definition, IReadOnlyList<string> path)
    {
        if (path.Count == 0 || definition.FindStep(path[0])?.Type != "start")
            return false;
        var entered = new HashSet<string>(StringComparer.Ordinal) { path[0] };
        foreach (var step in path.Skip(1))
        {
            if (definition.FindStep(step) is null || !definition.Connections.Any(c => c.To == step && entered.Contains(c.From)))
                return false;
            entered.Add(step);
        }
        return true;
    }

    private static List<ChainMeasure> ChainMeasures(ValueStreamDefinition definition, IReadOnlyList<StepMeasure> steps,
        IEnumerable<(string Id, string Name)> catalogue, Func<StepDefinition, List<string>> tagsOf, IReadOnlyDictionary<string, int>? bookHeat)
    {
        var byStep = steps.ToDictionary(s => s.StepId, StringComparer.Ordinal);
        var totalTime = steps.Sum(s => s.TotalWait + s.TotalTouch);
        var rows = catalogue
            .Select(entry =>
            {
                var tagged = definition.Steps.Where(s => tagsOf(s).Contains(entry.Id)).Select(s => byStep[s.Id]).ToList();
                return (entry, tagged, Time: tagged.Sum(s => s.TotalWait + s.TotalTouch));
            })
            .Where(row => row.tagged.Count > 0 || bookHeat?.ContainsKey(row.entry.Id) == true)
            .ToList();
        var busiest = rows.Count == 0 ? 0 : rows.Max(r => r.Time);
        return rows.Select(row => new ChainMeasure(row.entry.Id, row.entry.Name, row.tagged.Sum(s => s.Visits), row.Time,
                totalTime > 0 ? row.Time / totalTime : 0,
                busiest > 0 ? (int)Math.Ceiling(3 * row.Time / busiest) : 0,
                bookHeat is null ? null : bookHeat.GetValueOrDefault(row.entry.Id)))
            .ToList();
    }

    /// <summary>The book's example this stream is, by its source ("… A.1.1") or by id; null for the organisation's own streams.</summary>
    public static BookValueStream? BookStreamOf(ValueStreamDefinition definition, ItilCatalogue catalogue) =>
        catalogue.BookStreams.FirstOrDefault(b => b.Id == definition.Id)
        ?? catalogue.BookStreams.FirstOrDefault(b => (definition.Source ?? "").Split([' ', ',', ';', '(', ')'], StringSplitOptions.RemoveEmptyEntries)
            .Contains(b.Source, StringComparer.Ordinal));

    private static ServiceLevelSummary ServiceLevels(IReadOnlyList<ServiceLevelFacts> facts) =>
        new(facts.OrderBy(f => f.Priority ?? int.MaxValue)
                .Select(f => new ServiceLevelRow(f.Priority, f.ResponseTargets, f.ResponseMet, f.ResponseBreached, f.ResolutionTargets, f.ResolutionMet,
                    f.ResolutionBreached))
                .ToList(),
            facts.Sum(f => f.ResponseMet), facts.Sum(f => f.ResponseBreached), facts.Sum(f => f.ResolutionMet), facts.Sum(f => f.ResolutionBreached));
}
