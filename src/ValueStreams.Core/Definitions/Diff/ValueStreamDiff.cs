using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions.StepTypes;

namespace ValueStreams.Core.Definitions.Diff;

/// <summary>
/// Compares two versions of a value stream by meaning: steps are matched by id, variables by name,
/// roles by id, connections as a set, so reordering alone is no change; a step's position is reported
/// as a move, apart from its other changes. Works on any model the reader produced, valid or not.
/// </summary>
public static class ValueStreamDiff
{
    private const int ShortLength = 80;
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static DiffReport Compare(ValueStreamDefinition before, ValueStreamDefinition after)
    {
        var fields = new List<FieldChange>();
        Field(fields, "$schema", Quote(before.Schema), Quote(after.Schema));
        Field(fields, "id", Quote(before.Id), Quote(after.Id));
        Field(fields, "name", Quote(before.Name), Quote(after.Name));
        Field(fields, "description", Quote(before.Description), Quote(after.Description));
        Field(fields, "source", Quote(before.Source), Quote(after.Source));
        CompareVariables(fields, before.Variables, after.Variables);
        CompareOutputs(fields, before.Outputs, after.Outputs);
        CompareRoles(fields, before.Roles, after.Roles);

        var steps = Match(before.Steps, after.Steps, s => s.Id);
        var changed = new List<StepChange>();
        foreach (var (old, now) in steps.Pairs)
        {
            var changes = CompareStep(old, now);
            var moved = old.Position == now.Position ? null : new PositionChange(old.Position, now.Position);
            if (changes.Count > 0 || moved is not null)
                changed.Add(new StepChange(now.Id, changes, moved));
        }

        var connections = Match(before.Connections.Select(Describe).ToList(), after.Connections.Select(Describe).ToList(), c => c);
        return new DiffReport(
            fields,
            steps.Added.Select(s => new StepSummary(s.Id, s.Type)).ToList(),
            steps.Removed.Select(s => new StepSummary(s.Id, s.Type)).ToList(),
            changed,
            connections.Added,
            connections.Removed);
    }

    /// <summary>A connection as the diff shows it: <c>from -&gt; to</c>, with <c>:port</c> unless it is the default port.</summary>
    public static string Describe(ConnectionDefinition connection) =>
        connection.Port == ConnectionDefinition.DefaultPort
            ? $"{connection.From} -> {connection.To}"
            : $"{connection.From}:{connection.Port} -> {connection.To}";

    private static List<FieldChange> CompareStep(StepDefinition before, StepDefinition after)
    {
        var changes = new List<FieldChange>();
        Field(changes, "type", before.Type, after.Type);
        Field(changes, "name", Quote(before.Name), Quote(after.Name));
        Field(changes, "description", Quote(before.Description), Quote(after.Description));
        Field(changes, "valueChainActivities", List(before.ValueChainActivities), List(after.ValueChainActivities));
        Field(changes, "practices", List(before.Practices), List(after.Practices));
        Field(changes, "roles", List(before.Roles), List(after.Roles));

        foreach (var name in PropertyNames(before, after))
        {
            var inBefore = before.Properties.TryGetPropertyValue(name, out var old);
            var inAfter = after.Properties.TryGetPropertyValue(name, out var now);
            if (inBefore && inAfter && JsonNode.DeepEquals(old, now))
                continue;
            changes.Add(Change(name, inBefore ? Json(old) : null, inAfter ? Json(now) : null));
        }
        return changes;
    }

    /// <summary>The type's declared inputs first, in declared order, then any others by name, so output does not depend on file order.</summary>
    private static IEnumerable<string> PropertyNames(StepDefinition before, StepDefinition after)
    {
        var names = before.Properties.Select(p => p.Key).Union(after.Properties.Select(p => p.Key)).ToHashSet(StringComparer.Ordinal);
        var declared = (StepTypeCatalogue.Find(after.Type) ?? StepTypeCatalogue.Find(before.Type))?.Descriptor.Inputs.Select(i => i.Name).ToList() ?? [];
        return declared.Where(names.Contains).Concat(names.Where(n => !declared.Contains(n)).Order(StringComparer.Ordinal));
    }

    private static void CompareVariables(List<FieldChange> fields, List<VariableDefinition> before, List<VariableDefinition> after)
    {
        var match = Match(before, after, v => v.Name);
        foreach (var removed in match.Removed)
            fields.Add(Change($"variables.{removed.Name}", Summary(removed), null));
        foreach (var added in match.Added)
            fields.Add(Change($"variables.{added.Name}", null, Summary(added)));
        foreach (var (old, now) in match.Pairs)
        {
            var path = $"variables.{now.Name}";
            Field(fields, $"{path}.type", old.Type, now.Type);
            Field(fields, $"{path}.description", Quote(old.Description), Quote(now.Description));
            if (!JsonNode.DeepEquals(old.Default, now.Default))
                fields.Add(Change($"{path}.default", old.Default is null ? null : Json(old.Default), now.Default is null ? null : Json(now.Default)));
        }

        static string Summary(VariableDefinition v) => v.Default is null ? v.Type : $"{v.Type} = {Json(v.Default)}";
    }

    private static void CompareOutputs(List<FieldChange> fields, List<OutputDefinition> before, List<OutputDefinition> after)
    {
        var match = Match(before, after, o => o.Name);
        foreach (var removed in match.Removed)
            fields.Add(Change($"outputs.{removed.Name}", removed.Type ?? "output", null));
        foreach (var added in match.Added)
            fields.Add(Change($"outputs.{added.Name}", null, added.Type ?? "output"));
        foreach (var (old, now) in match.Pairs)
        {
            Field(fields, $"outputs.{now.Name}.type", Quote(old.Type), Quote(now.Type));
            Field(fields, $"outputs.{now.Name}.description", Quote(old.Description), Quote(now.Description));
        }
    }

    private static void CompareRoles(List<FieldChange> fields, List<RoleDefinition> before, List<RoleDefinition> after)
    {
        var match = Match(before, after, r => r.Id);
        foreach (var removed in match.Removed)
            fields.Add(Change($"roles.{removed.Id}", Summary(removed), null));
        foreach (var added in match.Added)
            fields.Add(Change($"roles.{added.Id}", null, Summary(added)));
        foreach (var (old, now) in match.Pairs)
        {
            Field(fields, $"roles.{now.Id}.name", Quote(old.Name), Quote(now.Name));
            Field(fields, $"roles.{now.Id}.group", old.Group, now.Group);
        }

        static string Summary(RoleDefinition r) => r.Group is null ? Quote(r.Name)! : $"{Quote(r.Name)} (group {r.Group})";
    }

    private sealed record Matching<T>(List<(T Before, T After)> Pairs, List<T> Added, List<T> Removed);

    /// <summary>
    /// Pairs items by key regardless of order. A key that repeats (only in a file that would not validate)
    /// pairs its n-th occurrence before with its n-th after, so nothing is silently dropped.
    /// </summary>
    private static Matching<T> Match<T>(IReadOnlyList<T> before, IReadOnlyList<T> after, Func<T, string> key)
    {
        var waiting = new Dictionary<string, Queue<int>>(StringComparer.Ordinal);
        for (var i = 0; i < before.Count; i++)
        {
            if (!waiting.TryGetValue(key(before[i]), out var queue))
                waiting[key(before[i])] = queue = new Queue<int>();
            queue.Enqueue(i);
        }

        var pairs = new List<(T, T)>();
        var added = new List<T>();
        var paired = new bool[before.Count];
        foreach (var item in after)
        {
            if (waiting.TryGetValue(key(item), out var queue) && queue.TryDequeue(out var index))
            {
                paired[index] = true;
                pairs.Add((before[index], item));
            }
            else
            {
                added.Add(item);
            }
        }
        return new Matching<T>(pairs, added, before.Where((_, i) => !paired[i]).ToList());
    }

    private static void Field(List<FieldChange> changes, string path, string? before, string? after)
    {
        if (!string.Equals(before, after, StringComparison.Ordinal))
            changes.Add(Change(path, before, after));
    }

    /// <summary>Values are compared in full and only shortened for showing.</summary>
    private static FieldChange Change(string path, string? before, string? after) => new(path, Short(before), Short(after));

    private static string? Quote(string? text) => text is null ? null : JsonSerializer.Serialize(text, Relaxed);

    private static string List(IEnumerable<string> items) => $"[{string.Join(", ", items)}]";

    private static string Json(JsonNode? node) => node?.ToJsonString(Relaxed) ?? "null";

    private static string? Short(string? text) =>
        text is null || text.Length <= ShortLength ? text : string.Concat(text.AsSpan(0, ShortLength - 1), "…");
}
