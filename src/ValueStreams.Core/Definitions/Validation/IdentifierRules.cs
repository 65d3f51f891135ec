using System.Text.RegularExpressions;

namespace ValueStreams.Core.Definitions.Validation;

/// <summary>Ids: the stream and step ids are lower-case kebab-case and at most 64 characters; step ids and role ids are unique.</summary>
internal static partial class IdentifierRules
{
    public const int MaxIdLength = 64;
    public const string KebabCasePattern = "^[a-z0-9]+(-[a-z0-9]+)*$";

    [GeneratedRegex(KebabCasePattern, RegexOptions.CultureInvariant)]
    private static partial Regex KebabCase();

    public static void Check(ValidationContext context)
    {
        CheckId("id", context.Definition.Id, context);
        CheckStepIds(context);
        CheckRoleIds(context);
    }

    private static void CheckId(string path, string id, ValidationContext context)
    {
        if (id.Length == 0)
            context.Error(path, "must not be empty");
        else if (id.Length > MaxIdLength)
            context.Error(path, $"is {id.Length} characters long; an id has at most {MaxIdLength}");
        else if (!KebabCase().IsMatch(id))
            context.Error(path, $"'{id}' is not lower-case kebab-case (a-z, 0-9, words joined by single hyphens)");
    }

    private static void CheckStepIds(ValidationContext context)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < context.Steps.Count; i++)
        {
            var id = context.Steps[i].Id;
            var path = $"{ValidationContext.StepPath(i)}.id";
            CheckId(path, id, context);
            if (id.Length > 0 && !seen.Add(id))
                context.Error(path, $"duplicate step id '{id}'");
        }
    }

    private static void CheckRoleIds(ValidationContext context)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var roles = context.Definition.Roles;
        for (var i = 0; i < roles.Count; i++)
        {
            if (roles[i].Id.Length == 0)
                context.Error($"roles[{i}].id", "must not be empty");
            else if (!seen.Add(roles[i].Id))
                context.Error($"roles[{i}].id", $"duplicate role id '{roles[i].Id}'");
        }
    }
}
