using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions;
using ValueStreams.Designer.Designer;

namespace ValueStreams.Tests.Designer;

/// <summary>Finding a step by name, role or practice, and lining up a selection of steps.</summary>
public sealed class StepSearchAndAlignmentTests
{
    private static ValueStreamDefinition Stream() => new()
    {
        Id = "search",
        Roles = [new RoleDefinition("agent", "Service desk agent", "service-desk"), new RoleDefinition("owner", "Change owner", null)],
        Steps =
        [
            new StepDefinition { Id = "start", Type = "start", Name = "Incident reported", Roles = ["agent"], Position = new CanvasPosition(0, 0) },
            new StepDefinition { Id = "assess", Type = "human-task", Name = "Assess the incident", Practices = ["incident-management"], Position = new CanvasPosition(300, 200) },
            new StepDefinition { Id = "approve", Type = "human-task", Name = "Approve the change", Roles = ["owner"], Position = new CanvasPosition(600, 10) },
            new StepDefinition { Id = "notify", Type = "notify", Name = "Tell the requester", Roles = ["agent"], Position = new CanvasPosition(100, 400) },
        ],
    };

    private static IReadOnlyList<string> Found(string text) => StepSearch.Find(Stream(), ItilCatalogue.Default, text).Select(m => m.StepId).ToList();

    [Fact]
    public void A_search_finds_steps_by_part_of_their_name_in_any_case_in_reading_order()
    {
        Assert.Equal(["start", "assess"], Found("INCIDENT"));
        Assert.Equal("name", StepSearch.Find(Stream(), ItilCatalogue.Default, "assess").Single().MatchedOn);
    }

    [Fact]
    public void A_search_finds_steps_by_a_roles_name_or_id_and_by_a_practices_name()
    {
        Assert.Equal(["start", "notify"], Found("service desk agent"));
        Assert.Equal(["approve"], Found("owner"));
        var practice = ItilCatalogue.Default.FindPractice("incident-management")!.Name;
        var byPractice = StepSearch.Find(Stream(), ItilCatalogue.Default, practice.ToUpperInvariant());
        Assert.Equal([new StepMatch("assess", "Assess the incident", "practice")], byPractice);
    }

    [Fact]
    public void An_empty_search_or_one_that_matches_nothing_finds_no_step_and_a_pasted_paragraph_is_cut()
    {
        Assert.Empty(Found("   "));
        Assert.Empty(Found("nothing like this"));
        Assert.Empty(Found(new string('x', 100_000)));
    }

    [Fact]
    public void Aligning_left_puts_every_selected_step_on_the_leftmost_edge_and_leaves_the_rest_alone()
    {
        var positions = StepAlignment.Arrange(Stream(), ["assess", "approve", "notify"], StepArrangement.AlignLeft);

        Assert.Equal(3, positions.Count);
        Assert.All(positions.Values, p => Assert.Equal(100, p.X));
        Assert.Equal(200, positions["assess"].Y);
        Assert.False(positions.ContainsKey("start"));
    }

    [Fact]
    public void Aligning_top_centre_and_bottom_uses_the_box_around_the_selection()
    {
        var stream = Stream();
        var top = StepAlignment.Arrange(stream, ["start", "approve"], StepArrangement.AlignTop);
        Assert.Equal([0, 0], top.Values.Select(p => p.Y));

        var centre = StepAlignment.Arrange(stream, ["start", "approve"], StepArrangement.AlignCentre);
        Assert.Equal([300, 300], centre.Values.Select(p => p.X)); // (0 + 600 + 210) / 2 − 210 / 2

        var bottom = StepAlignment.Arrange(stream, ["start", "notify"], StepArrangement.AlignBottom);
        var notifyHeight = AutoLayout.HeightOf(stream.FindStep("notify")!);
        var startHeight = AutoLayout.HeightOf(stream.FindStep("start")!);
        Assert.Equal(400 + notifyHeight - startHeight, bottom["start"].Y);
        Assert.Equal(400, bottom["notify"].Y);
    }

    [Fact]
    public void Distributing_keeps_the_outermost_steps_and_makes_the_gaps_between_neighbours_equal()
    {
        var stream = Stream();
        stream.FindStep("assess")!.Position = new CanvasPosition(250, 200);
        var positions = StepAlignment.Arrange(stream, ["start", "assess", "approve"], StepArrangement.DistributeHorizontally);

        Assert.Equal(0, positions["start"].X);
        Assert.Equal(600, positions["approve"].X);
        Assert.Equal(300, positions["assess"].X);
        Assert.Equal(200, positions["assess"].Y);
    }

    [Fact]
    public void Too_small_a_selection_arranges_nothing()
    {
        Assert.Empty(StepAlignment.Arrange(Stream(), ["start"], StepArrangement.AlignLeft));
        Assert.Empty(StepAlignment.Arrange(Stream(), ["start", "assess"], StepArrangement.DistributeVertically));
        Assert.Empty(StepAlignment.Arrange(Stream(), ["start", "gone"], StepArrangement.AlignLeft));
    }
}
