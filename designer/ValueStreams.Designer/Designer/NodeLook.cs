using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.StepTypes;

namespace ValueStreams.Designer.Designer;

/// <summary>
/// Everything a step node shows: compared as a whole, so a node is drawn again only when something it shows changed
/// (its position is not part of it; moving a node only moves it).
/// </summary>
public sealed class NodeLook : IEquatable<NodeLook>
{
    private string? _key;

    public required string StepId { get; init; }
    public required string Name { get; init; }
    public required string TypeName { get; init; }
    public required string Icon { get; init; }
    public required StepKind? Kind { get; init; }
    public required IReadOnlyList<string> Activities { get; init; }
    public required IReadOnlyList<(string Short, string Full)> Practices { get; init; }
    public required IReadOnlyList<string> Roles { get; init; }
    public required IReadOnlyList<string> Ports { get; init; }

    /// <summary>The ports a connection leaves by (drawn filled).</summary>
    public required IReadOnlySet<string> ConnectedPorts { get; init; }
    public required int Errors { get; init; }
    public required int Warnings { get; init; }
    public required bool ReadOnly { get; init; }

    public bool HasPractices => Practices.Count > 0;
    public bool HasRoles => Roles.Count > 0;
    public int PortsTop => NodeGeometry.PortsTop(HasPractices, HasRoles);
    public int Height => NodeGeometry.Height(HasPractices, HasRoles, Ports.Count);

    public static NodeLook Of(StepDefinition step, ValueStreamDefinition definition, ItilCatalogue catalogue,
        IReadOnlySet<(string From, string Port)> connected, int errors, int warnings, bool readOnly)
    {
        var type = StepTypeCatalogue.Find(step.Type);
        var ports = type?.PortsOf(step).Distinct(StringComparer.Ordinal).ToList() ?? [];
        return new NodeLook
        {
            StepId = step.Id,
            Name = step.Name.Length > 0 ? step.Name : step.Id,
            TypeName = type?.Descriptor.DisplayName ?? $"Unknown type '{step.Type}'",
            Icon = StepIcons.Svg(type?.Descriptor.Icon ?? "help"),
            Kind = type?.Descriptor.Kind,
            Activities = step.ValueChainActivities.Where(a => catalogue.FindActivity(a) is not null).Distinct().ToList(),
            Practices = step.Practices.Select(p => catalogue.FindPractice(p) is { } practice
                ? (ShortName(practice.Name), practice.Name)
                : (p, $"Unknown practice '{p}'")).ToList(),
            Roles = step.Roles.Select(r => definition.Roles.Find(d => d.Id == r)?.Name is { Length: > 0 } name ? name : r).ToList(),
            Ports = ports,
            ConnectedPorts = ports.Where(p => connected.Contains((step.Id, p))).ToHashSet(StringComparer.Ordinal),
            Errors = errors,
            Warnings = warnings,
            ReadOnly = readOnly,
        };
    }

    /// <summary>"Incident management" as "Incident": chips stay short, the full name is in the tooltip.</summary>
    public static string ShortName(string practiceName) =>
        practiceName.EndsWith(" management", StringComparison.Ordinal) ? practiceName[..^" management".Length] : practiceName;

    private string Key => _key ??= string.Join('\u001f',
        StepId, Name, TypeName, Kind?.ToString() ?? "", string.Join(',', Activities), string.Join(',', Practices.Select(p => p.Short + "=" + p.Full)),
        string.Join(',', Roles), string.Join(',', Ports), string.Join(',', ConnectedPorts.Order(StringComparer.Ordinal)), Errors, Warnings, ReadOnly);

    public bool Equals(NodeLook? other) => other is not null && Key == other.Key;

    public override bool Equals(object? obj) => Equals(obj as NodeLook);

    public override int GetHashCode() => Key.GetHashCode(StringComparison.Ordinal);
}
