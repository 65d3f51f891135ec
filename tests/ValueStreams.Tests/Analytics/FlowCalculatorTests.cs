using System.Text;
using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions;
using ValueStreams.Engine.Analytics;

namespace ValueStreams.Tests.Analytics;

/// <summary>
/// The calculator against a fixture small enough to work out by hand: a stream log → fix → check (→ fix again) → end,
/// four instances over one week, a three-practice catalogue with one book example. Every expected number below is written
/// out with its arithmetic.
/// </summary>
public sealed class FlowCalculatorTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 2, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Percentiles_are_nearest_rank_so_each_is_a_time_an_instance_took()
    {
        // n = 10: p50 at rank ⌈0.5·10⌉ = 5 → 50; p90 at ⌈0.9·10⌉ = 9 → 90; p99 at ⌈9.9⌉ = 10 → 100.
        var ten = FlowCalculator.Percentile([100, 10, 90, 20, 80, 30, 70, 40, 60, 50]);
        Assert.Equal((50.0, 90.0, 100.0, 10), (ten.P50!.Value, ten.P90!.Value, ten.P99!.Value, ten.Count));
        // n = 3: p50 at ⌈1.5⌉ = 2 → 200; p90 at ⌈2.7⌉ = 3 → 300; p99 at ⌈2.97⌉ = 3 → 300.
        var three = FlowCalculator.Percentile([300, 100, 200]);
        Assert.Equal((200.0, 300.0, 300.0), (three.P50!.Value, three.P90!.Value, three.P99!.Value));
        var none = FlowCalculator.Percentile([]);
        Assert.Null(none.P50);
        Assert.Equal(0, none.Count);
    }

    [Fact]
    public void Throughput_work_in_progress_lead_time_and_flow_efficiency_per_day()
    {
        var measured = Measure(FlowBucket.Day, Monday.AddDays(7));

        // Started 2 + 1 + 1 = 4; completed 1 + 2 + 1 = 4.
        Assert.Equal(4, measured.Instances.Started);
        Assert.Equal(4, measured.Instances.Completed);
        // Work in progress: 1 at the start; Mon +2 → 3; Tue +1 −1 → 3; Wed +1 → 4; Thu −3 (two completed, one cancelled) → 1; Fri −1 → 0.
        Assert.Equal([3, 3, 4, 1, 0, 0, 0], measured.Throughput.Select(p => p.WorkInProgress));
        Assert.Equal(0, measured.Instances.InProgress);
        Assert.Equal([2, 1, 1, 0, 0, 0, 0], measured.Throughput.Select(p => p.Started));
        Assert.Equal([0, 1, 0, 2, 1, 0, 0], measured.Throughput.Select(p => p.Completed));
        Assert.Equal(new DateOnly(2026, 11, 2), measured.Throughput[0].Start);
        Assert.Equal(new DateOnly(2026, 11, 8), measured.Throughput[^1].Start);

        // Lead times sorted 9000, 18000, 36000, 72000: p50 at rank ⌈2⌉ = 2 → 18000; p90 at ⌈3.6⌉ = 4 → 72000; p99 → 72000.
        Assert.Equal((18000.0, 72000.0, 72000.0), (measured.LeadTime.P50!.Value, measured.LeadTime.P90!.Value, measured.LeadTime.P99!.Value));
        // Trend: Tuesday [36000]; Thursday [72000, 9000] → p50 at rank 1 = 9000, p90 at ⌈1.8⌉ = 2 → 72000; Friday [18000].
        Assert.Equal(36000, measured.Throughput[1].LeadTime.P50);
        Assert.Equal((9000.0, 72000.0), (measured.Throughput[3].LeadTime.P50!.Value, measured.Throughput[3].LeadTime.P90!.Value));
        Assert.Equal(18000, measured.Throughput[4].LeadTime.P50);
        Assert.Null(measured.Throughput[2].LeadTime.P50);

        // Flow efficiency: touch 21600 ÷ lead (36000 + 72000 + 9000 + 18000 = 135000) = 0.16.
        Assert.Equal(0.16, measured.FlowEfficiency!.Value, 10);
    }

    [Fact]
    public void Weeks_start_on_monday_and_carry_the_days_flow()
    {
        Assert.Equal(new DateOnly(2026, 11, 2), FlowCalculator.PeriodOf(new DateOnly(2026, 11, 8), FlowBucket.Week));
        Assert.Equal(new DateOnly(2026, 11, 9), FlowCalculator.PeriodOf(new DateOnly(2026, 11, 9), FlowBucket.Week));

        var measured = Measure(FlowBucket.Week, Monday.AddDays(14));

        Assert.Equal("week", measured.Bucket);
        Assert.Equal([new DateOnly(2026, 11, 2), new DateOnly(2026, 11, 9)], measured.Throughput.Select(p => p.Start));
        // Week 1: started 4, completed 4, ended 5 (one cancelled): 1 + 4 − 5 = 0 in progress. Week 2: nothing.
        Assert.Equal((4, 4, 0), (measured.Throughput[0].Started, measured.Throughput[0].Completed, measured.Throughput[0].WorkInProgress));
        // The week's lead times 9000, 18000, 36000, 72000 → p50 18000.
        Assert.Equal(18000, measured.Throughput[0].LeadTime.P50);
        Assert.Equal(0, measured.Throughput[1].Started);
    }

    [Fact]
    public void Steps_have_mean_wait_and_touch_rework_and_a_bottleneck_rank()
    {
        var steps = Measure(FlowBucket.Day, Monday.AddDays(7)).Steps.ToDictionary(s => s.StepId);

        Assert.Equal(["start", "log", "fix", "check", "end"], Measure(FlowBucket.Day, Monday.AddDays(7)).Steps.Select(s => s.StepId));
        // log: wait 1800 over 3 claimed = 600; touch 2700 over 3 completed = 900; 3 visits by 3 instances: no rework.
        Assert.Equal((600.0, 900.0, 0), (steps["log"].WaitTime!.Value, steps["log"].TouchTime!.Value, steps["log"].Rework));
        // fix: 10800 / 3 = 3600 wait; 16200 / 3 = 5400 touch; 3 visits by 2 instances: 1 rework.
        Assert.Equal((3600.0, 5400.0, 1), (steps["fix"].WaitTime!.Value, steps["fix"].TouchTime!.Value, steps["fix"].Rework));
        // check: 7200 / 2 claimed = 3600 wait; 3600 / 2 completed = 1800 touch; 3 visits by 2 instances: 1 rework.
        Assert.Equal((3600.0, 1800.0, 1), (steps["check"].WaitTime!.Value, steps["check"].TouchTime!.Value, steps["check"].Rework));
        Assert.Equal("Fix it", steps["fix"].Name);
        // Ranked by total wait: fix 10800, check 7200, log 1800; steps without tasks are not ranked.
        Assert.Equal((1, 2, 3), (steps["fix"].BottleneckRank, steps["check"].BottleneckRank, steps["log"].BottleneckRank));
        Assert.Null(steps["start"].BottleneckRank);
        Assert.Null(steps["start"].WaitTime);
    }

    [Fact]
    public void Variants_are_counted_with_lead_times_and_checked_against_the_connections()
    {
        var variants = Measure(FlowBucket.Day, Monday.AddDays(7)).Variants;

        Assert.Equal(4, variants.Sampled);
        // Two instances went straight through; then by path text: "…log, check…" sorts before "…log, fix, check, fix…".
        Assert.Equal(3, variants.Top.Count);
        Assert.Equal(["start", "log", "fix", "check", "end"], variants.Top[0].Steps);
        Assert.Equal((2, 0.5, true), (variants.Top[0].Instances, variants.Top[0].Share, variants.Top[0].Conforms));
        // Its lead times 36000 and 18000: p50 at rank ⌈1⌉ = 1 → 18000.
        Assert.Equal(18000, variants.Top[0].LeadTime.P50);
        // log → check has no connection: this path does not follow the design.
        Assert.Equal(["start", "log", "check", "end"], variants.Top[1].Steps);
        Assert.False(variants.Top[1].Conforms);
        // check → fix is the rework connection, so going round again follows the design.
        Assert.Equal(["start", "log", "fix", "check", "fix", "check", "end"], variants.Top[2].Steps);
        Assert.True(variants.Top[2].Conforms);
        // Conformance: (2 + 1) of 4 = 0.75.
        Assert.Equal(0.75, variants.Conformance);
        Assert.Equal(0, variants.OtherInstances);
    }

    [Fact]
    public void Time_per_value_chain_activity_and_practice_stands_beside_the_books_heat()
    {
        var measured = Measure(FlowBucket.Day, Monday.AddDays(7));

        Assert.Equal("A.1.1", measured.BookStream);
        // Step time = wait + touch: log 1800 + 2700 = 4500; fix 10800 + 16200 = 27000; check 7200 + 3600 = 10800; all 42300.
        var activities = measured.ValueChainActivities.ToDictionary(a => a.Id);
        Assert.Equal(["engage", "deliver-and-support", "plan"], measured.ValueChainActivities.Select(a => a.Id));
        // engage (log): 3 visits, 4500 s, 4500 / 42300; level ⌈3 · 4500 / 37800⌉ = ⌈0.36⌉ = 1; book: max(service desk 3, incident 2) = 3.
        Assert.Equal((3, 4500.0, 1, (int?)3), (activities["engage"].Visits, activities["engage"].Time, activities["engage"].MeasuredLevel, activities["engage"].BookHeat));
        Assert.Equal(4500.0 / 42300, activities["engage"].Share, 10);
        // deliver and support (fix, check): 6 visits, 37800 s, level 3 (the busiest); book: incident management there = 3.
        Assert.Equal((6, 37800.0, 3, (int?)3), (activities["deliver-and-support"].Visits, activities["deliver-and-support"].Time,
            activities["deliver-and-support"].MeasuredLevel, activities["deliver-and-support"].BookHeat));
        // plan: only the book passes through it (no practice named there: heat 0); the stream never does.
        Assert.Equal((0, 0.0, 0, (int?)0), (activities["plan"].Visits, activities["plan"].Time, activities["plan"].MeasuredLevel, activities["plan"].BookHeat));

        var practices = measured.Practices.ToDictionary(p => p.Id);
        // incident management (log, fix): 6 visits, 4500 + 27000 = 31500 s, the busiest → 3; book max(engage 2, deliver and support 3) = 3.
        Assert.Equal((6, 31500.0, 3, (int?)3), (practices["incident-management"].Visits, practices["incident-management"].Time,
            practices["incident-management"].MeasuredLevel, practices["incident-management"].BookHeat));
        Assert.Equal(31500.0 / 42300, practices["incident-management"].Share, 10);
        // service desk (log): 4500 s → ⌈3 · 4500 / 31500⌉ = ⌈0.43⌉ = 1; book 3.
        Assert.Equal((1, (int?)3), (practices["service-desk"].MeasuredLevel, practices["service-desk"].BookHeat));
        // testing (check): 10800 s → ⌈3 · 10800 / 31500⌉ = ⌈1.03⌉ = 2; the book names it nowhere in this stream: 0.
        Assert.Equal((2, (int?)0), (practices["service-validation-and-testing"].MeasuredLevel, practices["service-validation-and-testing"].BookHeat));
    }

    [Fact]
    public void A_stream_that_is_not_a_book_example_has_no_book_heat()
    {
        var definition = Definition();
        definition.Source = "Our own service desk";
        definition.Id = "our-desk";
        var measured = FlowCalculator.Calculate(definition, 1, Facts(FlowBucket.Day, Monday.AddDays(7)), Catalogue());
        Assert.Null(measured.BookStream);
        Assert.All(measured.ValueChainActivities, a => Assert.Null(a.BookHeat));
        Assert.DoesNotContain(measured.ValueChainActivities, a => a.Id == "plan");
    }

    [Fact]
    public void Service_levels_are_met_and_breached_per_priority()
    {
        var sla = Measure(FlowBucket.Day, Monday.AddDays(7)).Sla;

        Assert.Equal([(int?)2, null], sla.ByPriority.Select(r => r.Priority));
        Assert.Equal((3, 2, 1), (sla.ByPriority[0].ResponseTargets, sla.ByPriority[0].ResponseMet, sla.ByPriority[0].ResponseBreached));
        // Totals: response met 2 + 1 = 3, breached 1 + 0 = 1; resolution met 1, breached 1.
        Assert.Equal((3, 1, 1, 1), (sla.ResponseMet, sla.ResponseBreached, sla.ResolutionMet, sla.ResolutionBreached));
    }

    private static StreamAnalytics Measure(FlowBucket bucket, DateTimeOffset to) =>
        FlowCalculator.Calculate(Definition(), 1, Facts(bucket, to), Catalogue());

    private static FlowFacts Facts(FlowBucket bucket, DateTimeOffset to)
    {
        static DateTimeOffset At(int day, int hour) => Monday.AddDays(day).AddHours(hour);
        return new FlowFacts(
            Monday, to, bucket,
            WorkInProgressAtStart: 1,
            Days:
            [
                new DailyFlow(new DateOnly(2026, 11, 2), Started: 2, Completed: 0, Ended: 0),
                new DailyFlow(new DateOnly(2026, 11, 3), Started: 1, Completed: 1, Ended: 1),
                new DailyFlow(new DateOnly(2026, 11, 4), Started: 1, Completed: 0, Ended: 0),
                new DailyFlow(new DateOnly(2026, 11, 5), Started: 0, Completed: 2, Ended: 3),
                new DailyFlow(new DateOnly(2026, 11, 6), Started: 0, Completed: 1, Ended: 1),
            ],
            Completed:
            [
                new CompletedInstance(At(1, 10), 36000),
                new CompletedInstance(At(3, 12), 72000),
                new CompletedInstance(At(3, 18), 9000),
                new CompletedInstance(At(4, 9), 18000),
            ],
            TouchSecondsOfCompleted: 21600,
            Steps:
            [
                new StepFacts("start", 4, 4, 0, 0, 0, 0, 0),
                new StepFacts("log", 3, 3, Tasks: 3, Claimed: 3, WaitSeconds: 1800, Completed: 3, TouchSeconds: 2700),
                new StepFacts("fix", 3, 2, Tasks: 3, Claimed: 3, WaitSeconds: 10800, Completed: 3, TouchSeconds: 16200),
                new StepFacts("check", 3, 2, Tasks: 3, Claimed: 2, WaitSeconds: 7200, Completed: 2, TouchSeconds: 3600),
                new StepFacts("end", 4, 4, 0, 0, 0, 0, 0),
            ],
            Paths:
            [
                new InstancePath("a", ["start", "log", "fix", "check", "end"], 36000),
                new InstancePath("b", ["start", "log", "fix", "check", "fix", "check", "end"], 72000),
                new InstancePath("c", ["start", "log", "check", "end"], 9000),
                new InstancePath("d", ["start", "log", "fix", "check", "end"], 18000),
            ],
            PathSampleLimit: 2000,
            ServiceLevels:
            [
                new ServiceLevelFacts(null, 1, 1, 0, 0, 0, 0),
                new ServiceLevelFacts(2, ResponseTargets: 3, ResponseMet: 2, ResponseBreached: 1, ResolutionTargets: 3, ResolutionMet: 1, ResolutionBreached: 1),
            ]);
    }

    private static ValueStreamDefinition Definition()
    {
        StepDefinition Step(string id, string type, string name, string[] activities, string[] practices) =>
            new() { Id = id, Type = type, Name = name, ValueChainActivities = [.. activities], Practices = [.. practices] };
        return new ValueStreamDefinition
        {
            Id = "fixture",
            Name = "Fixture",
            Source = "ITIL 4 Foundation, Appendix A.1.1",
            Steps =
            [
                Step("start", "start", "Reported", [], []),
                Step("log", "human-task", "Log it", ["engage"], ["service-desk", "incident-management"]),
                Step("fix", "human-task", "Fix it", ["deliver-and-support"], ["incident-management"]),
                Step("check", "human-task", "Check it", ["deliver-and-support"], ["service-validation-and-testing"]),
                Step("end", "end", "Done", [], []),
            ],
            Connections =
            [
                new ConnectionDefinition("start", "log"),
                new ConnectionDefinition("log", "fix"),
                new ConnectionDefinition("fix", "check"),
                new ConnectionDefinition("check", "fix", "rework"),
                new ConnectionDefinition("check", "end"),
            ],
        };
    }

    /// <summary>Three activities, three practices with their heat, and the book's A.1.1 reduced to three steps.</summary>
    private static ItilCatalogue Catalogue()
    {
        const string json =
            """
            {
              "valueChainActivities": [
                { "id": "engage", "name": "Engage", "section": "4.5.3", "purpose": "p", "inputs": [], "outputs": [] },
                { "id": "deliver-and-support", "name": "Deliver and support", "section": "4.5.6", "purpose": "p", "inputs": [], "outputs": [] },
                { "id": "plan", "name": "Plan", "section": "4.5.1", "purpose": "p", "inputs": [], "outputs": [] }
              ],
              "practiceGroups": [ { "id": "service", "name": "Service management practices", "count": 3 } ],
              "practices": [
                { "id": "service-desk", "name": "Service desk", "group": "service", "section": "5.2.14", "purpose": "p",
                  "heat": { "engage": 3, "deliver-and-support": 2 }, "contributes": [], "records": [], "metrics": [] },
                { "id": "incident-management", "name": "Incident management", "group": "service", "section": "5.2.5", "purpose": "p",
                  "heat": { "engage": 2, "deliver-and-support": 3 }, "contributes": [], "records": [], "metrics": [] },
                { "id": "service-validation-and-testing", "name": "Service validation and testing", "group": "service", "section": "5.2.17", "purpose": "p",
                  "heat": { "engage": 0, "deliver-and-support": 1 }, "contributes": [], "records": [], "metrics": [] }
              ],
              "valueStreams": [
                { "id": "incident-resolution", "source": "A.1.1", "title": "Incident", "steps": [
                  { "n": 1, "kind": "demand", "valueChainActivities": [], "practices": [] },
                  { "n": 2, "kind": "activity", "valueChainActivities": ["engage"], "practices": ["service-desk", "incident-management"] },
                  { "n": 3, "kind": "activity", "valueChainActivities": ["deliver-and-support"], "practices": ["incident-management"] },
                  { "n": 4, "kind": "activity", "valueChainActivities": ["plan"], "practices": [] }
                ] }
              ]
            }
            """;
        return ItilCatalogue.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)));
    }
}
