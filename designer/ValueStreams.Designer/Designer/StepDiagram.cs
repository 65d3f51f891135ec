using Blazor.Diagrams;
using Blazor.Diagrams.Core.Anchors;
using Blazor.Diagrams.Core.Behaviors;
using Blazor.Diagrams.Core.Geometry;
using Blazor.Diagrams.Core.Models;
using Blazor.Diagrams.Core.Models.Base;
using Blazor.Diagrams.Options;
using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.StepTypes;

namespace ValueStreams.Designer.Designer;

/// <summary>
/// The canvas's models kept in step with a value stream definition. <see cref="Sync"/> compares the definition with
/// what is drawn and touches only the nodes and links that differ, so an edit to one step redraws one node, however
/// large the stream. What the user does on the canvas (move, connect, select, delete) comes out as events for the
/// session to apply to the definition.
/// </summary>
public sealed class StepDiagram
{
    private readonly ItilCatalogue _catalogue;
    private readonly Dictionary<string, StepNodeModel> _nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<ConnectionKey, StepLinkModel> _links = [];
    private bool _readOnly;
    private bool _syncing;
    private string? _selectedStep;
    private ConnectionKey? _selectedConnection;
    private int _selectedSteps;

    public StepDiagram(ItilCatalogue catalogue, bool readOnly)
    {
        _catalogue = catalogue;
        _readOnly = readOnly;
        var options = new BlazorDiagramOptions
        {
            AllowMultiSelection = true,
            Virtualization = { Enabled = false, OnNodes = true, OnLinks = false },
            Zoom = { Minimum = 0.1, Maximum = 2, ScaleFactor = 1.1 },
            Links =
            {
                RequireTarget = true,
                EnableSnapping = false,
                Factory = (_, source, target) => !_readOnly && source is StepPortModel port
                    ? new StepLinkModel(new SinglePortAnchor(port) { MiddleIfNoMarker = false }, target)
                    : null,
            },
        };
        Diagram = new BlazorDiagram(options);
        Diagram.RegisterComponent<StepNodeModel, StepNodeWidget>();

        var shortcuts = Diagram.GetBehavior<KeyboardShortcutsBehavior>()!;
        shortcuts.RemoveShortcut("Delete", false, false, false);
        shortcuts.RemoveShortcut("g", true, false, true);

        Diagram.SelectionChanged += _ => OnSelectionChanged();
        // The library measures a link only once it is drawn: a connection is in view when the box between its ends is.
        Diagram.PanChanged += ShowLinksInView;
        Diagram.ZoomChanged += ShowLinksInView;
        Diagram.ContainerChanged += ShowLinksInView;
        Diagram.Links.Added += OnLinkAdded;
    }

    public BlazorDiagram Diagram { get; }

    /// <summary>
    /// From this many steps the canvas draws only what is in view (and a little around it): opening a stream of a
    /// thousand steps then costs about what a small one does, and a pan draws the steps it brings in. Smaller streams are
    /// drawn whole.
    /// </summary>
    public const int DrawInViewFrom = 100;

    /// <summary>Whether the canvas draws only the steps in view (see <see cref="DrawInViewFrom"/>).</summary>
    public bool DrawsInView => Diagram.Options.Virtualization.Enabled;

    /// <summary>A step was dragged to a new place (whole pixels).</summary>
    public event Action<string, CanvasPosition>? StepMoved;

    /// <summary>A connection was drawn from a port to a step.</summary>
    public event Action<ConnectionDefinition>? ConnectionDrawn;

    /// <summary>The selection changed: the first selected step (or null) and the selected connection (or null).</summary>
    public event Action<string?, ConnectionKey?>? SelectionChanged;

    /// <summary>How many steps are selected changed (to align or distribute them, several must be).</summary>
    public event Action<int>? SelectedStepCountChanged;

    public int SelectedStepCount => _selectedSteps;

    public IReadOnlyCollection<StepNodeModel> Nodes => _nodes.Values;

    public StepNodeModel? FindNode(string stepId) => _nodes.GetValueOrDefault(stepId);

    /// <summary>The selected steps and connections, for deleting them.</summary>
    public (IReadOnlyList<string> Steps, IReadOnlyList<ConnectionKey> Connections) Selection() =>
        (Diagram.GetSelectedModels().OfType<StepNodeModel>().Select(n => n.StepId).ToList(),
         Diagram.GetSelectedModels().OfType<StepLinkModel>().Where(l => l.Connection is not null).Select(l => ConnectionKey.Of(l.Connection!)).ToList());

    /// <summary>Brings the canvas in line with the definition, touching only what differs.</summary>
    public void Sync(ValueStreamDefinition definition, IssueIndex issues, bool readOnly)
    {
        _readOnly = readOnly;
        _syncing = true;
        Diagram.SuspendRefresh = true;
        bool structural;
        try
        {
            structural = SyncModels(definition, issues);
        }
        finally
        {
            Diagram.SuspendRefresh = false;
            _syncing = false;
        }
        // Only an added or removed node or link needs the canvas itself drawn again; changed nodes redraw on their own.
        if (structural)
            Diagram.Refresh();
    }

    /// <summary>Returns whether nodes or links were added or removed.</summary>
    private bool SyncModels(ValueStreamDefinition definition, IssueIndex issues)
    {
        var structural = false;
        // Until the canvas knows its size nothing is known to be in view: a large stream's first draw waits for it.
        if (!DrawsInView && definition.Steps.Count >= DrawInViewFrom)
            Diagram.Options.Virtualization.Enabled = true;
        var hiddenUntilPlaced = DrawsInView && Diagram.Container is null;
        var connected = definition.Connections.Select(c => (c.From, c.Port)).ToHashSet();
        var looks = new Dictionary<string, (StepDefinition Step, NodeLook Look)>(StringComparer.Ordinal);
        for (var i = 0; i < definition.Steps.Count; i++)
        {
            var step = definition.Steps[i];
            if (step.Id.Length > 0 && !looks.ContainsKey(step.Id))
                looks[step.Id] = (step, NodeLook.Of(step, definition, _catalogue, connected, issues.ErrorsOfStep(i), issues.WarningsOfStep(i), _readOnly));
        }

        var wanted = new Dictionary<ConnectionKey, ConnectionDefinition>();
        foreach (var connection in definition.Connections)
            if (looks.TryGetValue(connection.From, out var from) && looks.ContainsKey(connection.To) && from.Look.Ports.Contains(connection.Port))
                wanted.TryAdd(ConnectionKey.Of(connection), connection);

        foreach (var (key, link) in _links.Where(l => !wanted.ContainsKey(l.Key)).ToList())
        {
            _links.Remove(key);
            Diagram.Links.Remove(link);
            structural = true;
        }

        foreach (var (id, node) in _nodes.Where(n => !looks.ContainsKey(n.Key)).ToList())
        {
            _nodes.Remove(id);
            Diagram.Nodes.Remove(node);
            structural = true;
        }

        foreach (var (id, (step, look)) in looks)
        {
            if (_nodes.TryGetValue(id, out var node))
            {
                if (node.Position.X != step.Position.X || node.Position.Y != step.Position.Y)
                    node.SetPosition(step.Position.X, step.Position.Y);
                if (!node.Look.Equals(look))
                {
                    node.Apply(look);
                    node.Locked = _readOnly;
                    node.Refresh();
                }
            }
            else
            {
                node = new StepNodeModel(look, step.Position) { Locked = _readOnly, Visible = !hiddenUntilPlaced };
                node.Moved += OnNodeMoved;
                _nodes[id] = node;
                Diagram.Nodes.Add(node);
                structural = true;
            }
        }

        foreach (var (key, connection) in wanted)
        {
            if (_links.ContainsKey(key))
                continue;
            var source = _nodes[key.From].FindPort(key.Port)!;
            var link = new StepLinkModel(new SinglePortAnchor(source) { MiddleIfNoMarker = false }, new SinglePortAnchor(_nodes[key.To].InPort))
            {
                Connection = connection,
                Locked = _readOnly,
                Visible = !hiddenUntilPlaced,
            };
            _links[key] = link;
            Diagram.Links.Add(link);
            structural = true;
        }
        return structural;
    }

    /// <summary>
    /// Draws an instance's run on the canvas: a badge on each step with a mark, and on each connection taken its count,
    /// in a stronger colour. Connections not taken keep their plain look.
    /// </summary>
    public void ShowRun(IReadOnlyDictionary<string, RunBadge> steps, IReadOnlyDictionary<ConnectionKey, int> taken)
    {
        foreach (var (id, node) in _nodes)
            node.MarkRun(steps.GetValueOrDefault(id));
        foreach (var (key, link) in _links)
        {
            link.Labels.Clear();
            if (taken.TryGetValue(key, out var count))
            {
                link.Color = StepLinkModel.TakenColour;
                link.Width = 3;
                link.Labels.Add(new LinkLabelModel(link, count == 1 ? "1×" : $"{count}×"));
            }
            else
            {
                link.Color = StepLinkModel.DefaultColour;
                link.Width = 2;
            }
            link.Refresh();
        }
    }

    /// <summary>Selects one step (or nothing), as when an issue or a search names it.</summary>
    public void Select(string? stepId)
    {
        if (stepId is null)
        {
            Diagram.UnselectAll();
            return;
        }
        if (_nodes.TryGetValue(stepId, out var node))
            Diagram.SelectModel(node, unselectOthers: true);
    }

    /// <summary>Pans (keeping the zoom) so that the step is in the middle of the canvas.</summary>
    public void CenterOn(string stepId)
    {
        if (_nodes.TryGetValue(stepId, out var node))
            CenterOn(node.Position.X + NodeGeometry.Width / 2.0, node.Position.Y + node.Look.Height / 2.0);
    }

    /// <summary>Pans (keeping the zoom) so that a point of the canvas is in its middle.</summary>
    public void CenterOn(double x, double y)
    {
        if (Diagram.Container is { } container)
            Diagram.SetPan(container.Width / 2 - x * Diagram.Zoom, container.Height / 2 - y * Diagram.Zoom);
    }

    /// <summary>Pans as little as needed (keeping the zoom) for the whole step to show, with a margin.</summary>
    public void EnsureVisible(string stepId, double margin = 40)
    {
        if (Diagram.Container is not { } container || !_nodes.TryGetValue(stepId, out var node))
            return;
        var zoom = Diagram.Zoom;
        var left = node.Position.X * zoom + Diagram.Pan.X;
        var top = node.Position.Y * zoom + Diagram.Pan.Y;
        var right = left + NodeGeometry.Width * zoom;
        var bottom = top + node.Look.Height * zoom;
        var dx = right + margin > container.Width ? container.Width - margin - right : left < margin ? margin - left : 0;
        var dy = bottom + margin > container.Height ? container.Height - margin - bottom : top < margin ? margin - top : 0;
        if (dx != 0 || dy != 0)
            Diagram.UpdatePan(dx, dy);
    }

    /// <summary>The smallest zoom at which a step's name and chips still read; fitting never goes below it.</summary>
    public const double ReadableZoom = 0.8;

    /// <summary>
    /// Zooms and pans so every step shows, between <paramref name="minimumZoom"/> (by default <see cref="ReadableZoom"/>)
    /// and 100 %. A stream too large for that is not shrunk further: the view starts at its start step (its left edge,
    /// the start's row in the middle). A read-only overview may allow a smaller zoom.
    /// </summary>
    public void Fit(double minimumZoom = ReadableZoom, double margin = 40)
    {
        if (Diagram.Container is not { } container || _nodes.Count == 0)
            return;
        var left = _nodes.Values.Min(n => n.Position.X) - margin;
        var top = _nodes.Values.Min(n => n.Position.Y) - margin;
        var right = _nodes.Values.Max(n => n.Position.X + NodeGeometry.Width) + margin;
        var bottom = _nodes.Values.Max(n => n.Position.Y + n.Look.Height) + margin;
        var zoom = Math.Clamp(Math.Min(container.Width / (right - left), container.Height / (bottom - top)), minimumZoom, 1);
        var start = _nodes.Values.FirstOrDefault(n => n.Look.Kind == StepKind.Demand);
        Diagram.Batch(() =>
        {
            Diagram.SetZoom(zoom);
            var panX = (right - left) * zoom <= container.Width ? (container.Width - (right - left) * zoom) / 2 - left * zoom
                : -(start is null ? left : Math.Max(left, start.Position.X - margin)) * zoom;
            var panY = (bottom - top) * zoom <= container.Height ? (container.Height - (bottom - top) * zoom) / 2 - top * zoom
                : start is null ? -top * zoom
                : Math.Min(-top * zoom, container.Height / 2 - (start.Position.Y + start.Look.Height / 2.0) * zoom);
            Diagram.SetPan(panX, panY);
        });
    }

    /// <summary>The point of the canvas under a screen position (e.g. where a palette item was dropped).</summary>
    public CanvasPosition? CanvasPoint(double clientX, double clientY)
    {
        if (Diagram.Container is null)
            return null;
        var point = Diagram.GetRelativeMousePoint(clientX, clientY);
        return new CanvasPosition((int)Math.Round(point.X), (int)Math.Round(point.Y));
    }

    /// <summary>The middle of what the canvas shows now, in canvas coordinates.</summary>
    public CanvasPosition? VisibleCentre()
    {
        if (Diagram.Container is not { } container)
            return null;
        return new CanvasPosition(
            (int)Math.Round((container.Width / 2 - Diagram.Pan.X) / Diagram.Zoom),
            (int)Math.Round((container.Height / 2 - Diagram.Pan.Y) / Diagram.Zoom));
    }

    /// <summary>Room around the box between a connection's ends for its curve, in canvas pixels.</summary>
    private const double CurveRoom = 80;

    private void ShowLinksInView()
    {
        if (!DrawsInView || Diagram.Container is not { } container)
            return;
        var zoom = Diagram.Zoom;
        var (left, top) = ((-Diagram.Pan.X) / zoom - CurveRoom, (-Diagram.Pan.Y) / zoom - CurveRoom);
        var (right, bottom) = (left + container.Width / zoom + 2 * CurveRoom, top + container.Height / zoom + 2 * CurveRoom);
        foreach (var link in _links.Values)
        {
            if (link.Source.Model is not PortModel from || link.Target.Model is not PortModel to)
                continue;
            var visible = Math.Max(from.Position.X, to.Position.X) > left && Math.Min(from.Position.X, to.Position.X) < right
                          && Math.Max(from.Position.Y, to.Position.Y) > top && Math.Min(from.Position.Y, to.Position.Y) < bottom;
            if (link.Visible != visible)
                link.Visible = visible;
        }
    }

    private void OnNodeMoved(MovableModel model)
    {
        if (model is not StepNodeModel node)
            return;
        var position = new CanvasPosition((int)Math.Round(node.Position.X), (int)Math.Round(node.Position.Y));
        if (position.X != node.Position.X || position.Y != node.Position.Y)
            node.SetPosition(position.X, position.Y);
        StepMoved?.Invoke(node.StepId, position);
    }

    private void OnLinkAdded(BaseLinkModel link)
    {
        if (_syncing || link is not StepLinkModel drawn || drawn.Connection is not null)
            return;
        drawn.TargetAttached += OnTargetAttached;
    }

    /// <summary>
    /// A dragged link was dropped on a step: it becomes the canvas link of the new connection (anchored at the step's
    /// inbound point), and the session adds the connection; a drop on the step it started from is dropped.
    /// </summary>
    private void OnTargetAttached(BaseLinkModel link)
    {
        var drawn = (StepLinkModel)link;
        drawn.TargetAttached -= OnTargetAttached;
        var source = drawn.Source.Model as StepPortModel;
        var target = drawn.Target.Model switch
        {
            StepNodeModel node => node,
            StepInPortModel inbound => (StepNodeModel)inbound.Parent,
            _ => null,
        };
        // Nothing enters the start: the demand is where a stream begins.
        if (source is null || target is null || target == source.Parent || target.Look.Kind == StepKind.Demand)
        {
            Diagram.Links.Remove(drawn);
            return;
        }

        var connection = new ConnectionDefinition(source.Step.StepId, target.StepId, source.PortName);
        var key = ConnectionKey.Of(connection);
        if (_links.ContainsKey(key))
        {
            Diagram.Links.Remove(drawn);
            return;
        }
        drawn.SetTarget(new SinglePortAnchor(target.InPort));
        drawn.Connection = connection;
        _links[key] = drawn;
        ConnectionDrawn?.Invoke(connection);
    }

    private void OnSelectionChanged()
    {
        var count = Diagram.GetSelectedModels().OfType<StepNodeModel>().Count();
        if (count != _selectedSteps)
        {
            _selectedSteps = count;
            SelectedStepCountChanged?.Invoke(count);
        }
        var step = Diagram.GetSelectedModels().OfType<StepNodeModel>().FirstOrDefault()?.StepId;
        var link = Diagram.GetSelectedModels().OfType<StepLinkModel>().FirstOrDefault(l => l.Connection is not null)?.Connection;
        ConnectionKey? connection = link is null ? null : ConnectionKey.Of(link);
        if (step == _selectedStep && connection == _selectedConnection)
            return;
        _selectedStep = step;
        _selectedConnection = connection;
        SelectionChanged?.Invoke(step, connection);
    }
}
