using ValueStreams.Core.Definitions;

namespace ValueStreams.Designer.Designer;

/// <summary>How a selection of steps is lined up: by an edge or the middle of the box around them, or spread evenly.</summary>
public enum StepArrangement { AlignLeft, AlignCentre, AlignRight, AlignTop, AlignMiddle, AlignBottom, DistributeHorizontally, DistributeVertically }

/// <summary>
/// Lines up selected steps. Aligning moves each step to the selection's left, centre or right (or top, middle, bottom)
/// line; distributing keeps the outermost two where they are and moves the others so the gaps between neighbours are
/// equal. Positions stay whole pixels, as the file keeps them.
/// </summary>
public static class StepAlignment
{
    /// <summary>What each arrangement is called in the designer's menu.</summary>
    public static string Label(StepArrangement arrangement) => arrangement switch
    {
        StepArrangement.AlignLeft => "Align left edges",
        StepArrangement.AlignCentre => "Align centres",
        StepArrangement.AlignRight => "Align right edges",
        StepArrangement.AlignTop => "Align top edges",
        StepArrangement.AlignMiddle => "Align middles",
        StepArrangement.AlignBottom => "Align bottom edges",
        StepArrangement.DistributeHorizontally => "Distribute horizontally",
        _ => "Distribute vertically",
    };

    /// <summary>Steps an arrangement needs: two to align, three to distribute.</summary>
    public static int Needs(StepArrangement arrangement) =>
        arrangement is StepArrangement.DistributeHorizontally or StepArrangement.DistributeVertically ? 3 : 2;

    /// <summary>The new positions of the selected steps (only those that exist); empty when fewer than <see cref="Needs"/> are selected.</summary>
    public static IReadOnlyDictionary<string, CanvasPosition> Arrange(ValueStreamDefinition definition, IReadOnlyCollection<string> stepIds,
        StepArrangement arrangement)
    {
        var wanted = stepIds.ToHashSet(StringComparer.Ordinal);
        var boxes = definition.Steps.Where(s => wanted.Remove(s.Id))
            .Select(s => new Box(s.Id, s.Position.X, s.Position.Y, NodeGeometry.Width, AutoLayout.HeightOf(s)))
            .ToList();
        if (boxes.Count < Needs(arrangement))
            return new Dictionary<string, CanvasPosition>();

        var left = boxes.Min(b => b.X);
        var top = boxes.Min(b => b.Y);
        var right = boxes.Max(b => b.X + b.Width);
        var bottom = boxes.Max(b => b.Y + b.Height);
        return arrangement switch
        {
            StepArrangement.AlignLeft => boxes.ToDictionary(b => b.Id, b => new CanvasPosition(left, b.Y)),
            StepArrangement.AlignCentre => boxes.ToDictionary(b => b.Id, b => new CanvasPosition(Half(left + right - b.Width), b.Y)),
            StepArrangement.AlignRight => boxes.ToDictionary(b => b.Id, b => new CanvasPosition(right - b.Width, b.Y)),
            StepArrangement.AlignTop => boxes.ToDictionary(b => b.Id, b => new CanvasPosition(b.X, top)),
            StepArrangement.AlignMiddle => boxes.ToDictionary(b => b.Id, b => new CanvasPosition(b.X, Half(top + bottom - b.Height))),
            StepArrangement.AlignBottom => boxes.ToDictionary(b => b.Id, b => new CanvasPosition(b.X, bottom - b.Height)),
            StepArrangement.DistributeHorizontally => Spread(boxes, b => b.X, b => b.Width, (b, x) => new CanvasPosition(x, b.Y)),
            _ => Spread(boxes, b => b.Y, b => b.Height, (b, y) => new CanvasPosition(b.X, y)),
        };
    }

    /// <summary>Keeps the first and last step (along the axis) and puts equal gaps between each step and the next.</summary>
    private static Dictionary<string, CanvasPosition> Spread(List<Box> boxes, Func<Box, int> start, Func<Box, int> size,
        Func<Box, int, CanvasPosition> place)
    {
        var ordered = boxes.OrderBy(start).ThenBy(b => b.Id, StringComparer.Ordinal).ToList();
        var span = start(ordered[^1]) + size(ordered[^1]) - start(ordered[0]);
        var gap = (double)(span - ordered.Sum(size)) / (ordered.Count - 1);
        var positions = new Dictionary<string, CanvasPosition>(StringComparer.Ordinal);
        var at = (double)start(ordered[0]);
        foreach (var box in ordered)
        {
            positions[box.Id] = place(box, (int)Math.Round(at));
            at += size(box) + gap;
        }
        return positions;
    }

    private static int Half(int value) => (int)Math.Round(value / 2.0);

    private sealed record Box(string Id, int X, int Y, int Width, int Height);
}
