using ValueStreams.Core.Definitions;
using ValueStreams.Designer.Designer;
using ValueStreams.Designer.Instances;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Tests.Designer;

/// <summary>An instance's run as the instance page marks it on its stream: step states and the connections taken, with counts.</summary>
public sealed class RunMarksTests
{
    /// <summary>start → triage: "fix" → repair → end, "reject" → explain → end; repair loops back to triage on "again".</summary>
    private static ValueStreamDefinition Stream() => new()
    {
        Id = "marks",
        Steps = [Step("start", "start"), Step("triage", "human-task"), Step("repair", "human-task"), Step("explain", "human-task"), Step("end", "end")],
        Connections =
        [
            new("start", "triage"), new("triage", "repair", "fix"), new("triage", "explain", "reject"),
            new("repair", "triage", "again"), new("repair", "end"), new("explain", "end"),
        ],
    };

    private static StepDefinition Step(string id, string type) => new() { Id = id, Type = type, Name = id };

    private static InstanceStepTally Tally(string step, string journalEvent, string? outcome, int count) => new(step, journalEvent, outcome, count);

    [Fact]
    public void A_step_where_a_token_waits_is_active_steps_passed_are_completed_and_a_branch_no_token_can_reach_is_skipped()
    {
        IReadOnlyList<InstanceStepTally> tallies =
        [
            Tally("start", JournalEntry.Entered, null, 1), Tally("start", JournalEntry.Completed, "done", 1),
            Tally("triage", JournalEntry.Entered, null, 2), Tally("triage", JournalEntry.Completed, "fix", 2),
            Tally("repair", JournalEntry.Entered, null, 2), Tally("repair", JournalEntry.Completed, "again", 1),
        ];

        var marks = RunMarks.Of(Stream(), InstanceStatus.Waiting, [new InstanceTokenView("t1", "repair", Bookmark.Task, null)], tallies);

        Assert.Equal(StepRun.Completed, marks.Steps["start"]);
        Assert.Equal(StepRun.Completed, marks.Steps["triage"]);
        Assert.Equal(StepRun.Active, marks.Steps["repair"]);
        // The loop back to triage can still lead to explain, so it is not skipped yet; the end is still ahead.
        Assert.Equal(StepRun.NotReached, marks.Steps["explain"]);
        Assert.Equal(StepRun.NotReached, marks.Steps["end"]);
        Assert.Equal(2, marks.Taken[new ConnectionKey("triage", "fix", "repair")]);
        Assert.Equal(1, marks.Taken[new ConnectionKey("repair", "again", "triage")]);
        Assert.False(marks.Taken.ContainsKey(new ConnectionKey("triage", "reject", "explain")));
    }

    [Fact]
    public void A_faulted_token_marks_its_step_faulted_and_a_cancelled_instance_leaves_its_waiting_step_stopped_and_the_rest_skipped()
    {
        IReadOnlyList<InstanceStepTally> tallies =
        [
            Tally("start", JournalEntry.Completed, "done", 1), Tally("triage", JournalEntry.Entered, null, 1),
            Tally("triage", JournalEntry.Completed, "reject", 1), Tally("explain", JournalEntry.Entered, null, 1),
        ];

        var faulted = RunMarks.Of(Stream(), InstanceStatus.Faulted, [new InstanceTokenView("t1", "explain", null, "the mail server refused")], tallies);
        Assert.Equal(StepRun.Faulted, faulted.Steps["explain"]);
        // No token can get to repair from explain.
        Assert.Equal(StepRun.Skipped, faulted.Steps["repair"]);

        var cancelled = RunMarks.Of(Stream(), InstanceStatus.Cancelled, [], tallies);
        Assert.Equal(StepRun.Stopped, cancelled.Steps["explain"]);
        Assert.Equal(StepRun.Skipped, cancelled.Steps["end"]);
        Assert.Equal(StepRun.Completed, cancelled.Steps["triage"]);
        Assert.Equal(1, cancelled.Taken[new ConnectionKey("triage", "reject", "explain")]);
    }
}
