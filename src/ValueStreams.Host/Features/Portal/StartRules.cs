using System.Security.Claims;
using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.Forms;
using ValueStreams.Core.Definitions.StepTypes;
using ValueStreams.Core.Identity;
using ValueStreams.Host.Features.Tasks;

namespace ValueStreams.Host.Features.Portal;

/// <summary>
/// Who may start a stream and what its start form takes, from the start step: <c>starters</c> names roles of the
/// stream (meaning their groups) or group ids; <c>form</c> holds fields as a task's form does.
/// </summary>
public static class StartRules
{
    public static StepDefinition? StartStep(ValueStreamDefinition definition) => definition.Steps.FirstOrDefault(s => s.Type == "start");

    public static JsonArray Form(ValueStreamDefinition definition) => StartStep(definition)?.Properties["form"] as JsonArray ?? [];

    /// <summary>The groups whose members may start the stream; a role of the stream stands for its group.</summary>
    public static IReadOnlySet<string> StarterGroups(ValueStreamDefinition definition)
    {
        var starters = (StartStep(definition)?.Properties[Core.Definitions.StepTypes.StartStep.Starters] as JsonArray ?? [])
            .OfType<JsonValue>().Select(v => v.ToString()).Where(s => s.Length > 0);
        return starters.Select(s => definition.Roles.FirstOrDefault(r => r.Id == s)?.Group ?? s).ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>The stream is on the user's portal: it names starters and the user is one of them (admins see all such streams).</summary>
    public static bool IsOnPortal(ValueStreamDefinition definition, ClaimsPrincipal user)
    {
        var groups = StarterGroups(definition);
        return groups.Count > 0 && (user.IsInRole(Roles.Admin) || TaskCommands.Groups(user).Any(groups.Contains));
    }

    /// <summary>
    /// The user may start the stream: admins and process owners always (test runs, operations); others when the start
    /// step names no starters, or names one of their groups.
    /// </summary>
    public static bool MayStart(ValueStreamDefinition definition, ClaimsPrincipal user)
    {
        var groups = StarterGroups(definition);
        return groups.Count == 0 || user.IsInRole(Roles.Admin) || user.IsInRole(Roles.ProcessOwner) || TaskCommands.Groups(user).Any(groups.Contains);
    }

    /// <summary>
    /// The input with the start form's defaults filled in where the caller left a field out. Other input (variables
    /// set by the API or a test run) passes through unchecked; the form's own fields are checked as a task's are.
    /// </summary>
    public static (JsonObject Input, IReadOnlyList<DefinitionIssue> Problems) Check(ValueStreamDefinition definition, JsonObject? input)
    {
        var form = Form(definition);
        var filled = (JsonObject?)input?.DeepClone() ?? [];
        var data = new JsonObject();
        foreach (var field in form.OfType<JsonObject>())
        {
            if (field["name"] is not JsonValue nameValue || nameValue.ToString() is not { Length: > 0 } name)
                continue;
            if (!filled.ContainsKey(name) && field["default"] is { } fallback)
                filled[name] = fallback.DeepClone();
            if (filled[name] is { } value)
                data[name] = value.DeepClone();
        }
        var problems = FormRules.Check(form, data)
            .Select(p => p with { Path = "input." + p.Path["data.".Length..] })
            .ToList();
        return (filled, problems);
    }
}
