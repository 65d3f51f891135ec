using Blazor.Diagrams.Core.Anchors;
using Blazor.Diagrams.Core.Models;
using ValueStreams.Core.Definitions;

namespace ValueStreams.Designer.Designer;

/// <summary>A connection on the canvas: from a step's port to another step. <see cref="Connection"/> is null while it is being dragged.</summary>
public sealed class StepLinkModel : LinkModel
{
    public const string DefaultColour = "#78909c";
    public const string SelectedColour = "#1f5f8b";

    /// <summary>A connection an instance took (the instance page).</summary>
    public const string TakenColour = "#1b5e20";

    public StepLinkModel(Anchor source, Anchor target) : base(source, target)
    {
        Color = DefaultColour;
        SelectedColor = SelectedColour;
        Width = 2;
        TargetMarker = LinkMarker.Arrow;
    }

    public ConnectionDefinition? Connection { get; set; }
}
