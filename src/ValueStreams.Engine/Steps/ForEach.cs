using System.Text.Json;
using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions.StepTypes;
using ValueStreams.Engine.Expressions;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Engine.Steps;

/// <summary>
/// Runs a human task or a call once per item of a list (the step's <c>forEach</c>): in <c>parallel</c> every item's task or
/// child is created when the token arrives, in one transaction; in <c>sequence</c> one at a time, in list order, the next
/// when the one before is done. Each item's result goes into the <c>collect</c> list at the item's index; once every
/// item is done the step leaves by its port. No items: the step leaves at once with an empty list.
/// The token keeps the progress (<see cref="Token.ForEach"/>) and waits on <see cref="Bookmark.Each"/>; when an item is
/// done, the token is made ready and the step's behaviour runs again to start the next item or leave.
/// </summary>
internal static class ForEach
{
    public sealed record Settings(string Items, bool Parallel, string ItemVariable, string Collect)
    {
        public static Settings? Of(JsonObject properties) =>
            properties[StepType.ForEachProperty] is JsonObject p
                ? new(StepProperties.Text(p, "items") ?? "[]", StepProperties.Text(p, "mode") != "sequence",
                    StepProperties.Text(p, "itemVariable") ?? "item", StepProperties.Text(p, "collect") ?? "results")
                : null;
    }

    /// <summary>
    /// Starts what may start and waits, or leaves by <paramref name="portOf"/> once every item is done.
    /// <paramref name="startItem"/> creates one item's task or child, with the item in its variable, and returns its id.
    /// </summary>
    public static async Task RunAsync(StepRun run, Settings settings, string openKind, Func<int, Task<string>> startItem,
        Func<JsonArray, string> portOf)
    {
        var state = run.Token.ForEach;
        if (state is null)
        {
            var items = run.Expressions.EvaluateValue(settings.Items, run.Scope) as JsonArray
                ?? throw new StepFailedException($"the for-each items ({settings.Items}) did not give a list");
            if (items.Count > run.Options.MaxForEachItems)
                throw new StepFailedException(
                    $"the for-each items gave {items.Count:N0} items; a for-each runs at most {run.Options.MaxForEachItems:N0} (ValueStreams:Engine:MaxForEachItems)");
            state = new ForEachState { Items = items, Results = new JsonArray(items.Select(_ => (JsonNode?)null).ToArray()), OpenKind = openKind };
            run.Token.ForEach = state;
        }
        try
        {
            while (state.Started < state.Items.Count && (settings.Parallel || state.Open.Count == 0))
            {
                var index = state.Started++;
                state.Open[await WithItemAsync(run, settings.ItemVariable, state.Items[index], () => startItem(index))] = index;
            }
        }
        catch (Exception ex) when (ex is StepFailedException or ExpressionException)
        {
            // The step fails as a whole: the items' open tasks go, and a retry starts the list afresh.
            await run.Session.CancelOpenTasksOfTokenAsync(run.Instance.Id, run.Token.Id, run.Now);
            run.Token.ForEach = null;
            throw;
        }
        if (state.Started < state.Items.Count || state.Open.Count > 0)
        {
            run.Wait(new Bookmark(Bookmark.Each, run.Token.Id));
            return;
        }
        var results = state.Results.DeepClone().AsArray();
        run.Token.ForEach = null;
        var port = portOf(results);
        run.Instance.Variables[settings.Collect] = results.DeepClone();
        run.Instance.Outputs[run.Step.Id] = new JsonObject { ["outcome"] = port, ["results"] = results };
        await run.LeaveAsync(port);
    }

    /// <summary>
    /// One item is done: its result goes in at the item's index, and the token is made ready, so its step starts the next
    /// item or leaves. Returns the item's index, or null when the id is not an open item of the token.
    /// </summary>
    public static int? Complete(Token token, string openId, JsonNode result)
    {
        if (token.ForEach is not { } state || !state.Open.Remove(openId, out var index))
            return null;
        state.Results[index] = result;
        token.WaitingFor = null;
        return index;
    }

    /// <summary>The item variable holds the item while <paramref name="work"/> runs, then has its earlier value again.</summary>
    private static async Task<T> WithItemAsync<T>(StepRun run, string variable, JsonNode? item, Func<Task<T>> work)
    {
        var variables = run.Instance.Variables;
        var had = variables.TryGetPropertyValue(variable, out var before);
        before = before?.DeepClone();
        variables[variable] = item?.DeepClone();
        try
        {
            return await work();
        }
        finally
        {
            if (had)
                variables[variable] = before;
            else
                variables.Remove(variable);
        }
    }

    /// <summary>A short label of an item for a task title: its text, or an object's name, title or id, else its JSON, at most 80 characters.</summary>
    public static string Label(JsonNode? item)
    {
        var text = item switch
        {
            JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
            JsonObject o when new[] { "name", "title", "id" }.Select(k => o[k]).FirstOrDefault(n => n is JsonValue) is JsonValue named => Values.AsTextOrNull(named),
            null => "null",
            _ => item.ToJsonString(),
        } ?? "";
        return text.Length <= 80 ? text : text[..79] + "…";
    }
}
