using System.Text.Json.Nodes;
using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.Validation;
using ValueStreams.Designer.Designer;
using ValueStreams.Tests.Definitions;

namespace ValueStreams.Tests.Designer;

public sealed class DesignerSessionTests
{
    private static DesignerSession Open() => OpenText(CanonicalFormatTests.Sample);

    [Fact]
    public void Pasting_copied_steps_adds_new_ids_beside_them_with_the_connections_between_them()
    {
        var session = Open();
        var clipboard = session.Copy(["reset", "working"]);

        var pasted = session.Paste(clipboard);

        Assert.Equal(["reset-2", "working-2"], pasted);
        var copy = session.Definition.FindStep("reset-2")!;
        var original = session.Definition.FindStep("reset")!;
        Assert.Equal(original.Name, copy.Name);
        Assert.Equal(original.Practices, copy.Practices);
        Assert.Equal(original.Position.X + 40, copy.Position.X);
        Assert.Equal(original.Position.Y + 40, copy.Position.Y);
        Assert.Contains(session.Definition.Connections, c => c is { From: "reset-2", Port: "reset", To: "working-2" });
        // Connections to steps outside the copy are not pasted.
        Assert.DoesNotContain(session.Definition.Connections, c => c.From == "reset-2" && c.Port == "refused");
    }

    [Fact]
    public void A_paste_is_one_undo_step_and_leaves_the_clipboard_independent_of_later_edits()
    {
        var session = Open();
        var before = session.CanonicalText;
        var clipboard = session.Copy(["reset"]);
        session.Definition.FindStep("reset")!.Name = "Changed after copying";

        session.Paste(clipboard);
        Assert.Equal("Reset the password", session.Definition.FindStep("reset-2")!.Name);

        session.Undo();
        Assert.Null(session.Definition.FindStep("reset-2"));
        Assert.Equal(before, session.CanonicalText);
    }

    [Fact]
    public void Renaming_an_outcome_moves_its_connection_to_the_new_port_in_one_undo_step()
    {
        var session = Open();
        var before = session.CanonicalText;

        session.EditStep("reset", "steps[1].outcomes[1].id", d => Outcome(d, 1)["id"] = "declined");

        Assert.Contains(session.Definition.Connections, c => c is { From: "reset", Port: "declined", To: "done" });
        Assert.DoesNotContain(session.Definition.Connections, c => c.Port == "refused");
        Assert.Contains(session.Definition.Connections, c => c is { From: "reset", Port: "reset", To: "working" });
        session.Undo();
        Assert.Equal(before, session.CanonicalText);
    }

    [Fact]
    public void Removing_an_outcome_removes_the_connection_that_left_by_it()
    {
        var session = Open();

        session.EditStep("reset", "steps[1].outcomes-", d => ((JsonArray)d.FindStep("reset")!.Properties["outcomes"]!).RemoveAt(1));

        Assert.DoesNotContain(session.Definition.Connections, c => c.From == "reset" && c.Port == "refused");
        Assert.Equal(4 - 1, session.Definition.Connections.Count);
    }

    [Fact]
    public void A_fork_branch_renamed_keeps_its_connection_and_a_branch_removed_takes_its_connection()
    {
        var session = OpenText("""
            {"id":"f","name":"F","steps":[
              {"id":"s","type":"start","name":"S","trigger":"manual","position":{"x":0,"y":0}},
              {"id":"fork","type":"fork","name":"Fork","branches":["a","b","c"],"position":{"x":240,"y":0}},
              {"id":"e","type":"end","name":"E","position":{"x":480,"y":0}}],
             "connections":[{"from":"s","to":"fork"},{"from":"fork","port":"a","to":"e"},{"from":"fork","port":"b","to":"e"},{"from":"fork","port":"c","to":"e"}]}
            """);
        JsonArray Branches(ValueStreamDefinition d) => (JsonArray)d.FindStep("fork")!.Properties["branches"]!;

        session.EditStep("fork", "rename", d => Branches(d)[1] = "b2");
        session.EditStep("fork", "remove", d => Branches(d).RemoveAt(2));

        Assert.Equal(["s:done", "fork:a", "fork:b2"], session.Definition.Connections.Select(c => $"{c.From}:{c.Port}"));
    }

    [Fact]
    public void A_condition_renamed_to_a_port_the_decision_has_already_leaves_that_port_its_own_connection()
    {
        var session = OpenText("""
            {"id":"d","name":"D","steps":[
              {"id":"pick","type":"decision","name":"Pick","conditions":[{"port":"yes","expression":"true"},{"port":"maybe","expression":"false"}],"defaultPort":"no","position":{"x":0,"y":0}},
              {"id":"e1","type":"end","name":"E1","position":{"x":240,"y":0}},
              {"id":"e2","type":"end","name":"E2","position":{"x":240,"y":200}},
              {"id":"e3","type":"end","name":"E3","position":{"x":240,"y":400}}],
             "connections":[{"from":"pick","port":"yes","to":"e1"},{"from":"pick","port":"no","to":"e2"},{"from":"pick","port":"maybe","to":"e3"}]}
            """);
        JsonObject Condition(ValueStreamDefinition d, int i) => (JsonObject)d.FindStep("pick")!.Properties["conditions"]![i]!;

        // "yes" becomes the default port's name: "no" keeps its one connection, the one of "yes" goes.
        session.EditStep("pick", "a", d => Condition(d, 0)["port"] = "no");
        Assert.Equal(["no->e2", "maybe->e3"], session.Definition.Connections.Select(c => $"{c.Port}->{c.To}"));

        // The default port renamed while a condition still names "no": no port went, so no connection moves.
        session.EditStep("pick", "b", d => d.FindStep("pick")!.Properties["defaultPort"] = "otherwise");
        Assert.Equal(["no->e2", "maybe->e3"], session.Definition.Connections.Select(c => $"{c.Port}->{c.To}"));
    }

    [Fact]
    public void A_session_opened_with_its_stored_text_is_clean_and_an_undo_comes_back_to_exactly_that_text()
    {
        var stored = ValueStreamWriter.Write(ValueStreamReader.Read(CanonicalFormatTests.Sample).Definition!);
        var session = new DesignerSession(ValueStreamReader.Read(stored).Definition!, canEdit: true, isNew: false,
            new ValueStreamValidator(ItilCatalogue.Default).Validate, TimeProvider.System, canonicalText: stored);

        Assert.False(session.IsDirty);
        session.Move("reset", new CanvasPosition(999, 999));
        Assert.True(session.IsDirty);
        session.Undo();
        Assert.False(session.IsDirty);
        Assert.Equal(stored, session.CanonicalText);
        Assert.Equal(stored, ValueStreamWriter.Write(session.Definition));
    }

    private static JsonObject Outcome(ValueStreamDefinition d, int index) =>
        (JsonObject)d.FindStep("reset")!.Properties["outcomes"]![index]!;

    private static DesignerSession OpenText(string json) =>
        new(ValueStreamReader.Read(json).Definition!, canEdit: true, isNew: false,
            new ValueStreamValidator(ItilCatalogue.Default).Validate, TimeProvider.System);
}
