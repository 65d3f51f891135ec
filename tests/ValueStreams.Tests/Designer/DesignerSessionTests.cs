using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.Validation;
using ValueStreams.Designer.Designer;
using ValueStreams.Tests.Definitions;

namespace ValueStreams.Tests.Designer;

public sealed class DesignerSessionTests
{
    private static DesignerSession Open() =>
        new(ValueStreamReader.Read(CanonicalFormatTests.Sample).Definition!, canEdit: true, isNew: false,
            new ValueStreamValidator(ItilCatalogue.Default).Validate, TimeProvider.System);

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
}
