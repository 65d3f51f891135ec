using System.Text.Json.Nodes;
using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.Validation;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Definitions;

/// <summary>The value stream files the product ships in <c>workflows/</c>: valid, canonical, and faithful to the book.</summary>
public sealed class ShippedStreamsTests
{
    private static readonly string[] ExpectedIds =
    [
        "incident-resolution", "third-party-software-error", "new-it-service", "regulatory-change",
        "normal-change", "service-request-fulfilment", "problem-management", "continual-improvement",
    ];

    /// <summary>The Appendix A streams and the catalogue entry whose rows each one follows.</summary>
    public static TheoryData<string, string> AppendixA => new()
    {
        { "incident-resolution", "incident-resolution" },
        { "third-party-software-error", "third-party-software-error" },
        { "new-it-service", "new-it-service" },
        { "regulatory-change", "regulatory-software-development" },
    };

    public static TheoryData<string> Files => new(ShippedFiles().Select(Path.GetFileName).Cast<string>());

    private static string[] ShippedFiles() =>
        Directory.GetFiles(RepositoryRoot.File("workflows"), "*.json").Order(StringComparer.Ordinal).ToArray();

    private static ValueStreamDefinition Load(string fileName)
    {
        var read = ValueStreamReader.Read(File.ReadAllBytes(RepositoryRoot.File("workflows", fileName)));
        Assert.True(read.Succeeded, $"{fileName} does not read:\n{string.Join("\n", read.Errors)}");
        return read.Definition!;
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_shipped_file_reads_and_validates_without_errors(string fileName)
    {
        var report = new ValueStreamValidator(ItilCatalogue.Default).ValidateFile(File.ReadAllBytes(RepositoryRoot.File("workflows", fileName)));

        Assert.True(report.IsValid, $"{fileName} has {report.Errors.Count} validation errors:\n{string.Join("\n", report.Errors)}");
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_shipped_file_is_in_canonical_form(string fileName)
    {
        var text = File.ReadAllText(RepositoryRoot.File("workflows", fileName));

        Assert.Equal(ValueStreamWriter.Write(Load(fileName)), text);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_file_is_named_after_its_id_and_points_at_the_schema(string fileName)
    {
        var definition = Load(fileName);

        Assert.Equal(Path.GetFileNameWithoutExtension(fileName), definition.Id);
        Assert.Equal(ValueStreamDefinition.SchemaReference, definition.Schema);
        Assert.False(string.IsNullOrWhiteSpace(definition.Description));
        Assert.StartsWith("ITIL 4 Foundation", definition.Source);
    }

    [Fact]
    public void The_eight_expected_streams_ship()
    {
        var ids = ShippedFiles().Select(f => Load(Path.GetFileName(f)).Id).ToList();

        foreach (var id in ExpectedIds)
            Assert.Contains(id, ids);
    }

    [Fact]
    public void Streams_call_only_streams_that_ship()
    {
        var ids = ShippedFiles().Select(f => Load(Path.GetFileName(f)).Id).ToHashSet(StringComparer.Ordinal);

        foreach (var file in ShippedFiles())
        {
            var definition = Load(Path.GetFileName(file));
            foreach (var step in definition.Steps.Where(s => s.Type == "call-value-stream"))
                Assert.True(ids.Contains(Text(step, "valueStream") ?? ""), $"{definition.Id}/{step.Id} calls '{Text(step, "valueStream")}', which does not ship");
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Every_stream_starts_by_hand_or_from_its_record_with_an_empty_input_and_its_first_task_captures_the_demand(string fileName)
    {
        var definition = Load(fileName);
        var start = Assert.Single(definition.Steps, s => s.Type == "start");
        // Incident resolution also starts on every new incident; any stream may still be started by hand or from the portal.
        Assert.Equal(definition.Id == "incident-resolution" ? "record-created" : "manual", Text(start, "trigger"));

        var first = FirstHumanTask(definition);
        Assert.NotNull(first);
        Assert.True(first.Properties["form"] is JsonArray { Count: > 0 }, $"{definition.Id}: the first human task '{first.Id}' has no form");
        Assert.True(Group(definition, first) is { Length: > 0 }, $"{definition.Id}: nobody can claim '{first.Id}'");
    }

    [Theory]
    [InlineData("incident-resolution")]
    [InlineData("third-party-software-error")]
    [InlineData("service-request-fulfilment")]
    public void The_first_task_of_a_service_desk_stream_goes_to_the_service_desk(string id)
    {
        var definition = Load($"{id}.json");

        Assert.Equal("service-desk", Group(definition, FirstHumanTask(definition)!));
    }

    [Fact]
    public void Incident_resolution_follows_the_books_story()
    {
        var definition = Load("incident-resolution.json");

        var log = definition.FindStep("log-incident")!;
        var priority = ((JsonArray)log.Properties["form"]!).OfType<JsonObject>().Single(f => Text(f, "name") == "priority");
        Assert.Equal(new[] { "P1", "P2", "P3", "P4" }, ((JsonArray)priority["options"]!).Select(o => o!.GetValue<string>()));
        Assert.Equal("P2", Text(priority, "default"));

        Assert.Equal("escalate", Outcomes(definition.FindStep("fix-at-desk-or-escalate")!)[0]);
        Assert.Equal("network-support", Group(definition, definition.FindStep("diagnose-failure")!));
        Assert.Equal("network-support", Group(definition, definition.FindStep("replace-access-point")!));
        Assert.Equal("normal-change", Text(definition.FindStep("raise-change-request")!, "valueStream"));
        Assert.Equal("configuration-item", Text(definition.FindStep("look-up-configuration")!, "recordType"));
        Assert.Equal("asset", Text(definition.FindStep("record-spare-consumed")!, "recordType"));

        // The user confirms the fix, or the incident reopens and goes back to the engineer.
        Assert.Equal(new[] { "confirmed", "not-fixed" }, Outcomes(definition.FindStep("confirm-fix-with-user")!));
        Assert.Contains(new ConnectionDefinition("reopen-incident", "diagnose-failure"), definition.Connections);

        // The printed practice is kept; the change control it means is noted.
        var replace = definition.FindStep("replace-access-point")!;
        Assert.Contains("organizational-change-management", replace.Practices);
        Assert.Contains("change control", replace.Description);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void Human_tasks_route_to_a_group_and_list_their_outcomes(string fileName)
    {
        var definition = Load(fileName);

        foreach (var task in definition.Steps.Where(s => s.Type == "human-task"))
        {
            Assert.False(string.IsNullOrWhiteSpace(Text(task, "title")), $"{definition.Id}/{task.Id} has no title");
            Assert.True(Group(definition, task) is { Length: > 0 }, $"{definition.Id}/{task.Id} has no group");
            Assert.NotEmpty(Outcomes(task));
        }
    }

    /// <summary>The book's table row a step follows belongs in its description; names and task titles read as the work.</summary>
    [Theory]
    [MemberData(nameof(Files))]
    public void Step_names_and_task_titles_do_not_carry_the_books_row_number(string fileName)
    {
        var definition = Load(fileName);

        foreach (var step in definition.Steps)
        {
            Assert.DoesNotMatch(BookRow, step.Name);
            Assert.DoesNotMatch(BookRow, Text(step, "title") ?? "");
        }
    }

    private const string BookRow = @"(?i)^\s*row\s+\d";

    [Fact]
    public void The_continual_improvement_model_asks_its_seven_questions_in_order()
    {
        var definition = Load("continual-improvement.json");
        string[] questions =
        [
            "What is the vision?", "Where are we now?", "Where do we want to be?", "How do we get there?",
            "Take action", "Did we get there?", "How do we keep the momentum going?",
        ];

        var titles = definition.Steps.Where(s => s.Type == "human-task").Select(s => Text(s, "title") ?? "").ToList();

        Assert.Equal(questions, titles);
        Assert.Contains(definition.Steps, s => s.Type == "create-record" && Text(s, "recordType") == "improvement");
    }

    /// <summary>Each row of the book's table becomes at least one step carrying exactly that row's activities, practices and roles.</summary>
    [Theory]
    [MemberData(nameof(AppendixA))]
    public void Every_appendix_a_row_has_a_step_with_exactly_its_activities_practices_and_roles(string id, string catalogueId)
    {
        var definition = Load($"{id}.json");
        var roleNames = definition.Roles.ToDictionary(r => r.Id, r => r.Name, StringComparer.Ordinal);
        var rows = CatalogueRows(catalogueId);
        Assert.NotEmpty(rows);

        var missing = new List<string>();
        foreach (var row in rows)
        {
            var kind = Text(row, "kind");
            var activities = Strings(row["valueChainActivities"]);
            var practices = Strings(row["practices"]);
            var roles = Strings(row["roles"]);
            var found = definition.Steps.Any(step =>
                (kind switch { "demand" => step.Type == "start", "value" => step.Type == "milestone", _ => step.Type is not ("start" or "milestone") })
                && step.ValueChainActivities.ToHashSet().SetEquals(activities)
                && step.Practices.ToHashSet().SetEquals(practices)
                && step.Roles.Select(r => roleNames.GetValueOrDefault(r, r)).ToHashSet().SetEquals(roles));
            if (!found)
                missing.Add($"row {row["n"]} ({kind}): [{string.Join(", ", activities)}] [{string.Join(", ", practices)}] [{string.Join(", ", roles)}]");
        }

        Assert.True(missing.Count == 0, $"{id} has no step for:\n{string.Join("\n", missing)}");
    }

    private static List<JsonObject> CatalogueRows(string catalogueId)
    {
        var catalogue = JsonNode.Parse(File.ReadAllText(RepositoryRoot.File("src", "ValueStreams.Core", "Catalogue", "itil4-catalogue.json")))!;
        var stream = ((JsonArray)catalogue["valueStreams"]!).OfType<JsonObject>().Single(s => Text(s, "id") == catalogueId);
        return ((JsonArray)stream["steps"]!).OfType<JsonObject>().ToList();
    }

    private static StepDefinition? FirstHumanTask(ValueStreamDefinition definition)
    {
        var start = definition.Steps.Single(s => s.Type == "start");
        var queue = new Queue<string>([start.Id]);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (queue.TryDequeue(out var id))
        {
            if (!seen.Add(id))
                continue;
            var step = definition.FindStep(id)!;
            if (step.Type == "human-task")
                return step;
            foreach (var connection in definition.Connections.Where(c => c.From == id))
                queue.Enqueue(connection.To);
        }
        return null;
    }

    private static string? Group(ValueStreamDefinition definition, StepDefinition task) =>
        Text(task, "group") ?? definition.Roles.FirstOrDefault(r => task.Roles.Count > 0 && r.Id == task.Roles[0])?.Group;

    private static List<string> Outcomes(StepDefinition task) =>
        (task.Properties["outcomes"] as JsonArray ?? []).OfType<JsonObject>().Select(o => Text(o, "id")!).ToList();

    private static string? Text(StepDefinition step, string name) => Text(step.Properties, name);

    private static string? Text(JsonObject node, string name) =>
        node[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static HashSet<string> Strings(JsonNode? node) =>
        (node as JsonArray ?? []).Select(n => n!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
}
