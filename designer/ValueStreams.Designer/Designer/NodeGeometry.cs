namespace ValueStreams.Designer.Designer;

/// <summary>
/// The fixed measurements of a step node, shared by the node component (CSS positions) and the diagram models
/// (port positions, sizes, layout), so the canvas never has to measure a node in the browser.
/// </summary>
public static class NodeGeometry
{
    public const int Width = 210;
    public const int Band = 6;
    public const int Head = 40;
    public const int ChipRow = 20;
    public const int PortRow = 18;
    public const int Padding = 6;
    public const int PortSize = 12;
    public const int MinHeight = 58;

    /// <summary>Where the port rows start, below the band, the name and the chip rows that are shown.</summary>
    public static int PortsTop(bool hasPractices, bool hasRoles) =>
        Band + Head + (hasPractices ? ChipRow : 0) + (hasRoles ? ChipRow : 0) + 2;

    public static int Height(bool hasPractices, bool hasRoles, int ports) =>
        Math.Max(MinHeight, PortsTop(hasPractices, hasRoles) + ports * PortRow + Padding);

    /// <summary>The vertical centre of port row <paramref name="index"/>, from the node's top.</summary>
    public static int PortCentre(int portsTop, int index) => portsTop + index * PortRow + PortRow / 2;

    /// <summary>The vertical centre of the inbound connection point: the middle of the name row.</summary>
    public const int InCentre = Band + Head / 2;
}
