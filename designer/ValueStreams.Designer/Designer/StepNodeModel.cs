using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using ValueStreams.Core.Definitions;

namespace ValueStreams.Designer.Designer;

/// <summary>
/// A step on the canvas. Its size and port positions come from <see cref="NodeGeometry"/>, so the canvas needs no
/// measuring in the browser (<see cref="NodeModel.ControlledSize"/>); <see cref="RenderVersion"/> tells the node
/// component when what it shows changed.
/// </summary>
public sealed class StepNodeModel : NodeModel
{
    private readonly List<StepPortModel> _outPorts = [];

    public StepNodeModel(NodeLook look, CanvasPosition position) : base(look.StepId, new Point(position.X, position.Y))
    {
        StepId = look.StepId;
        Look = look;
        ControlledSize = true;
        InPort = new StepInPortModel(this) { Initialized = true };
        AddPort(InPort);
        Apply(look);
    }

    public string StepId { get; }
    public NodeLook Look { get; private set; }
    public StepInPortModel InPort { get; }
    public IReadOnlyList<StepPortModel> OutPorts => _outPorts;

    /// <summary>Increases whenever <see cref="Look"/> changes; the node component draws again only then.</summary>
    public int RenderVersion { get; private set; }

    /// <summary>Where the step stands in an instance drawn on the canvas (the instance page); null on the designer.</summary>
    public RunBadge? Run { get; private set; }

    public StepPortModel? FindPort(string portName) => _outPorts.Find(p => p.PortName == portName);

    public void MarkRun(RunBadge? run)
    {
        if (run == Run)
            return;
        Run = run;
        RenderVersion++;
        Refresh();
    }

    /// <summary>Shows a new look: ports added or removed as the step's ports changed, then every port placed again.</summary>
    public void Apply(NodeLook look)
    {
        Look = look;
        foreach (var gone in _outPorts.Where(p => !look.Ports.Contains(p.PortName)).ToList())
        {
            _outPorts.Remove(gone);
            RemovePort(gone);
        }
        for (var i = 0; i < look.Ports.Count; i++)
        {
            var existing = FindPort(look.Ports[i]);
            if (existing is null)
            {
                existing = new StepPortModel(this, look.Ports[i]) { Initialized = true };
                AddPort(existing);
            }
            _outPorts.Remove(existing);
            _outPorts.Insert(i, existing);
        }
        Size = new Size(NodeGeometry.Width, look.Height);
        PlacePorts();
        RenderVersion++;
    }

    /// <summary>Puts the ports where the node component draws them (absolute canvas coordinates).</summary>
    public void PlacePorts()
    {
        var half = NodeGeometry.PortSize / 2.0;
        InPort.Position = new Point(Position.X, Position.Y + NodeGeometry.InCentre - half);
        for (var i = 0; i < _outPorts.Count; i++)
            _outPorts[i].Position = new Point(Position.X + NodeGeometry.Width - half, Position.Y + NodeGeometry.PortCentre(Look.PortsTop, i) - half);
        foreach (var port in Ports)
            port.RefreshLinks();
    }
}

/// <summary>An instance's mark on a step: its state (a CSS name), the words for it and a symbol, so it never reads by colour alone.</summary>
public sealed record RunBadge(string State, string Label, string Symbol);
