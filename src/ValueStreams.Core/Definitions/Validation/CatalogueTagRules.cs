using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions.StepTypes;

namespace ValueStreams.Core.Definitions.Validation;

/// <summary>
/// A step's value chain activities and practices against the ITIL catalogue: R3 (activity steps carry at least one
/// activity), R4 (demand none; value milestones and the tasks that evaluate them only 'improve'), R5 (practices from the closed catalogue), no duplicates,
/// and the R8 heat warnings.
/// </summary>
internal static class CatalogueTagRules
{
    private const string ImproveActivity = "improve";

    public static void Check(ValidationContext context)
    {
        for (var i = 0; i < context.Steps.Count; i++)
        {
            CheckActivities(i, context);
            CheckPractices(i, context);
            WarnAboutHeat(i, context);
        }
    }

    private static void CheckActivities(int index, ValidationContext context)
    {
        var step = context.Steps[index];
        var path = $"{ValidationContext.StepPath(index)}.valueChainActivities";
        var kind = context.KindOf(index);
        var evaluation = EvaluatesValue(index, context);
        if (kind == StepKind.Activity && step.ValueChainActivities.Count == 0 && !evaluation)
            context.Error(path, "an activity step needs at least one value chain activity");

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < step.ValueChainActivities.Count; k++)
        {
            var activity = step.ValueChainActivities[k];
            var itemPath = $"{path}[{k}]";
            if (context.Catalogue.FindActivity(activity) is null)
                context.Error(itemPath, $"unknown value chain activity '{activity}'");
            else if (!seen.Add(activity))
                context.Error(itemPath, $"duplicate value chain activity '{activity}'");
            else if (kind == StepKind.Demand)
                context.Error(itemPath, $"a start (demand) step has no value chain activities; remove '{activity}'");
            else if (kind == StepKind.Value && activity != ImproveActivity)
                context.Error(itemPath, $"a value milestone may carry only '{ImproveActivity}', not '{activity}'");
            else if (evaluation && activity != ImproveActivity)
                context.Error(itemPath, $"a task that evaluates a value milestone may carry only '{ImproveActivity}', not '{activity}'");
        }
    }

    /// <summary>
    /// A human task that <c>evaluates</c> a value milestone is the work of that Value row (the book's "effectiveness is
    /// evaluated", "the updated service is evaluated"). The book prints such rows with practices and roles but no value
    /// chain activity, or only 'improve', so the task is held to the milestone's rule rather than to R3.
    /// </summary>
    private static bool EvaluatesValue(int index, ValidationContext context)
    {
        if (!context.IsType(index, "human-task") || StepPropertyRules.AsString(context.Steps[index].Properties["evaluates"]) is not { } milestone)
            return false;
        var target = context.IndexOf(milestone);
        if (target >= 0 && context.KindOf(target) == StepKind.Value)
            return true;
        context.Error($"{ValidationContext.StepPath(index)}.evaluates", $"'{milestone}' is not a value milestone of this stream");
        return false;
    }

    private static void CheckPractices(int index, ValidationContext context)
    {
        var step = context.Steps[index];
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < step.Practices.Count; k++)
        {
            var practice = step.Practices[k];
            var path = $"{ValidationContext.StepPath(index)}.practices[{k}]";
            if (context.Catalogue.FindPractice(practice) is null)
                context.Error(path, $"unknown practice '{practice}'");
            else if (!seen.Add(practice))
                context.Error(path, $"duplicate practice '{practice}'");
        }
    }

    /// <summary>R8: a practice with heat 0 in every one of the step's activities, or no heat at all for one of them.</summary>
    private static void WarnAboutHeat(int index, ValidationContext context)
    {
        var step = context.Steps[index];
        var activities = step.ValueChainActivities.Distinct(StringComparer.Ordinal)
            .Where(a => context.Catalogue.FindActivity(a) is not null).ToList();
        if (activities.Count == 0)
            return;

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var k = 0; k < step.Practices.Count; k++)
        {
            if (context.Catalogue.FindPractice(step.Practices[k]) is not { } practice || !seen.Add(practice.Id))
                continue;
            var path = $"{ValidationContext.StepPath(index)}.practices[{k}]";
            if (activities.All(a => HeatOf(practice, a) == 0))
                context.Warning(path, $"'{practice.Id}' has heat 0 in {string.Join(", ", activities)}");
            foreach (var activity in activities.Where(a => HeatOf(practice, a) is null))
                context.Warning(path, $"the book gives no heat for '{practice.Id}' in {activity}");
        }
    }

    private static int? HeatOf(Practice practice, string activity) => practice.Heat.GetValueOrDefault(activity);
}
