using System.Text.Json;
using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Diff;
using ValueStreams.Core.Definitions.Format;

namespace ValueStreams.Tests.Definitions;

public sealed class DiffTests
{
    private static ValueStreamDefinition Sample() => ValueStreamReader.Read(CanonicalFormatTests.Sample).Definition!;

    [Fact]
    public void Identical_definitions_have_no_differences()
    {
        var report = ValueStreamDiff.Compare(Sample(), Sample());

        Assert.True(report.IsEmpty);
        Assert.Equal("no differences\n", report.ToText());
    }

    [Fact]
    public void Reordering_steps_connections_variables_and_roles_is_not_a_change()
    {
        var after = Sample();
        after.Steps.Reverse();
        after.Connections.Reverse();
        after.Roles.Reverse();
        after.Variables.Add(new VariableDefinition("priority", "number"));
        var before = Sample();
        before.Variables.Insert(0, new VariableDefinition("priority", "number"));

        Assert.True(ValueStreamDiff.Compare(before, after).IsEmpty);
    }

    [Fact]
    public void Moving_a_step_is_reported_as_a_move_only()
    {
        var after = Sample();
        after.FindStep("reset")!.Position = new CanvasPosition(260, 40);

        var report = ValueStreamDiff.Compare(Sample(), after);

        var step = Assert.Single(report.StepsChanged);
        Assert.Equal("reset", step.StepId);
        Assert.Empty(step.Changes);
        Assert.Equal(new PositionChange(new CanvasPosition(240, 0), new CanvasPosition(260, 40)), step.Moved);
        Assert.Equal("> step reset moved (240,0) -> (260,40)\n", report.ToText());
    }

    [Fact]
    public void Top_level_field_variable_and_role_changes_are_listed_with_their_paths()
    {
        var after = Sample();
        after.Name = "Password reset v2";
        after.Description = null;
        after.Variables[0] = after.Variables[0] with { Default = JsonValue.Create(true) };
        after.Variables.Add(new VariableDefinition("ticket", "string"));
        after.Roles[1] = after.Roles[1] with { Group = "second-line-support" };
        after.Roles.RemoveAt(0);

        var report = ValueStreamDiff.Compare(Sample(), after);

        Assert.Equal(
        [
            new FieldChange("name", "\"Password reset\"", "\"Password reset v2\""),
            new FieldChange("description", "\"A user who cannot sign in gets a new password.\"", null),
            new FieldChange("variables.ticket", null, "string"),
            new FieldChange("variables.urgent.default", "false", "true"),
            new FieldChange("roles.user", "\"User\"", null),
            new FieldChange("roles.service-desk-agent.group", "service-desk", "second-line-support"),
        ], report.Fields);
        Assert.Empty(report.StepsChanged);
        Assert.Empty(report.StepsAdded);
    }

    [Fact]
    public void Step_changes_cover_common_fields_and_each_type_property()
    {
        var after = Sample();
        var reset = after.FindStep("reset")!;
        reset.Practices.Add("incident-management");
        reset.Name = "Reset it";
        reset.Properties["title"] = "Reset password";
        reset.Properties["priority"] = 2;
        reset.Properties.Remove("group");
        ((JsonArray)reset.Properties["outcomes"]!)[1]!["label"] = "Declined";

        var report = ValueStreamDiff.Compare(Sample(), after);

        var step = Assert.Single(report.StepsChanged);
        Assert.Equal("reset", step.StepId);
        Assert.Null(step.Moved);
        Assert.Equal(["name", "practices", "title", "group", "priority", "outcomes"], step.Changes.Select(c => c.Path));
        Assert.Equal(
            new FieldChange("practices", "[service-desk, service-request-management]", "[service-desk, service-request-management, incident-management]"),
            step.Changes[1]);
        Assert.Equal(new FieldChange("group", "\"service-desk\"", null), step.Changes[3]);
        Assert.Equal(new FieldChange("priority", null, "2"), step.Changes[4]);
        Assert.Contains("\"Declined\"", step.Changes[5].After);
    }

    [Fact]
    public void Steps_and_connections_added_and_removed_are_listed_by_id_and_by_from_port_to()
    {
        var after = Sample();
        after.Steps.RemoveAll(s => s.Id == "working");
        after.Connections.RemoveAll(c => c.From == "working" || c.To == "working");
        after.Steps.Add(new StepDefinition { Id = "escalate", Type = "human-task", Name = "Escalate", Position = new CanvasPosition(480, 120) });
        after.Connections.Add(new ConnectionDefinition("reset", "escalate", "refused"));
        after.Connections.Add(new ConnectionDefinition("escalate", "done"));
        after.Connections.RemoveAll(c => c is { From: "reset", Port: "refused", To: "done" });

        var report = ValueStreamDiff.Compare(Sample(), after);

        Assert.Equal([new StepSummary("escalate", "human-task")], report.StepsAdded);
        Assert.Equal([new StepSummary("working", "milestone")], report.StepsRemoved);
        Assert.Equal(["reset:refused -> escalate", "escalate -> done"], report.ConnectionsAdded);
        Assert.Equal(["reset:reset -> working", "reset:refused -> done", "working -> done"], report.ConnectionsRemoved);
        Assert.Empty(report.StepsChanged);
        Assert.Empty(report.Fields);
    }

    [Fact]
    public void The_text_summary_has_one_line_per_change_in_a_fixed_order()
    {
        var after = Sample();
        after.Name = "Password reset v2";
        after.Steps.Add(new StepDefinition { Id = "escalate", Type = "human-task", Name = "Escalate" });
        after.Steps.RemoveAll(s => s.Id == "working");
        after.FindStep("reset")!.Practices.Add("incident-management");
        after.FindStep("reset")!.Position = new CanvasPosition(260, 40);
        after.Connections.Add(new ConnectionDefinition("escalate", "done"));
        after.Connections.RemoveAll(c => c.From == "working");

        var text = ValueStreamDiff.Compare(Sample(), after).ToText();

        Assert.Equal("""
            ~ name: "Password reset" -> "Password reset v2"
            + step escalate (human-task)
            - step working (milestone)
            ~ step reset: practices [service-desk, service-request-management] -> [service-desk, service-request-management, incident-management]
            > step reset moved (240,0) -> (260,40)
            + connection escalate -> done
            - connection working -> done

            """, text);
    }

    [Fact]
    public void Long_values_are_shortened_for_showing_but_compared_in_full()
    {
        var before = Sample();
        var after = Sample();
        before.Description = new string('a', 200) + "1";
        after.Description = new string('a', 200) + "2";

        var change = Assert.Single(ValueStreamDiff.Compare(before, after).Fields);

        Assert.Equal("description", change.Path);
        Assert.Equal(80, change.Before!.Length);
        Assert.EndsWith("…", change.Before);
    }

    [Fact]
    public void The_report_serialises_to_camel_case_json()
    {
        var after = Sample();
        after.FindStep("reset")!.Position = new CanvasPosition(1, 2);

        var json = JsonSerializer.SerializeToElement(ValueStreamDiff.Compare(Sample(), after), JsonSerializerOptions.Web);

        Assert.False(json.GetProperty("isEmpty").GetBoolean());
        var moved = json.GetProperty("stepsChanged")[0].GetProperty("moved");
        Assert.Equal(240, moved.GetProperty("before").GetProperty("x").GetInt32());
        Assert.Equal(2, moved.GetProperty("after").GetProperty("y").GetInt32());
    }
}
