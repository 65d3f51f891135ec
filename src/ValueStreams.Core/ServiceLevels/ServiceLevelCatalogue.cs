using System.Text.Json.Nodes;

namespace ValueStreams.Core.ServiceLevels;

/// <summary>
/// The calendars and policies the product ships (<c>ServiceLevels/Shipped</c>): around the clock and office hours,
/// and the incident policy that follows incident resolution's own targets (P1 4 hours, P2 8 hours, P3 3 working days,
/// P4 5 working days), and the service request policy (respond in 4 working hours, fulfil in 5 working days). They
/// seed the stored ones and stand in while none are stored. A shipped file that does not read is a build fault, so it fails loudly at first use.
/// </summary>
public static class ServiceLevelCatalogue
{
    private static readonly Lazy<(IReadOnlyDictionary<string, BusinessCalendar> Calendars, IReadOnlyList<ServiceLevelPolicy> Policies)> Shipped = new(Load);

    public static IReadOnlyDictionary<string, BusinessCalendar> Calendars => Shipped.Value.Calendars;
    public static IReadOnlyList<ServiceLevelPolicy> Policies => Shipped.Value.Policies;

    /// <summary>The policy records of a kind get, by the policy id its descriptor names, or null.</summary>
    public static ServiceLevelPolicy? Policy(string? id) => id is null ? null : Policies.FirstOrDefault(p => p.Id == id);

    /// <summary>The shipped calendars and policies as one set.</summary>
    public static ServiceLevelSet Set => ShippedSet.Value;

    private static readonly Lazy<ServiceLevelSet> ShippedSet = new(() => new ServiceLevelSet(Calendars.Values, Policies));

    private static (IReadOnlyDictionary<string, BusinessCalendar>, IReadOnlyList<ServiceLevelPolicy>) Load()
    {
        var calendars = new Dictionary<string, BusinessCalendar>(StringComparer.Ordinal) { [BusinessCalendar.AlwaysOpen.Id] = BusinessCalendar.AlwaysOpen };
        foreach (var node in (JsonArray)Resource("calendars"))
        {
            var (calendar, errors) = BusinessCalendarReader.Read(node as JsonObject);
            calendars.Add(calendar?.Id ?? throw Broken("calendars", errors), calendar);
        }
        var policies = new List<ServiceLevelPolicy>();
        foreach (var name in new[] { "incident", "request" })
        {
            var (policy, errors) = ServiceLevelPolicy.Read((JsonObject)Resource(name), calendars.Keys);
            policies.Add(policy ?? throw Broken(name, errors));
        }
        return (calendars, policies);
    }

    private static JsonNode Resource(string name)
    {
        using var stream = typeof(ServiceLevelCatalogue).Assembly.GetManifestResourceStream($"ValueStreams.Core.ServiceLevels.{name}.json")
            ?? throw new InvalidOperationException($"The shipped service level file '{name}.json' is missing from the build.");
        return JsonNode.Parse(stream)!;
    }

    private static InvalidOperationException Broken(string name, IReadOnlyList<ServiceLevelError> errors) =>
        new($"The shipped service level file '{name}.json' does not read: {string.Join("; ", errors.Select(e => $"{e.Path}: {e.Message}"))}");
}
