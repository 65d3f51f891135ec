using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using Blazor.Diagrams.Core.Models.Base;

namespace ValueStreams.Designer.Designer;

/// <summary>A named way out of a step (a step type's port); connections are dragged from it to another step.</summary>
public sealed class StepPortModel(StepNodeModel parent, string portName)
    : PortModel($"{parent.StepId}~{portName}", parent, PortAlignment.Right, Point.Zero, new Size(NodeGeometry.PortSize, NodeGeometry.PortSize))
{
    public string PortName { get; } = portName;

    public StepNodeModel Step => (StepNodeModel)Parent;

    /// <summary>A connection leads to another step: dropped on its body or on its inbound point.</summary>
    public override bool CanAttachTo(ILinkable other) => other switch
    {
        StepNodeModel node => node != Parent,
        StepInPortModel inbound => inbound.Parent != Parent,
        _ => false,
    };
}

/// <summary>Where connections enter a step (left edge): drawn as a target only, never dragged from.</summary>
public sealed class StepInPortModel : PortModel
{
    public StepInPortModel(StepNodeModel parent)
        : base($"{parent.StepId}~in", parent, PortAlignment.Left, Point.Zero, new Size(NodeGeometry.PortSize, NodeGeometry.PortSize))
    {
        Locked = true;
    }

    public override bool CanAttachTo(ILinkable other) => false;
}
