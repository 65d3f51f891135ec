using ValueStreams.Core.Definitions;
using ValueStreams.Designer.Designer;
using ValueStreams.Designer.Instances;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Tests.Designer;

/// <summary>A designer's test run in words and on the diagram: step names instead of ids, plain words instead of event codes.</summary>
public sealed class TestRunWordsTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 6, 0, 0, TimeSpan.Zero);

    private static string Words(string? step, string journalEvent, string? outcome = null, string? detail = null) =>
        TestRunWords.Sentence(new TestRunJournalLine(1, At, step, journalEvent, "owner", outcome, detail),
            id => id == "assess" ? "Assess the incident" : id == "route" ? "Urgent?" : id,
            id => id == "service-desk" ? "Service desk" : id);

    [Fact]
    public void A_task_created_for_a_group_reads_with_the_steps_and_the_groups_names()
    {
        Assert.Equal("Assess the incident: task created for Service desk", Words("assess", JournalEntry.TaskCreated, detail: "task-42 for service-desk"));
        Assert.Equal("Assess the incident: task created", Words("assess", JournalEntry.TaskCreated, detail: "task-42"));
        Assert.Equal("Assess the incident: task created for unknown-group", Words("assess", JournalEntry.TaskCreated, detail: "task-42 for unknown-group"));
    }

    [Fact]
    public void Steps_reached_and_done_name_the_way_taken_and_the_instance_itself_has_no_step()
    {
        Assert.Equal("Assess the incident: reached", Words("assess", JournalEntry.Entered));
        Assert.Equal("Assess the incident: done", Words("assess", JournalEntry.Completed, outcome: "done"));
        Assert.Equal("Urgent?: done, went on by \u201croutine\u201d", Words("route", JournalEntry.Completed, outcome: "routine"));
        Assert.Equal("Assess the incident: failed: boom", Words("assess", JournalEntry.Faulted, detail: "boom"));
        Assert.Equal("Test instance started", Words(null, JournalEntry.Started));
        Assert.Equal("Test instance finished", Words(null, JournalEntry.InstanceCompleted));
    }

    [Fact]
    public void No_line_shows_an_event_code()
    {
        foreach (var journalEvent in typeof(JournalEntry).GetFields().Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!))
            Assert.DoesNotContain(journalEvent, Words("assess", journalEvent));
    }

    [Fact]
    public void A_test_runs_status_marks_the_step_it_waits_at_as_active_and_the_steps_it_passed_as_completed()
    {
        var stream = new ValueStreamDefinition
        {
            Id = "marks",
            Steps =
            [
                new StepDefinition { Id = "start", Type = "start", Name = "In" }, new StepDefinition { Id = "assess", Type = "human-task", Name = "Assess" },
                new StepDefinition { Id = "end", Type = "end", Name = "End" },
            ],
            Connections = [new("start", "assess"), new("assess", "end")],
        };
        var status = new TestRunStatus("i1", "marks", 1, InstanceStatus.Waiting, false, [new TestRunActiveStep("assess", Bookmark.Task, null)],
        [
            new TestRunJournalLine(1, At, null, JournalEntry.Started, "owner", null, null),
            new TestRunJournalLine(2, At, "start", JournalEntry.Entered, null, null, null),
            new TestRunJournalLine(3, At, "start", JournalEntry.Completed, null, "done", null),
            new TestRunJournalLine(4, At, "assess", JournalEntry.Entered, null, null, null),
            new TestRunJournalLine(5, At, "assess", JournalEntry.TaskCreated, null, null, "t1 for service-desk"),
        ], At);

        var marks = RunMarks.Of(stream, status);

        Assert.Equal(StepRun.Completed, marks.Steps["start"]);
        Assert.Equal(StepRun.Active, marks.Steps["assess"]);
        Assert.Equal(StepRun.NotReached, marks.Steps["end"]);
        Assert.Equal(1, marks.Taken[ConnectionKey.Of(new ConnectionDefinition("start", "assess"))]);
        Assert.Equal(["assess", "start"], marks.Badges().Keys.Order());
        Assert.Equal("active", marks.Badges()["assess"].State);
    }
}
