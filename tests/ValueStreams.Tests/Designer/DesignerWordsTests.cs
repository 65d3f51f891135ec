using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.Validation;
using ValueStreams.Designer.Designer;

namespace ValueStreams.Tests.Designer;

/// <summary>What the designer says in words: durations, the validation panel's list and the template a new stream starts from.</summary>
public sealed class DesignerWordsTests
{
    private static readonly ValueStreamValidator Validator = new(ItilCatalogue.Default);

    [Theory]
    [InlineData("4 hours", "PT4H", "4 hours")]
    [InlineData("30 minutes", "PT30M", "30 minutes")]
    [InlineData("1 hour", "PT1H", "1 hour")]
    [InlineData("2 days", "P2D", "2 days")]
    [InlineData("1 week", "P7D", "7 days")]
    [InlineData("PT90M", "PT1H30M", "1 hour 30 minutes")]
    [InlineData("  36 Hours ", "P1DT12H", "1 day 12 hours")]
    public void A_duration_typed_in_words_is_stored_as_iso_8601_and_read_back_in_words(string typed, string stored, string words)
    {
        var reading = DurationWords.Read(typed);

        Assert.Equal(stored, reading.Stored);
        Assert.Null(reading.Problem);
        Assert.Null(reading.Note);
        Assert.Equal(words, DurationWords.Describe(reading.Stored));
    }

    [Fact]
    public void Working_days_are_kept_as_that_many_days_on_the_clock_and_the_reading_says_so()
    {
        var reading = DurationWords.Read("3 working days");

        Assert.Equal("P3D", reading.Stored);
        Assert.Equal("3 days", DurationWords.Describe(reading.Stored));
        Assert.Contains("weekends and holidays counting", reading.Note);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("4")]
    [InlineData("0 hours")]
    [InlineData("-2 days")]
    [InlineData("400 days")]
    [InlineData("P0D")]
    public void A_duration_that_means_no_time_is_refused_with_an_example(string typed)
    {
        var reading = DurationWords.Read(typed);

        Assert.Null(reading.Stored);
        Assert.False(string.IsNullOrEmpty(reading.Problem));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("4 hours")]
    [InlineData("PT0S")]
    public void Only_a_positive_iso_duration_is_described(string? stored) => Assert.Null(DurationWords.Describe(stored));

    [Fact]
    public void A_new_stream_starts_with_a_start_a_value_milestone_and_an_end_connected_in_that_order()
    {
        var definition = StreamTemplate.New("access", "Access");

        Assert.Equal(["start", "milestone", "end"], definition.Steps.Select(s => s.Type));
        Assert.Equal(["start->milestone", "milestone->end"], definition.Connections.Select(c => $"{c.From}->{c.To}"));
        var report = Validator.Validate(definition);
        // What is left to do is filling in, not connecting: the roles and the value the milestone realises.
        Assert.DoesNotContain(report.Errors, e => e.Message.Contains("connected", StringComparison.Ordinal) || e.Message.Contains("path", StringComparison.Ordinal)
                                                  || e.Message.Contains("unreachable", StringComparison.Ordinal));
        Assert.Contains(report.Errors, e => e.Path == "steps[0].roles");
        Assert.Contains(report.Errors, e => e.Path == "steps[1].value");
    }

    [Fact]
    public void A_step_connected_to_nothing_is_one_issue_on_that_step()
    {
        var definition = Complete();
        definition.Steps.Add(new StepDefinition { Id = "wait", Type = "timer", Name = "Wait a day", Properties = new() { ["duration"] = "P1D" } });

        var issues = IssueList.Of(definition, Validator.Validate(definition), []);

        var issue = Assert.Single(issues);
        Assert.Equal("wait", issue.StepId);
        Assert.Equal("Wait a day", issue.Place);
        Assert.Equal("not connected: nothing leads to it from the start, and its port 'done' leads nowhere", issue.Message);
    }

    [Fact]
    public void A_removed_connection_shows_at_its_two_ends_not_on_every_step_after_it()
    {
        var definition = Complete();
        definition.Connections.RemoveAll(c => c.From == "start");
        // The validator finds the start reaching no end, and the milestone and the end unreached from the start.
        Assert.Equal(4, Validator.Validate(definition).Errors.Count);

        var issues = IssueList.Of(definition, Validator.Validate(definition), []);

        Assert.Equal(
            ["start: not connected: its port 'done' leads nowhere", "milestone: not connected: nothing leads to it from the start"],
            issues.Select(i => $"{i.StepId}: {i.Message}"));
    }

    [Fact]
    public void Issues_read_as_the_steps_name_and_its_fields_labels_not_json_paths()
    {
        var definition = Complete();
        definition.Steps[1].Properties["value"] = "";

        var issue = Assert.Single(IssueList.Of(definition, Validator.Validate(definition), []));

        Assert.Equal("Value delivered › Value", issue.Place);
        Assert.Equal("steps[1].value", issue.Path);
        Assert.Equal("Task 1 › Field 2 › Options", IssueList.PlaceOf(WithTask(definition), "steps[3].form[1].options"));
        Assert.Equal("Role 1", IssueList.PlaceOf(definition, "roles[0]"));
        Assert.Equal("The stream", IssueList.PlaceOf(definition, ""));
    }

    [Fact]
    public void A_server_error_the_live_check_also_gives_shows_once()
    {
        var definition = Complete();
        definition.Steps[1].Properties["value"] = "";
        var report = Validator.Validate(definition);
        var server = new List<DefinitionIssue>(report.Errors) { new("id", "a stream 'x' exists already") };

        var issues = IssueList.Of(definition, report, server);

        Assert.Equal(2, issues.Count);
        Assert.Single(issues, i => i.FromServer);
        Assert.Single(issues, i => i.Path == "steps[1].value");
    }

    [Theory]
    [InlineData("choice", "options", true)]
    [InlineData("multi-choice", "options", true)]
    [InlineData("text", "options", false)]
    [InlineData("number", "min", true)]
    [InlineData("checkbox", "max", false)]
    [InlineData("text", "pattern", true)]
    [InlineData("number", "pattern", false)]
    [InlineData("record", "recordType", true)]
    [InlineData("choice", "recordType", false)]
    [InlineData("checkbox", "help", true)]
    public void A_form_fields_settings_show_only_where_its_type_reads_them(string type, string setting, bool applies) =>
        Assert.Equal(applies, FormFieldInputs.Applies(setting, type));

    [Fact]
    public void A_choice_fields_options_come_first()
    {
        Assert.True(FormFieldInputs.First("options", "choice"));
        Assert.False(FormFieldInputs.First("options", "text"));
        Assert.False(FormFieldInputs.First("help", "choice"));
    }

    private static ValueStreamDefinition WithTask(ValueStreamDefinition definition)
    {
        definition.Steps.Add(new StepDefinition { Id = "task", Type = "human-task", Name = "Task 1" });
        return definition;
    }

    /// <summary>The template, filled in: a valid stream.</summary>
    private static ValueStreamDefinition Complete()
    {
        var definition = StreamTemplate.New("access", "Access");
        definition.Roles.Add(new RoleDefinition("requester", "Requester", "service-desk"));
        foreach (var step in definition.Steps.Where(s => s.Type != "end"))
            step.Roles.Add("requester");
        definition.Steps[1].Name = "Value delivered";
        definition.Steps[1].Properties["value"] = "The requester has access";
        Assert.Empty(Validator.Validate(definition).Errors);
        return definition;
    }
}
