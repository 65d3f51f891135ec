using System.Text.Json.Nodes;
using ValueStreams.Core.ServiceLevels;
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

    private sealed record ServiceLevel(TimeSpan? RespondWithin, TimeSpan? ResolveWithin, string? EscalateTo, string? Policy);

    /// <summary>A task's service level targets, and the calendar they are measured on (null: around the clock).</summary>
    private sealed record Targets(DateTimeOffset? RespondBy, DateTimeOffset? ResolveBy, string? Calendar);

    private sealed record Properties(string? Title, string? Group, string? Assignee, int? Priority, string? Completion,
        JsonArray Outcomes, JsonArray Form, ServiceLevel Sla)
    {
        public static Properties Read(JsonObject p)
        {
            var sla = p["sla"] as JsonObject ?? [];
            return new(StepProperties.Text(p, "title"), StepProperties.Text(p, "group"), StepProperties.Text(p, "assignee"),
                StepProperties.Integer(p, "priority"), StepProperties.Text(p, "completion"),
                (p["outcomes"] as JsonArray)?.DeepClone().AsArray() ?? [], (p["form"] as JsonArray)?.DeepClone().AsArray() ?? [],
                new ServiceLevel(StepProperties.Duration(sla, "respondWithin"), StepProperties.Duration(sla, "resolveWithin"), StepProperties.Text(sla, "escalateTo"),
                    StepProperties.Text(sla, "policy")));
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
        var (respondBy, resolveBy, calendar) = await TargetsAsync(run, p, now);
        var task = new HumanTask(Interpreter.NewId(), run.Instance.Id, run.Step.Id, run.Token.Id,
            run.Expressions.RenderTemplate(p.Title ?? run.Step.Name, run.Scope) + titleSuffix, group, assignee, p.Priority,
            p.Outcomes.DeepClone().AsArray(), p.Form.DeepClone().AsArray(), resolveBy ?? respondBy, now, p.Completion ?? "any",
            respondBy, resolveBy, p.Sla.EscalateTo, calendar);
        await run.Session.CreateTaskAsync(task);
        // Each target is checked when it falls due, by a scheduler job written with the task.
        foreach (var target in new[] { respondBy, resolveBy }.OfType<DateTimeOffset>().Distinct())
            await run.EnqueueAsync(OutboxJob.CheckServiceLevel, OutboxJob.Target(run.Instance.Id, task.Id), target);
        await run.JournalAsync(JournalEntry.TaskCreated, detail: group is null ? task.Id : $"{task.Id} for {group}");
        return task;
    }

    /// <summary>
    /// The task's targets, each due when its working time has passed on its calendar: a step's own respondWithin and
    /// resolveWithin run around the clock; a step that names a policy takes the policy's response and resolution targets
    /// (or its last other clock's) for the task's priority, on the policy's calendars, where it sets no target of its own.
    /// A named policy that is missing, or has no target for the priority, fails the step: no task gets a due time made up.
    /// </summary>
    private static async Task<Targets> TargetsAsync(StepRun run, Properties p, DateTimeOffset now)
    {
        var always = BusinessCalendar.AlwaysOpen;
        DateTimeOffset? Plain(TimeSpan? within) => within is { } time ? always.AddWorkingTime(now, time) : null;
        if (p.Sla.Policy is not { } name)
            return new Targets(Plain(p.Sla.RespondWithin), Plain(p.Sla.ResolveWithin), null);

        var set = await run.ServiceLevels.CurrentAsync();
        var policy = set.Policy(name) ?? throw new StepFailedException($"the service level policy '{name}' that the step names does not exist");
        var priority = PriorityOf(run, p);
        var response = policy.Clocks.FirstOrDefault(c => c.Name == Response)?.TargetFor(priority);
        var resolution = (policy.Clocks.FirstOrDefault(c => c.Name == Resolution) ?? policy.Clocks.LastOrDefault(c => c.Name != Response))?.TargetFor(priority);
        if ((resolution ?? response) is not { } main)
            throw new StepFailedException($"the service level policy '{name}' has no target for priority {priority ?? "(none)"}");
        DateTimeOffset? Due(ClockTarget? target) =>
            target is not null && set.Calendars.TryGetValue(target.Calendar, out var calendar) ? calendar.AddWorkingTime(now, target.Within.On(calendar)) : null;
        return new Targets(Plain(p.Sla.RespondWithin) ?? Due(response), Plain(p.Sla.ResolveWithin) ?? Due(resolution), main.Calendar);
    }

    private const string Response = "response";
    private const string Resolution = "resolution";

    /// <summary>The task's priority as policies name it: the step's priority 2 is P2; else the instance's <c>priority</c> variable (P2 or 2).</summary>
    private static string? PriorityOf(StepRun run, Properties p)
    {
        var text = p.Priority is { } number ? number.ToString(System.Globalization.CultureInfo.InvariantCulture)
            : run.Instance.Variables["priority"] is { } variable ? Values.AsTextOrNull(variable) : null;
        return text is { Length: > 0 } && text.All(char.IsAsciiDigit) ? "P" + text : text;
    }
}
