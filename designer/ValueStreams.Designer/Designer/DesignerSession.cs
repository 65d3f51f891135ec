using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.StepTypes;
using ValueStreams.Core.Definitions.Validation;

namespace ValueStreams.Designer.Designer;

/// <summary>
/// One value stream being edited: the definition (the single source the canvas and the panels show), undo and redo
/// as snapshots of its canonical text, the selection and the latest validation. Every change goes through
/// <see cref="Edit"/>, so each is undoable; edits with the same key in quick succession (typing in one field) make one
/// undo step.
/// </summary>
public sealed class DesignerSession
{
    public const int MaxUndo = 200;
    private static readonly TimeSpan CoalesceWindow = TimeSpan.FromSeconds(1.5);

    private readonly Func<ValueStreamDefinition, ValidationReport> _validate;
    private readonly TimeProvider _clock;
    private readonly LinkedList<string> _undo = new();
    private readonly Stack<string> _redo = new();
    private string _current;
    private string? _saved;
    private string? _lastKey;
    private DateTimeOffset _lastAt;

    /// <param name="canonicalText">The definition's canonical file text when the caller has it (a stored revision is stored
    /// canonical): writing a large stream again only to compare it costs more than reading it did.</param>
    public DesignerSession(ValueStreamDefinition definition, bool canEdit, bool isNew, Func<ValueStreamDefinition, ValidationReport> validate, TimeProvider clock,
        string? canonicalText = null)
    {
        Definition = definition;
        CanEdit = canEdit;
        IsNew = isNew;
        _validate = validate;
        _clock = clock;
        var placed = definition.Steps.Any(s => !s.HasPosition);
        if (placed)
            PlaceUnplaced(definition);
        _current = placed || canonicalText is null ? ValueStreamWriter.Write(definition) : canonicalText;
        _saved = isNew ? null : _current;
        Issues = new IssueIndex(validate(definition));
    }

    public ValueStreamDefinition Definition { get; private set; }
    public bool CanEdit { get; }

    /// <summary>True until the stream is first saved: it exists only in this editor.</summary>
    public bool IsNew { get; private set; }

    public bool IsDirty => _current != _saved;
    public bool CanUndo => _undo.Count > 0;
    public bool CanRedo => _redo.Count > 0;
    public string CanonicalText => _current;
    public IssueIndex Issues { get; private set; }

    /// <summary>True when the definition changed since the last validation.</summary>
    public bool ValidationPending { get; private set; }

    /// <summary>
    /// Errors the server gave on the last save or publish (they can differ from the live check, e.g. an id clash), while
    /// the stream is as it was then; any change (an undo too) makes them the next save's to tell.
    /// </summary>
    public IReadOnlyList<DefinitionIssue> ServerErrors => _current == _refused ? _serverErrors : [];

    private IReadOnlyList<DefinitionIssue> _serverErrors = [];
    private string? _refused;

    public string? SelectedStepId { get; private set; }
    public ConnectionKey? SelectedConnection { get; private set; }

    public StepDefinition? SelectedStep => SelectedStepId is null ? null : Definition.FindStep(SelectedStepId);
    public int SelectedStepIndex => SelectedStepId is null ? -1 : Definition.Steps.FindIndex(s => s.Id == SelectedStepId);

    /// <summary>The definition changed (an edit, undo, redo or a reload).</summary>
    public event Action? Changed;

    public event Action? SelectionChanged;

    /// <summary>New validation results (or server errors) are in.</summary>
    public event Action? Validated;

    /// <summary>Applies a change to the definition as one undoable step; <paramref name="key"/> groups quick successive edits of one field.</summary>
    public void Edit(string key, Action<ValueStreamDefinition> change, TimeSpan? coalesceWithin = null)
    {
        if (!CanEdit)
            return;
        change(Definition);
        var text = ValueStreamWriter.Write(Definition);
        if (text == _current)
            return;
        var now = _clock.GetUtcNow();
        if (!(key == _lastKey && now - _lastAt < (coalesceWithin ?? CoalesceWindow)))
        {
            _undo.AddLast(_current);
            if (_undo.Count > MaxUndo)
                _undo.RemoveFirst();
        }
        _redo.Clear();
        _current = text;
        _lastKey = key;
        _lastAt = now;
        ValidationPending = true;
        Changed?.Invoke();
    }

    public void Undo()
    {
        if (!CanEdit || _undo.Count == 0)
            return;
        _redo.Push(_current);
        var previous = _undo.Last!.Value;
        _undo.RemoveLast();
        Restore(previous);
    }

    public void Redo()
    {
        if (!CanEdit || _redo.Count == 0)
            return;
        _undo.AddLast(_current);
        Restore(_redo.Pop());
    }

    /// <summary>Replaces what is edited with content from the server (a restored version, say), keeping the undo history.</summary>
    public void Reload(ValueStreamDefinition definition)
    {
        var text = ValueStreamWriter.Write(definition);
        if (text != _current)
            _undo.AddLast(_current);
        _redo.Clear();
        Restore(text);
        MarkSaved();
    }

    /// <summary>What is edited now is what the server has.</summary>
    public void MarkSaved()
    {
        _saved = _current;
        IsNew = false;
        _serverErrors = [];
        Changed?.Invoke();
    }

    public void SetServerErrors(IReadOnlyList<DefinitionIssue> errors)
    {
        _serverErrors = errors;
        _refused = _current;
        Validated?.Invoke();
    }

    public void Validate()
    {
        Issues = new IssueIndex(_validate(Definition));
        ValidationPending = false;
        Validated?.Invoke();
    }

    public void Select(string? stepId, ConnectionKey? connection = null)
    {
        if (stepId == SelectedStepId && connection == SelectedConnection)
            return;
        SelectedStepId = stepId;
        SelectedConnection = connection;
        SelectionChanged?.Invoke();
    }

    /// <summary>Adds a step of a type, named after it, with a fresh kebab-case id and the type's required defaults; returns its id.</summary>
    public string? AddStep(string type, CanvasPosition position)
    {
        if (!CanEdit || StepTypeCatalogue.Find(type) is not { } stepType)
            return null;
        var step = StepDefaults.NewStep(Definition, stepType, position);
        Edit($"add:{step.Id}", d => d.Steps.Add(step));
        return step.Id;
    }

    /// <summary>Connects a port to a step; a port leads to one step, so an earlier connection from that port is replaced.</summary>
    public void Connect(ConnectionDefinition connection) =>
        Edit($"connect:{connection.From}:{connection.Port}", d =>
        {
            d.Connections.RemoveAll(c => c.From == connection.From && c.Port == connection.Port);
            d.Connections.Add(connection);
        });

    /// <summary>Moves a step; the moves of several selected steps dragged together arrive at once and make one undo step.</summary>
    public void Move(string stepId, CanvasPosition position) =>
        Edit("move", d =>
        {
            if (d.FindStep(stepId) is { } step)
                step.Position = position;
        }, TimeSpan.FromMilliseconds(250));

    /// <summary>
    /// Steps the file gave no position get the automatic layout's; those the layout does not reach (no path from the
    /// start) go in a row beneath it.
    /// </summary>
    private static void PlaceUnplaced(ValueStreamDefinition definition)
    {
        var layout = AutoLayout.Layered(definition);
        var below = definition.Steps.Where(s => s.HasPosition).Select(s => s.Position.Y + AutoLayout.HeightOf(s))
            .Concat(layout.Select(p => p.Value.Y + AutoLayout.HeightOf(definition.FindStep(p.Key)!)))
            .DefaultIfEmpty(0).Max() + AutoLayout.RowGap;
        var column = 0;
        foreach (var step in definition.Steps.Where(s => !s.HasPosition))
            step.Position = layout.TryGetValue(step.Id, out var position)
                ? position
                : new CanvasPosition(column++ * AutoLayout.ColumnWidth, below);
    }

    /// <summary>Moves many steps at once (automatic layout, swimlanes) as one undo step.</summary>
    public void Arrange(string key, IReadOnlyDictionary<string, CanvasPosition> positions) =>
        Edit($"{key}:{Guid.NewGuid():N}", d =>
        {
            foreach (var step in d.Steps)
                if (positions.TryGetValue(step.Id, out var position))
                    step.Position = position;
        });

    /// <summary>Steps copied with the connections between them, ready to paste (into this stream or another).</summary>
    public sealed record Clipboard(IReadOnlyList<StepDefinition> Steps, IReadOnlyList<ConnectionDefinition> Connections);

    /// <summary>Copies steps, and the connections that run between them, as they are now.</summary>
    public Clipboard Copy(IReadOnlyCollection<string> stepIds)
    {
        var copied = ValueStreamReader.Read(_current).Definition!;
        return new Clipboard(
            copied.Steps.Where(s => stepIds.Contains(s.Id)).ToList(),
            copied.Connections.Where(c => stepIds.Contains(c.From) && stepIds.Contains(c.To)).ToList());
    }

    /// <summary>
    /// Pastes copied steps as new ones: fresh ids, placed a little below and to the right, their connections
    /// between each other kept; one undo step. Returns the new ids.
    /// </summary>
    public IReadOnlyList<string> Paste(Clipboard clipboard, int offset = 40)
    {
        if (!CanEdit || clipboard.Steps.Count == 0)
            return [];
        var ids = new Dictionary<string, string>(StringComparer.Ordinal);
        Edit($"paste:{Guid.NewGuid():N}", d =>
        {
            foreach (var step in clipboard.Steps)
            {
                var id = StepIds.NewId(d, step.Id);
                ids[step.Id] = id;
                d.Steps.Add(new StepDefinition
                {
                    Id = id,
                    Type = step.Type,
                    Name = step.Name,
                    Description = step.Description,
                    ValueChainActivities = [.. step.ValueChainActivities],
                    Practices = [.. step.Practices],
                    Roles = [.. step.Roles],
                    Properties = (System.Text.Json.Nodes.JsonObject)step.Properties.DeepClone(),
                    Position = new CanvasPosition(step.Position.X + offset, step.Position.Y + offset),
                });
            }
            foreach (var connection in clipboard.Connections)
                d.Connections.Add(connection with { From = ids[connection.From], To = ids[connection.To] });
        });
        return [.. ids.Values];
    }

    /// <summary>Deletes steps (with every connection to or from them) and connections.</summary>
    public void Delete(IReadOnlyCollection<string> stepIds, IReadOnlyCollection<ConnectionKey> connections)
    {
        if (stepIds.Count == 0 && connections.Count == 0)
            return;
        Edit($"delete:{Guid.NewGuid():N}", d =>
        {
            d.Steps.RemoveAll(s => stepIds.Contains(s.Id));
            d.Connections.RemoveAll(c => stepIds.Contains(c.From) || stepIds.Contains(c.To) || connections.Contains(ConnectionKey.Of(c)));
        });
        if (SelectedStepId is { } selected && stepIds.Contains(selected) || SelectedConnection is { } link && connections.Contains(link))
            Select(null);
    }

    /// <summary>Gives a step a new id and follows it in every connection; an id another step has is refused.</summary>
    public bool RenameStep(string oldId, string newId)
    {
        if (oldId == newId || newId.Length == 0 || Definition.FindStep(newId) is not null)
            return false;
        Edit($"rename:{oldId}", d =>
        {
            if (d.FindStep(oldId) is not { } step)
                return;
            step.Id = newId;
            for (var i = 0; i < d.Connections.Count; i++)
            {
                var c = d.Connections[i];
                if (c.From == oldId || c.To == oldId)
                    d.Connections[i] = c with { From = c.From == oldId ? newId : c.From, To = c.To == oldId ? newId : c.To };
            }
        });
        if (SelectedStepId == oldId)
            Select(newId);
        return true;
    }

    /// <summary>
    /// Applies a change to one step's properties as one undoable step, its connections following its ports (see
    /// <see cref="FollowPorts"/>). Without a step (the stream's own fields) it is a plain <see cref="Edit"/>.
    /// </summary>
    public void EditStep(string? stepId, string key, Action<ValueStreamDefinition> change, TimeSpan? coalesceWithin = null) =>
        Edit(key, d =>
        {
            IReadOnlyList<string> before = stepId is null ? [] : PortsOf(d, stepId);
            change(d);
            if (stepId is not null)
                FollowPorts(d, stepId, before);
        }, coalesceWithin);

    /// <summary>
    /// Keeps a step's connections on the ports it has after a change of its properties (fork branches, decision
    /// conditions and default port, human-task outcomes): when one port went and one came, the port was renamed and
    /// its connection moves to the new name; otherwise the connections of ports that went are removed. A port that is
    /// still named elsewhere in the step (two conditions sharing one) keeps its connection.
    /// </summary>
    public static void FollowPorts(ValueStreamDefinition d, string stepId, IReadOnlyList<string> before)
    {
        var after = PortsOf(d, stepId);
        var gone = before.Except(after, StringComparer.Ordinal).ToList();
        if (gone.Count == 0)
            return;
        var added = after.Except(before, StringComparer.Ordinal).ToList();
        var renamedTo = gone.Count == 1 && added.Count == 1 ? added[0] : null;
        for (var i = d.Connections.Count - 1; i >= 0; i--)
        {
            var connection = d.Connections[i];
            if (connection.From != stepId || !gone.Contains(connection.Port, StringComparer.Ordinal))
                continue;
            if (renamedTo is null)
                d.Connections.RemoveAt(i);
            else
                d.Connections[i] = connection with { Port = renamedTo };
        }
    }

    private static IReadOnlyList<string> PortsOf(ValueStreamDefinition d, string stepId) =>
        d.FindStep(stepId) is { } step && StepTypeCatalogue.Find(step.Type) is { } type ? type.PortsOf(step) : [];

    private void Restore(string text)
    {
        // Snapshots are canonical texts this session wrote from its own model, so they always read back.
        Definition = ValueStreamReader.Read(text).Definition!;
        _current = text;
        _lastKey = null;
        ValidationPending = true;
        if (SelectedStepId is { } id && Definition.FindStep(id) is null)
            Select(null);
        Changed?.Invoke();
    }
}
