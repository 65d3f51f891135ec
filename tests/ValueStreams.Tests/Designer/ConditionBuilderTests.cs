using System.Text.Json.Nodes;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Designer.Designer.Conditions;
using ValueStreams.Engine.Expressions;
using ValueStreams.Tests.Support;
using Op = ValueStreams.Designer.Designer.Conditions.ConditionOperator;

namespace ValueStreams.Tests.Designer;

/// <summary>The condition builder's JavaScript: what it writes, what it reads back, and what the engine makes of it.</summary>
public sealed class ConditionBuilderTests
{
    private static readonly JintExpressionEvaluator Engine = new();

    private static ConditionSubject Var(string name, string? field = null) => new(ConditionScope.Variable, name, field);

    private static ConditionSubject Outcome(string stepId) => new(ConditionScope.Outcome, stepId);

    private static Condition One(ConditionClause clause) => new(ConditionJoin.All, [clause]);

    private static bool Holds(string expression, string variables, string outputs = "{}") =>
        Engine.EvaluateCondition(expression, new ExpressionScope(JsonNode.Parse(variables)!.AsObject(), null, JsonNode.Parse(outputs)!.AsObject()));

    /// <summary>Every shape the builder writes, with the JavaScript it is written as.</summary>
    public static TheoryData<string, ConditionClause> Shapes => new()
    {
        { """vars.priority === "P1" """.Trim(), new(Var("priority"), Op.Is, "P1") },
        { """vars.priority !== "P1" """.Trim(), new(Var("priority"), Op.IsNot, "P1") },
        { """String(vars.summary ?? "").includes("vpn")""", new(Var("summary"), Op.Contains, "vpn") },
        { "!vars.summary", new(Var("summary"), Op.IsEmpty) },
        { "!!vars.summary", new(Var("summary"), Op.IsNotEmpty) },
        { "vars.amount === 500", new(Var("amount"), Op.Equal, Number: 500) },
        { "vars.amount !== 0.5", new(Var("amount"), Op.NotEqual, Number: 0.5) },
        { "vars.amount < -3", new(Var("amount"), Op.Less, Number: -3) },
        { "vars.amount <= 1E+21", new(Var("amount"), Op.LessOrEqual, Number: 1e21) },
        { "vars.amount > 500", new(Var("amount"), Op.Greater, Number: 500) },
        { "vars.amount >= 2.25", new(Var("amount"), Op.GreaterOrEqual, Number: 2.25) },
        { "vars.standardChange === true", new(Var("standardChange"), Op.IsYes) },
        { "vars.standardChange !== true", new(Var("standardChange"), Op.IsNo) },
        { """["P1", "P2"].includes(vars.priority)""", new(Var("priority"), Op.IsOneOf, Options: ["P1", "P2"]) },
        { "[].includes(vars.priority)", new(Var("priority"), Op.IsOneOf) },
        { """Date.parse(vars.plannedStart) < Date.parse("2026-12-01")""", new(Var("plannedStart"), Op.Before, "2026-12-01") },
        { """Date.parse(vars.plannedStart) > Date.parse("2026-12-01")""", new(Var("plannedStart"), Op.After, "2026-12-01") },
        { """outcomes["assess-change"] === "approved" """.Trim(), new(Outcome("assess-change"), Op.Is, "approved") },
        { """outcomes.review === "approved" """.Trim(), new(Outcome("review"), Op.Is, "approved") },
        { """vars["first name"] === "Ada" """.Trim(), new(Var("first name"), Op.Is, "Ada") },
        { """vars.raisedChange?.state === "closed" """.Trim(), new(Var("raisedChange", "state"), Op.Is, "closed") },
        { """vars.raisedChange?.["odd-field"] === "x" """.Trim(), new(Var("raisedChange", "odd-field"), Op.Is, "x") },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Each_shape_is_written_as_javascript_and_read_back_as_the_same_clause(string javaScript, ConditionClause clause)
    {
        Assert.Equal(javaScript, ConditionWriter.Write(One(clause)));
        Assert.Equal(One(clause), ConditionReader.Read(javaScript));
        Holds(javaScript, "{}"); // the engine runs it: no syntax error, no failure on missing variables
    }

    [Fact]
    public void Clauses_are_joined_by_all_of_or_any_of_and_read_back_with_their_join()
    {
        ConditionClause[] clauses = [new(Var("priority"), Op.Is, "P1"), new(Var("amount"), Op.Greater, Number: 500)];
        var all = new Condition(ConditionJoin.All, clauses);
        var any = new Condition(ConditionJoin.Any, clauses);

        Assert.Equal("""vars.priority === "P1" && vars.amount > 500""", ConditionWriter.Write(all));
        Assert.Equal("""vars.priority === "P1" || vars.amount > 500""", ConditionWriter.Write(any));
        Assert.Equal(all, ConditionReader.Read(ConditionWriter.Write(all)));
        Assert.Equal(any, ConditionReader.Read(ConditionWriter.Write(any)));
        Assert.Equal("", ConditionWriter.Write(Condition.Empty));
        Assert.Equal(Condition.Empty, ConditionReader.Read("  "));
    }

    [Theory]
    [InlineData("vars.priority=='P1'", "P1")]
    [InlineData("  vars . priority   ===\t\"P1\"  ", "P1")]
    [InlineData("vars['priority'] === 'it\\'s'", "it's")]
    [InlineData("vars.priority === 'tab\\there \\u00e9\\x41'", "tab\there éA")]
    public void The_reader_allows_spacing_double_equals_and_single_quotes(string javaScript, string value) =>
        Assert.Equal(One(new(Var("priority"), Op.Is, value)), ConditionReader.Read(javaScript));

    [Fact]
    public void Loose_inequality_reads_as_is_not() =>
        Assert.Equal(One(new(Var("approvalPolicy"), Op.IsNot, "none")), ConditionReader.Read("vars.approvalPolicy != 'none'"));

    /// <summary>What people type is a string literal, never code: quotes, backslashes, line breaks and markup survive as text.</summary>
    [Theory]
    [InlineData("\"); process.exit(1); (\"")]
    [InlineData("it's \"quoted\"")]
    [InlineData("back\\slash \\\" \\u0041")]
    [InlineData("</script><script>alert(1)</script>")]
    [InlineData("line one\nline two\r\n\ttabbed")]
    [InlineData("\u2028\u2029 and \0 nul")]
    [InlineData("' + vars.secret + '")]
    [InlineData("${vars.secret}`")]
    [InlineData("Zürich ✓ 東京")]
    public void Hostile_values_round_trip_and_compare_as_plain_text(string value)
    {
        var condition = new Condition(ConditionJoin.Any,
        [
            new(Var("summary"), Op.Is, value), new(Var("summary"), Op.Contains, value), new(Var("summary"), Op.IsOneOf, Options: [value, "other"]),
        ]);
        var javaScript = ConditionWriter.Write(condition);

        Assert.DoesNotContain("</script", javaScript, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("\n", javaScript);
        Assert.Equal(condition, ConditionReader.Read(javaScript));
        var variables = new JsonObject { ["summary"] = value, ["secret"] = "s3cret" }.ToJsonString();
        foreach (var clause in condition.Clauses)
            Assert.True(Holds(ConditionWriter.Write(One(clause)), variables), ConditionWriter.Write(One(clause)));
        Assert.False(Holds(ConditionWriter.Write(One(condition.Clauses[0])), new JsonObject { ["summary"] = value + "x" }.ToJsonString()));
    }

    [Theory]
    [InlineData("vars.summary")]
    [InlineData("vars.standardChange === false")]
    [InlineData("vars.summary.includes('vpn')")]
    [InlineData("vars.priority === 'P1' && vars.amount > 5 || vars.urgent === true")]
    [InlineData("(vars.priority === 'P1')")]
    [InlineData("vars.priority === 'P1' && alert(1)")]
    [InlineData("vars.priority === 'P1'; vars.x = 1")]
    [InlineData("vars.priority === 'P1' // P1 only")]
    [InlineData("vars.priority === `P1`")]
    [InlineData("vars.priority === 'P1")]
    [InlineData("vars.priority === 'a\\qb'")]
    [InlineData("vars.priority === 'line\nbreak'")]
    [InlineData("'P1' === vars.priority")]
    [InlineData("vars.amount < 'ten'")]
    [InlineData("vars.amount > 0x10")]
    [InlineData("vars.amount > 1.2.3")]
    [InlineData("input.priority === 'P1'")]
    [InlineData("outputs.triage.score > 5")]
    [InlineData("vars.raisedChange != null && vars.raisedChange.state === 'closed'")]
    [InlineData("outcomes.review?.state === 'x'")]
    [InlineData("Date.parse(vars.start) <= Date.parse('2026-01-01')")]
    [InlineData("String(vars.summary ?? 'x').includes('vpn')")]
    [InlineData("['P1', vars.other].includes(vars.priority)")]
    [InlineData("vars[''] === 'x'")]
    [InlineData("vars.priority === 'P1' &&")]
    [InlineData("!!!vars.summary")]
    public void JavaScript_of_other_shapes_is_not_read_and_stays_advanced(string javaScript) =>
        Assert.Null(ConditionReader.Read(javaScript));

    /// <summary>Each operator, run by the engine over sample variables: it holds exactly when it says.</summary>
    [Theory]
    [InlineData("""{ "priority": "P1" }""", true)]
    [InlineData("""{ "priority": "P2" }""", false)]
    public void Is_and_is_not_compare_text(string variables, bool isP1)
    {
        Assert.Equal(isP1, Holds(ConditionWriter.Write(One(new(Var("priority"), Op.Is, "P1"))), variables));
        Assert.Equal(!isP1, Holds(ConditionWriter.Write(One(new(Var("priority"), Op.IsNot, "P1"))), variables));
    }

    [Theory]
    [InlineData("""{ "summary": "VPN down: vpn gateway" }""", true, false)]
    [InlineData("""{ "summary": "printer" }""", false, false)]
    [InlineData("""{ "summary": "" }""", false, true)]
    [InlineData("""{ "summary": null }""", false, true)]
    [InlineData("{}", false, true)]
    public void Contains_and_emptiness_hold_for_missing_and_null_text_without_failing(string variables, bool containsVpn, bool empty)
    {
        Assert.Equal(containsVpn, Holds(ConditionWriter.Write(One(new(Var("summary"), Op.Contains, "vpn"))), variables));
        Assert.Equal(empty, Holds(ConditionWriter.Write(One(new(Var("summary"), Op.IsEmpty))), variables));
        Assert.Equal(!empty, Holds(ConditionWriter.Write(One(new(Var("summary"), Op.IsNotEmpty))), variables));
    }

    [Theory]
    [InlineData(Op.Equal, 500, false, true, false)]
    [InlineData(Op.NotEqual, 500, true, false, true)]
    [InlineData(Op.Less, 500, true, false, false)]
    [InlineData(Op.LessOrEqual, 500, true, true, false)]
    [InlineData(Op.Greater, 500, false, false, true)]
    [InlineData(Op.GreaterOrEqual, 500, false, true, true)]
    public void Number_operators_compare_numbers(Op op, double value, bool below, bool at, bool above)
    {
        var javaScript = ConditionWriter.Write(One(new(Var("amount"), op, Number: value)));
        Assert.Equal(below, Holds(javaScript, """{ "amount": 499.5 }"""));
        Assert.Equal(at, Holds(javaScript, """{ "amount": 500 }"""));
        Assert.Equal(above, Holds(javaScript, """{ "amount": 1200 }"""));
    }

    [Theory]
    [InlineData("""{ "ok": true }""", true)]
    [InlineData("""{ "ok": false }""", false)]
    [InlineData("""{ "ok": "true" }""", false)]
    [InlineData("{}", false)]
    public void Yes_holds_only_for_true_and_no_for_everything_else(string variables, bool yes)
    {
        Assert.Equal(yes, Holds(ConditionWriter.Write(One(new(Var("ok"), Op.IsYes))), variables));
        Assert.Equal(!yes, Holds(ConditionWriter.Write(One(new(Var("ok"), Op.IsNo))), variables));
    }

    [Theory]
    [InlineData("P1", true)]
    [InlineData("P2", true)]
    [InlineData("P3", false)]
    public void Is_one_of_holds_for_the_listed_choices(string priority, bool listed) =>
        Assert.Equal(listed, Holds(ConditionWriter.Write(One(new(Var("priority"), Op.IsOneOf, Options: ["P1", "P2"]))), $$"""{ "priority": "{{priority}}" }"""));

    [Theory]
    [InlineData("2026-11-30T23:00:00Z", true, false)]
    [InlineData("2026-12-01T09:30:00Z", false, true)]
    [InlineData("2027-01-15", false, true)]
    [InlineData("not a date", false, false)]
    public void Before_and_after_compare_dates(string plannedStart, bool before, bool after)
    {
        var variables = $$"""{ "plannedStart": "{{plannedStart}}" }""";
        Assert.Equal(before, Holds(ConditionWriter.Write(One(new(Var("plannedStart"), Op.Before, "2026-12-01"))), variables));
        Assert.Equal(after, Holds(ConditionWriter.Write(One(new(Var("plannedStart"), Op.After, "2026-12-01"))), variables));
    }

    [Fact]
    public void An_outcome_clause_reads_the_outcome_the_task_left_by()
    {
        var javaScript = ConditionWriter.Write(One(new(Outcome("assess-change"), Op.Is, "approved")));
        Assert.True(Holds(javaScript, "{}", """{ "assess-change": { "outcome": "approved" } }"""));
        Assert.False(Holds(javaScript, "{}", """{ "assess-change": { "outcome": "rejected" } }"""));
        Assert.False(Holds(javaScript, "{}"));
    }

    [Fact]
    public void A_record_field_clause_is_false_while_the_variable_holds_no_record()
    {
        var javaScript = ConditionWriter.Write(One(new(Var("raisedChange", "state"), Op.Is, "closed")));
        Assert.True(Holds(javaScript, """{ "raisedChange": { "state": "closed" } }"""));
        Assert.False(Holds(javaScript, """{ "raisedChange": { "state": "new" } }"""));
        Assert.False(Holds(javaScript, """{ "raisedChange": null }"""));
        Assert.False(Holds(javaScript, "{}"));
    }

    [Fact]
    public void All_of_needs_every_clause_and_any_of_one()
    {
        ConditionClause[] clauses = [new(Var("priority"), Op.Is, "P1"), new(Var("amount"), Op.Greater, Number: 500)];
        var all = ConditionWriter.Write(new(ConditionJoin.All, clauses));
        var any = ConditionWriter.Write(new(ConditionJoin.Any, clauses));

        Assert.True(Holds(all, """{ "priority": "P1", "amount": 501 }"""));
        Assert.False(Holds(all, """{ "priority": "P1", "amount": 20 }"""));
        Assert.True(Holds(any, """{ "priority": "P3", "amount": 501 }"""));
        Assert.False(Holds(any, """{ "priority": "P3", "amount": 20 }"""));
    }

    [Fact]
    public void Every_decision_condition_of_the_shipped_streams_opens_in_the_builder()
    {
        var conditions = Directory.GetFiles(RepositoryRoot.File("workflows"), "*.json")
            .SelectMany(file => ValueStreamReader.Read(File.ReadAllBytes(file)).Definition!.Steps
                .Where(s => s.Type == "decision")
                .SelectMany(s => s.Properties["conditions"]!.AsArray().Select(c => $"{Path.GetFileName(file)} {s.Id}: {(string)c!["expression"]!}")))
            .ToList();

        Assert.NotEmpty(conditions);
        Assert.All(conditions, c => Assert.NotNull(ConditionReader.Read(c[(c.IndexOf(": ", StringComparison.Ordinal) + 2)..])));
    }

    private const string Stream = """
        {
          "$schema": "schema/value-stream.schema.json",
          "id": "access", "name": "Access",
          "variables": [ { "name": "approved", "type": "boolean" }, { "name": "notes", "type": "object" }, { "name": "priority", "type": "string" } ],
          "steps": [
            { "id": "start", "type": "start", "name": "Asked", "trigger": "manual", "position": { "x": 0, "y": 0 } },
            { "id": "triage", "type": "human-task", "name": "Triage", "title": "Triage",
              "form": [
                { "name": "priority", "label": "Priority", "type": "choice", "options": ["P1", "P2"] },
                { "name": "cost", "label": "Cost", "type": "number" },
                { "name": "wanted", "label": "Wanted by", "type": "date-time" },
                { "name": "tags", "label": "Tags", "type": "multi-choice", "options": ["a"] }
              ],
              "outcomes": [ { "id": "accept", "label": "Accept" }, { "id": "refuse", "label": "Refuse" } ], "position": { "x": 200, "y": 0 } },
            { "id": "find", "type": "lookup-record", "name": "Find the change", "recordType": "change", "resultVariable": "change", "position": { "x": 400, "y": 0 } },
            { "id": "route", "type": "decision", "name": "Route", "conditions": [], "defaultPort": "other", "position": { "x": 600, "y": 0 } },
            { "id": "later", "type": "human-task", "name": "Later", "title": "Later", "form": [ { "name": "after", "label": "After", "type": "text" } ],
              "outcomes": [ { "id": "done", "label": "Done" } ], "position": { "x": 800, "y": 0 } },
            { "id": "end", "type": "end", "name": "End", "position": { "x": 1000, "y": 0 } }
          ],
          "connections": [
            { "from": "start", "to": "triage" }, { "from": "triage", "port": "accept", "to": "find" }, { "from": "find", "port": "found", "to": "route" },
            { "from": "route", "port": "other", "to": "later" }, { "from": "later", "to": "end" }
          ]
        }
        """;

    [Fact]
    public void A_decision_can_ask_about_variables_earlier_form_fields_outcomes_and_found_records_but_not_later_steps()
    {
        var definition = ValueStreamReader.Read(Stream).Definition!;

        var subjects = ConditionSubjects.For(definition, "route");

        var priority = Assert.Single(subjects, s => s.Subject == Var("priority"));
        Assert.Equal(("Priority (Triage)", ConditionValueType.Choice), (priority.Label, priority.Type));
        Assert.Equal(["P1", "P2"], priority.Options.Select(o => o.Value));
        Assert.Equal(ConditionValueType.Number, Assert.Single(subjects, s => s.Subject == Var("cost")).Type);
        Assert.Equal(ConditionValueType.Date, Assert.Single(subjects, s => s.Subject == Var("wanted")).Type);
        Assert.Equal(ConditionValueType.YesNo, Assert.Single(subjects, s => s.Subject == Var("approved")).Type);
        var outcome = Assert.Single(subjects, s => s.Subject == Outcome("triage"));
        Assert.Equal(["Accept", "Refuse"], outcome.Options.Select(o => o.Label));
        var state = Assert.Single(subjects, s => s.Subject == Var("change", "state"));
        Assert.Equal(ConditionValueType.Choice, state.Type);
        Assert.NotEmpty(state.Options);
        // Lists, objects, later steps' fields and the decision's own ways out are not offered.
        Assert.DoesNotContain(subjects, s => s.Subject.Name is "tags" or "notes" or "after" || s.Subject == Outcome("later"));
    }

    [Fact]
    public void A_record_created_start_asks_about_the_records_fields()
    {
        var definition = ValueStreamReader.Read(Stream).Definition!;
        var start = definition.FindStep("start")!;
        start.Properties["trigger"] = "record-created";
        start.Properties["recordType"] = "incident";

        var subjects = ConditionSubjects.For(definition, "start");

        var impact = Assert.Single(subjects, s => s.Subject == Var("impact"));
        Assert.Equal(ConditionValueType.Choice, impact.Type);
        Assert.Contains(impact.Options, o => o.Value == "high");
        Assert.True(ConditionProperties.IsCondition("start", "condition"));
        Assert.True(ConditionProperties.IsCondition("decision", "expression"));
        Assert.False(ConditionProperties.IsCondition("script", "script"));
    }
}
