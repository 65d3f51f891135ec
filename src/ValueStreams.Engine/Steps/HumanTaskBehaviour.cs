using System.Text.Json.Nodes;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Engine.Steps;

/// <summary>
/// Creates the step's task and waits: one for its group (or assignee); or, when the step sets <c>completion</c> and its
/// roles belong to several groups, one per group, so the roles act together (the book's swarming and joint reviews):
/// with "any" the first completion decides, with "all" everyone completes.
/// </summary>
internal sealed class HumanTaskBehaviour : IStepBehaviour
{
    public string Type => "human-task";

    private sealed record ServiceLevel(TimeSpan? RespondWithin, TimeSpan? ResolveWithin, string? EscalateTo);

    private sealed record Properties(string? Title, string? Group, string? Assignee, int? Priority, string? Completion,
        JsonArray Outcomes, JsonArray Form, ServiceLevel Sla)
    {
        public static Properties Read(JsonObject p)
        {
            var sla = p["sla"] as JsonObject ?? [];
            return new(StepProperties.Text(p, "title"), StepProperties.Text(p, "group"), StepProperties.Text(p, "assignee"),
                StepProperties.Integer(p, "priority"), StepProperties.Text(p, "completion"),
                (p["outcomes"] as JsonArray)?.DeepClone().AsArray() ?? [], (p["form"] as JsonArray)?.DeepClone().AsArray() ?? [],
                new ServiceLevel(StepProperties.Duration(sla, "respondWithin"), StepProperties.Duration(sla, "resolveWithin"), StepProperties.Text(sla, "escalateTo")));
        }
    }

    public async Task RunAsync(StepRun run)
    {
        var p = Properties.Read(run.Properties);
        // A deadline that cannot be worked out fails the step before any task is created.
        var deadline = run.ReadTimeout();
        var roleGroups = run.Step.Roles
            .Select(roleId => run.Definition.Roles.Find(r => r.Id == roleId)?.Group)
            .OfType<string>().Distinct().ToList();
        if (ForEach.Settings.Of(run.Properties) is { } each)
        {
            await RunForEachAsync(run, p, each, p.Group ?? roleGroups.FirstOrDefault(), deadline);
            return;
        }
        var together = p.Completion is not null && p.Group is null && p.Assignee is null && roleGroups.Count > 1;
        if (together)
        {
            foreach (var participantGroup in roleGroups)
                await CreateOneTaskAsync(run, p, participantGroup);
            run.Wait(new Bookmark(Bookmark.Tasks, run.Token.Id));
            await run.SetDeadlineAsync(deadline);
            return;
        }
        var task = await CreateOneTaskAsync(run, p, p.Group ?? roleGroups.FirstOrDefault());
        run.Wait(new Bookmark(Bookmark.Task, task.Id));
        await run.SetDeadlineAsync(deadline);
    }

    /// <summary>
    /// One task per item, each titled with its item. The step leaves by the first outcome other than the expected one
    /// (the first) that an item chose, earliest in list order; when every item chose the expected outcome (or there were
    /// none), by the expected outcome.
    /// </summary>
    private static async Task RunForEachAsync(StepRun run, Properties p, ForEach.Settings each, string? group, TimeSpan? deadline)
    {
        if (run.Token.ForEach is null && run.Token.Deadline is null)
            await run.SetDeadlineAsync(deadline);
        var expected = p.Outcomes.OfType<JsonObject>().Select(o => StepProperties.Text(o, "id")).OfType<string>().ToList();
        await ForEach.RunAsync(run, each, Bookmark.Task,
            async index =>
            {
                var item = run.Token.ForEach!.Items[index];
                var title = p.Title ?? run.Step.Name;
                // The inbox shows which item a task is for: in the title, where the title does not show it itself.
                var forItem = title.Contains(each.ItemVariable, StringComparison.Ordinal)
                    ? null
                    : $" — {ForEach.Label(item)} ({index + 1} of {run.Token.ForEach.Items.Count})";
                return (await CreateOneTaskAsync(run, p, group, forItem)).Id;
            },
            results => results.OfType<JsonObject>().Select(r => StepProperties.Text(r, "outcome"))
                .FirstOrDefault(o => o is not null && o != expected[0]) ?? expected[0]);
    }

    private static async Task<HumanTask> CreateOneTaskAsync(StepRun run, Properties p, string? group, string? titleSuffix = null)
    {
        var assignee = p.Assignee switch
        {
            "initiator" => run.Instance.CreatedBy,
            { } rule when rule.StartsWith("user:", StringComparison.Ordinal) => rule["user:".Length..],
            { } rule when rule.StartsWith("variable:", StringComparison.Ordinal) => Values.AsTextOrNull(run.Instance.Variables[rule["variable:".Length..]]),
            _ => null,
        };
        // The task is due by its resolution target, or, where the step only sets one, by its response target.
        var now = run.Now;
        var respondBy = now + p.Sla.RespondWithin;
        var resolveBy = now + p.Sla.ResolveWithin;
        var task = new HumanTask(Interpreter.NewId(), run.Instance.Id, run.Step.Id, run.Token.Id,
            run.Expressions.RenderTemplate(p.Title ?? run.Step.Name, run.Scope) + titleSuffix, group, assignee, p.Priority,
            p.Outcomes.DeepClone().AsArray(), p.Form.DeepClone().AsArray(), resolveBy ?? respondBy, now, p.Completion ?? "any",
            respondBy, resolveBy, p.Sla.EscalateTo);
        await run.Session.CreateTaskAsync(task);
        // Each target is checked when it falls due, by a scheduler job written with the task.
        foreach (var target in new[] { respondBy, resolveBy }.OfType<DateTimeOffset>().Distinct())
            await run.EnqueueAsync(OutboxJob.CheckServiceLevel, OutboxJob.Target(run.Instance.Id, task.Id), target);
        await run.JournalAsync(JournalEntry.TaskCreated, detail: group is null ? task.Id : $"{task.Id} for {group}");
        return task;
    }
}
