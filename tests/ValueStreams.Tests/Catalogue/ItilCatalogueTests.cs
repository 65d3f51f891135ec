using System.Text;
using ValueStreams.Core.Catalogue;

namespace ValueStreams.Tests.Catalogue;

public sealed class ItilCatalogueTests
{
    private readonly ItilCatalogue _catalogue = ItilCatalogue.Default;

    [Fact]
    public void The_shipped_catalogue_has_the_six_value_chain_activities_in_book_order()
    {
        Assert.Equal(
            ["plan", "improve", "engage", "design-and-transition", "obtain-build", "deliver-and-support"],
            _catalogue.ValueChainActivities.Select(a => a.Id));
        Assert.All(_catalogue.ValueChainActivities, a => Assert.False(string.IsNullOrWhiteSpace(a.Purpose)));
    }

    [Fact]
    public void The_shipped_catalogue_has_34_practices_in_three_groups()
    {
        Assert.Equal(34, _catalogue.Practices.Count);
        Assert.Equal(34, _catalogue.Practices.Select(p => p.Id).Distinct().Count());
        var byGroup = _catalogue.Practices.GroupBy(p => p.Group).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(14, byGroup["general"]);
        Assert.Equal(17, byGroup["service"]);
        Assert.Equal(3, byGroup["technical"]);
    }

    [Fact]
    public void Every_practice_rates_every_activity_from_0_to_3_or_leaves_it_unrated()
    {
        foreach (var practice in _catalogue.Practices)
        {
            Assert.Equal(_catalogue.ValueChainActivities.Select(a => a.Id).Order(), practice.Heat.Keys.Order());
            Assert.All(practice.Heat.Values, heat => Assert.True(heat is null or >= 0 and <= 3, $"{practice.Id}: {heat}"));
        }
    }

    [Fact]
    public void Incident_management_contributes_most_to_deliver_and_support()
    {
        var incident = _catalogue.FindPractice("incident-management");

        Assert.NotNull(incident);
        Assert.Equal("Incident management", incident.Name);
        Assert.Equal(3, incident.HeatFor("deliver-and-support"));
        Assert.Contains("deliver-and-support", incident.Contributes);
    }

    [Fact]
    public void An_unrated_heat_reads_as_zero()
    {
        var release = _catalogue.FindPractice("release-management")!;

        Assert.Null(release.Heat["deliver-and-support"]);
        Assert.Equal(0, release.HeatFor("deliver-and-support"));
    }

    [Fact]
    public void Unknown_ids_are_not_found()
    {
        Assert.Null(_catalogue.FindPractice("incident-mgmt"));
        Assert.Null(_catalogue.FindActivity("deliver"));
    }

    [Fact]
    public void A_catalogue_whose_practice_names_an_unknown_group_is_refused()
    {
        const string json = """
            {"valueChainActivities":[{"id":"plan","name":"Plan","section":"4.5.1","purpose":"p","inputs":[],"outputs":[]}],
             "practiceGroups":[{"id":"general","name":"General","count":1}],
             "practices":[{"id":"x","name":"X","group":"mystery","section":"5","purpose":"p","heat":{"plan":1},"contributes":[],"records":[],"metrics":[]}]}
            """;

        var error = Assert.Throws<InvalidDataException>(() => ItilCatalogue.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json))));
        Assert.Contains("unknown group 'mystery'", error.Message);
    }
}
