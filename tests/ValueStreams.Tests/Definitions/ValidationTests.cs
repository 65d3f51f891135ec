using System.Text;
using System.Text.Json.Nodes;
using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.Validation;

namespace ValueStreams.Tests.Definitions;

/// <summary>
/// Each test starts from the valid sample of <see cref="CanonicalFormatTests"/> (steps: [0] request (start),
/// [1] reset (human-task), [2] working (milestone), [3] done (end); connections: [0] request→reset,
/// [1] reset/reset→working, [2] reset/refused→done, [3] working→done), changes one thing and checks the issue.
/// </summary>
public sealed class ValidationTests
{
    private static readonly ValueStreamValidator Validator = new(ItilCatalogue.Default);

    // ---- the baseline ----

    [Fact]
    public void The_sample_stream_is_valid_with_no_errors_and_no_warnings()
    {
        var report = Validate(_ => { });

        Assert.Empty(report.Errors);
        Assert.Empty(report.Warnings);
        Assert.True(report.IsValid);
    }

    [Fact]
    public void A_valid_linear_stream_of_500_steps_has_no_errors()
    {
        var definition = new ValueStreamDefinition { Id = "long-chain", Name = "Long chain", Roles = [new("agent", "Agent", "service-desk")] };
        definition.Steps.Add(new StepDefinition { Id = "start", Type = "start", Name = "Start", Roles = ["agent"], Properties = new JsonObject { ["trigger"] = "manual" } });
        for (var i = 1; i <= 497; i++)
            definition.Steps.Add(new StepDefinition
            {
                Id = $"work-{i}", Type = "set-variables", Name = $"Work {i}", ValueChainActivities = ["deliver-and-support"],
                Practices = ["service-request-management"],
                Properties = new JsonObject { ["assignments"] = new JsonArray(new JsonObject { ["variable"] = "n", ["expression"] = $"vars.n + {i}" }) },
                Position = new CanvasPosition(i * 10, 0),
            });
        definition.Steps.Add(new StepDefinition { Id = "value", Type = "milestone", Name = "Value", Roles = ["agent"], Properties = new JsonObject { ["value"] = "Done." } });
        definition.Steps.Add(new StepDefinition { Id = "end", Type = "end", Name = "End" });
        for (var i = 0; i + 1 < definition.Steps.Count; i++)
            definition.Connections.Add(new ConnectionDefinition(definition.Steps[i].Id, definition.Steps[i + 1].Id));

        var report = Validator.Validate(definition);

        Assert.Equal(500, definition.Steps.Count);
        Assert.Empty(report.Errors);
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void A_problem_the_reader_already_reported_is_not_repeated_by_the_rules()
    {
        var report = Validate(root => Step(root, "working")["id"] = "");

        Assert.Single(report.Errors, e => e.Path == "steps[2].id");
    }

    // ---- ids and names ----

    [Fact]
    public void A_stream_id_that_is_not_lower_case_kebab_case_is_an_error()
    {
        var report = Validate(root => root["id"] = "Password_Reset");

        AssertError(report, "id", "'Password_Reset' is not lower-case kebab-case");
    }

    [Theory]
    [InlineData("Reset", "not lower-case kebab-case")]
    [InlineData("reset--twice", "not lower-case kebab-case")]
    [InlineData("-reset", "not lower-case kebab-case")]
    [InlineData("reset password", "not lower-case kebab-case")]
    public void A_step_id_that_is_not_lower_case_kebab_case_is_an_error(string id, string message)
    {
        var report = Validate(root => Step(root, "working")["id"] = id);

        AssertError(report, "steps[2].id", message);
    }

    [Fact]
    public void A_step_id_longer_than_64_characters_is_an_error()
    {
        var report = Validate(root => Step(root, "working")["id"] = new string('w', 65));

        AssertError(report, "steps[2].id", "at most 64");
    }

    [Fact]
    public void A_duplicate_step_id_is_reported_at_the_second_step()
    {
        var report = Validate(root => AddStep(root, """{ "id": "working", "type": "end", "name": "Again", "position": { "x": 0, "y": 0 } }"""));

        AssertError(report, "steps[4].id", "duplicate step id 'working'");
        Assert.DoesNotContain(report.Errors, e => e.Path == "steps[2].id");
    }

    [Fact]
    public void A_duplicate_role_id_is_an_error()
    {
        var report = Validate(root => root["roles"]!.AsArray().Add(Json("""{ "id": "user", "name": "Another user" }""")));

        AssertError(report, "roles[2].id", "duplicate role id 'user'");
    }

    [Fact]
    public void A_duplicate_variable_name_is_an_error()
    {
        var report = Validate(root => root["variables"]!.AsArray().Add(Json("""{ "name": "urgent", "type": "string" }""")));

        AssertError(report, "variables[1].name", "duplicate variable 'urgent'");
    }

    [Fact]
    public void A_variable_of_an_unknown_type_names_the_types()
    {
        var report = Validate(root => root["variables"]![0]!["type"] = "bool");

        AssertError(report, "variables[0].type", "unknown variable type 'bool' (types: string, number, boolean, object, list)");
    }

    [Fact]
    public void A_variable_default_must_be_of_the_variables_type()
    {
        var report = Validate(root => root["variables"]![0]!["default"] = "no");

        AssertError(report, "variables[0].default", "a default of a boolean variable must be a boolean");
    }

    // ---- step types and their properties ----

    [Fact]
    public void An_unknown_step_type_is_an_error()
    {
        var report = Validate(root => Step(root, "done")["type"] = "foo");

        AssertError(report, "steps[3].type", "unknown step type 'foo'");
    }

    [Fact]
    public void A_property_the_step_type_does_not_declare_is_an_error()
    {
        var report = Validate(root => Step(root, "reset")["colour"] = "red");

        AssertError(report, "steps[1].colour", "unknown property");
    }

    [Fact]
    public void A_missing_required_input_is_an_error()
    {
        var report = Validate(root => Step(root, "reset").Remove("title"));

        AssertError(report, "steps[1].title", "required");
    }

    [Fact]
    public void An_empty_required_input_is_an_error()
    {
        var report = Validate(root => Step(root, "working")["value"] = "");

        AssertError(report, "steps[2].value", "must not be empty");
    }

    [Theory]
    [InlineData("reset", "title", "42", "steps[1].title", "must be a string")]
    [InlineData("reset", "priority", "\"high\"", "steps[1].priority", "must be an integer")]
    [InlineData("reset", "priority", "1.5", "steps[1].priority", "must be an integer")]
    [InlineData("request", "trigger", "\"telepathy\"", "steps[0].trigger", "'telepathy' is not one of: manual, api, event, record-created, schedule")]
    [InlineData("request", "trigger", "true", "steps[0].trigger", "must be one of: manual")]
    [InlineData("reset", "outcomes", "{}", "steps[1].outcomes", "must be an array of objects")]
    [InlineData("reset", "outcomes", "[\"reset\"]", "steps[1].outcomes[0]", "must be an object")]
    [InlineData("reset", "sla", "\"PT4H\"", "steps[1].sla", "must be an object")]
    [InlineData("reset", "sla", "{ \"resolveWithin\": \"4 hours\" }", "steps[1].sla.resolveWithin", "'4 hours' is not an ISO 8601 duration")]
    [InlineData("reset", "sla", "{ \"respondWithin\": \"PT1H\", \"escalate\": true }", "steps[1].sla.escalate", "unknown property")]
    [InlineData("reset", "sla", "{ \"level\": \"gold\" }", "steps[1].sla.level", "unknown property")]
    [InlineData("reset", "form", "[{ \"name\": \"n\", \"label\": \"N\", \"type\": \"number\", \"min\": \"1\" }]", "steps[1].form[0].min", "must be a number")]
    [InlineData("reset", "form", "[{ \"name\": \"n\", \"label\": \"N\", \"type\": \"checkbox\", \"required\": \"yes\" }]", "steps[1].form[0].required", "must be true or false")]
    [InlineData("reset", "form", "[{ \"name\": \"n\", \"type\": \"checkbox\" }]", "steps[1].form[0].label", "required")]
    [InlineData("reset", "form", "[{ \"name\": \"n\", \"label\": \"N\", \"type\": \"slider\" }]", "steps[1].form[0].type", "'slider' is not one of")]
    [InlineData("reset", "form", "[{ \"name\": \"n\", \"label\": \"N\", \"type\": \"choice\", \"options\": \"a, b\" }]", "steps[1].form[0].options", "must be an array of strings")]
    [InlineData("reset", "form", "[{ \"name\": \"n\", \"label\": \"N\", \"type\": \"choice\", \"options\": [\"a\", 2] }]", "steps[1].form[0].options[1]", "must be a string")]
    public void A_property_value_of_the_wrong_kind_is_an_error(string stepId, string property, string value, string path, string message)
    {
        var report = Validate(root => Step(root, stepId)[property] = Json(value));

        AssertError(report, path, message);
    }

    [Fact]
    public void Any_json_value_is_accepted_where_the_input_kind_is_json()
    {
        var report = Validate(root => Step(root, "reset")["form"]![0]!["default"] = Json("""{ "any": [1, "two", null] }"""));

        Assert.Empty(report.Errors);
    }

    [Fact]
    public void The_step_types_own_checks_are_reported_at_paths_inside_the_step()
    {
        var report = Validate(root => Step(root, "request")["trigger"] = "event");

        AssertError(report, "steps[0].event", "the event trigger needs an event name");
    }

    [Fact]
    public void A_timer_with_a_duration_that_is_not_iso_8601_is_an_error()
    {
        var report = Validate(root => InsertBetweenWorkingAndDone(root, """{ "id": "wait", "type": "timer", "name": "Wait", "duration": "P1 day", "position": { "x": 0, "y": 0 } }"""));

        AssertError(report, "steps[4].duration", "'P1 day' is not an ISO 8601 duration");
    }

    [Fact]
    public void A_timer_with_an_iso_8601_duration_is_valid()
    {
        var report = Validate(root => InsertBetweenWorkingAndDone(root, """{ "id": "wait", "type": "timer", "name": "Wait", "duration": "P1DT4H30M", "position": { "x": 0, "y": 0 } }"""));

        Assert.Empty(report.Errors);
    }

    [Theory]
    [InlineData("""{ "attempts": 1, "delay": "PT30S" }""", "steps[4].retry.attempts", "attempts must be 2 to 10, the first attempt included; it is 1")]
    [InlineData("""{ "attempts": 11, "delay": "PT30S" }""", "steps[4].retry.attempts", "attempts must be 2 to 10, the first attempt included; it is 11")]
    [InlineData("""{ "attempts": 2.5, "delay": "PT30S" }""", "steps[4].retry.attempts", "must be an integer")]
    [InlineData("""{ "delay": "PT30S" }""", "steps[4].retry.attempts", "required")]
    [InlineData("""{ "attempts": 3, "delay": "PT0.5S" }""", "steps[4].retry.delay", "delay must be PT1S to P1D; it is PT0.5S")]
    [InlineData("""{ "attempts": 3, "delay": "P2D" }""", "steps[4].retry.delay", "delay must be PT1S to P1D; it is P2D")]
    [InlineData("""{ "attempts": 3, "delay": "-PT30S" }""", "steps[4].retry.delay", "delay must be PT1S to P1D; it is -PT30S")]
    [InlineData("""{ "attempts": 3, "delay": "soon" }""", "steps[4].retry.delay", "'soon' is not an ISO 8601 duration")]
    [InlineData("""{ "attempts": 3 }""", "steps[4].retry.delay", "required")]
    [InlineData("""{ "attempts": 3, "delay": "PT30S", "backoff": 0.5 }""", "steps[4].retry.backoff", "backoff must be 1 to 10; it is 0.5")]
    [InlineData("""{ "attempts": 3, "delay": "PT30S", "backoff": 12 }""", "steps[4].retry.backoff", "backoff must be 1 to 10; it is 12")]
    [InlineData("""{ "attempts": 3, "delay": "PT30S", "backoff": "2" }""", "steps[4].retry.backoff", "must be a number")]
    [InlineData("""{ "attempts": 3, "delay": "PT30S", "maxDelay": "PT10S" }""", "steps[4].retry.maxDelay", "maxDelay PT10S is shorter than the delay PT30S")]
    [InlineData("""{ "attempts": 3, "delay": "PT30S", "jitter": true }""", "steps[4].retry.jitter", "unknown property")]
    [InlineData("""3""", "steps[4].retry", "must be an object")]
    public void Retry_policy_values_out_of_range_are_errors_at_their_paths(string retry, string path, string message)
    {
        var report = Validate(root => InsertBetweenWorkingAndDone(root,
            $$"""{ "id": "tidy", "type": "script", "name": "Tidy up", "valueChainActivities": ["deliver-and-support"], "script": "vars.n = 1;", "retry": {{retry}}, "position": { "x": 0, "y": 0 } }"""));

        AssertError(report, path, message);
        Assert.Single(report.Errors);
    }

    [Theory]
    [InlineData("""{ "attempts": 2, "delay": "PT1S" }""")]
    [InlineData("""{ "attempts": 10, "delay": "P1D", "backoff": 10, "maxDelay": "P1D" }""")]
    [InlineData("""{ "attempts": 3, "delay": "PT30S", "backoff": 1.5, "maxDelay": "PT5M" }""")]
    public void Retry_policy_within_its_ranges_is_valid(string retry)
    {
        var report = Validate(root => InsertBetweenWorkingAndDone(root,
            $$"""{ "id": "tidy", "type": "script", "name": "Tidy up", "valueChainActivities": ["deliver-and-support"], "script": "vars.n = 1;", "retry": {{retry}}, "position": { "x": 0, "y": 0 } }"""));

        Assert.Empty(report.Errors);
    }

    [Fact]
    public void Retry_is_not_a_property_of_a_human_task()
    {
        var report = Validate(root => Step(root, "reset")["retry"] = Json("""{ "attempts": 3, "delay": "PT30S" }"""));

        AssertError(report, "steps[1].retry", "unknown property");
    }

    // ---- R1: one demand, at least one value ----

    [Fact]
    public void A_stream_without_a_start_step_is_an_error()
    {
        var report = Validate(root =>
        {
            Steps(root).RemoveAt(0);
            Connections(root).RemoveAt(0);
        });

        AssertError(report, "steps", "exactly one start (demand) step; it has none");
    }

    [Fact]
    public void A_second_start_step_is_an_error()
    {
        var report = Validate(root =>
        {
            AddStep(root, """{ "id": "again", "type": "start", "name": "Again", "roles": ["user"], "trigger": "api", "position": { "x": 0, "y": 0 } }""");
            AddConnection(root, "again", "reset");
        });

        AssertError(report, "steps[4].type", "a second start (demand) step; a value stream has exactly one, and it is 'request'");
    }

    [Fact]
    public void A_stream_without_a_value_milestone_is_an_error()
    {
        var report = Validate(root =>
        {
            Steps(root).RemoveAt(2);
            Connections(root).RemoveAt(3);
            Connections(root)[1]!["to"] = "done";
            Connections(root)[2]!["to"] = "done";
        });

        AssertError(report, "steps", "at least one value milestone");
    }

    [Fact]
    public void A_stream_without_an_end_step_is_an_error()
    {
        var report = Validate(root =>
        {
            Steps(root).RemoveAt(3);
            Connections(root).RemoveAt(3);
            Connections(root)[2]!["to"] = "working";
        });

        AssertError(report, "steps", "at least one end step");
        AssertError(report, "steps[2]", "port 'done' is not connected");
    }

    // ---- R3, R4: value chain activities ----

    [Fact]
    public void An_activity_step_without_a_value_chain_activity_is_an_error()
    {
        var report = Validate(root => Step(root, "reset")["valueChainActivities"] = new JsonArray());

        AssertError(report, "steps[1].valueChainActivities", "an activity step needs at least one value chain activity");
    }

    [Fact]
    public void An_unknown_value_chain_activity_is_an_error()
    {
        var report = Validate(root => Step(root, "reset")["valueChainActivities"]![0] = "deliver");

        AssertError(report, "steps[1].valueChainActivities[0]", "unknown value chain activity 'deliver'");
    }

    [Fact]
    public void A_value_chain_activity_listed_twice_is_an_error()
    {
        var report = Validate(root => Step(root, "reset")["valueChainActivities"]!.AsArray().Add("engage"));

        AssertError(report, "steps[1].valueChainActivities[2]", "duplicate value chain activity 'engage'");
    }

    [Fact]
    public void A_start_step_with_a_value_chain_activity_is_an_error()
    {
        var report = Validate(root => Step(root, "request")["valueChainActivities"] = Json("""["engage"]"""));

        AssertError(report, "steps[0].valueChainActivities[0]", "a start (demand) step has no value chain activities");
    }

    [Fact]
    public void A_value_milestone_may_carry_improve_but_no_other_activity()
    {
        var improve = Validate(root => Step(root, "working")["valueChainActivities"] = Json("""["improve"]"""));
        var engage = Validate(root => Step(root, "working")["valueChainActivities"] = Json("""["improve", "engage"]"""));

        Assert.Empty(improve.Errors);
        AssertError(engage, "steps[2].valueChainActivities[1]", "a value milestone may carry only 'improve', not 'engage'");
    }

    // ---- R5: practices ----

    [Fact]
    public void An_unknown_practice_is_an_error_at_its_index()
    {
        var report = Validate(root => Step(root, "reset")["practices"]![1] = "incident-mgmt");

        var error = Assert.Single(report.Errors);
        Assert.Equal("steps[1].practices[1]: unknown practice 'incident-mgmt'", error.ToString());
    }

    [Fact]
    public void A_practice_listed_twice_is_an_error()
    {
        var report = Validate(root => Step(root, "reset")["practices"]!.AsArray().Add("service-desk"));

        AssertError(report, "steps[1].practices[2]", "duplicate practice 'service-desk'");
    }

    // ---- R6: roles ----

    [Theory]
    [InlineData("request", "steps[0].roles", "a start (demand) step needs at least one role")]
    [InlineData("working", "steps[2].roles", "a value milestone needs at least one role")]
    [InlineData("reset", "steps[1].roles", "a human task needs at least one role")]
    public void Demand_value_and_human_task_steps_need_a_role(string stepId, string path, string message)
    {
        var report = Validate(root => Step(root, stepId)["roles"] = new JsonArray());

        AssertError(report, path, message);
    }

    [Fact]
    public void Automated_and_control_steps_need_no_role()
    {
        var report = Validate(root => InsertBetweenWorkingAndDone(root, """{ "id": "tell", "type": "notify", "name": "Tell", "valueChainActivities": ["engage"], "channel": "email", "to": "{{ vars.email }}", "body": "Done.", "position": { "x": 0, "y": 0 } }"""));

        Assert.Empty(report.Errors);
    }

    [Fact]
    public void A_step_role_that_is_not_declared_is_an_error()
    {
        var report = Validate(root => Step(root, "working")["roles"] = Json("""["user", "x"]"""));

        AssertError(report, "steps[2].roles[1]", "unknown role 'x'");
    }

    [Fact]
    public void A_role_listed_twice_on_a_step_is_an_error()
    {
        var report = Validate(root => Step(root, "working")["roles"] = Json("""["user", "user"]"""));

        AssertError(report, "steps[2].roles[1]", "duplicate role 'user'");
    }

    // ---- human tasks ----

    [Fact]
    public void A_human_task_without_outcomes_is_an_error()
    {
        var report = Validate(root => Step(root, "reset")["outcomes"] = new JsonArray());

        AssertError(report, "steps[1].outcomes", "a human task needs at least one outcome");
    }

    [Fact]
    public void Outcome_ids_of_a_human_task_are_unique()
    {
        var report = Validate(root => Step(root, "reset")["outcomes"]!.AsArray().Add(Json("""{ "id": "reset", "label": "Reset again" }""")));

        AssertError(report, "steps[1].outcomes[2].id", "duplicate outcome 'reset'");
    }

    [Fact]
    public void Form_field_names_of_a_human_task_are_unique()
    {
        var report = Validate(root => Step(root, "reset")["form"]!.AsArray().Add(Json("""{ "name": "verified", "label": "Again", "type": "text" }""")));

        AssertError(report, "steps[1].form[1].name", "duplicate field 'verified'");
    }

    [Fact]
    public void A_form_field_may_not_clash_with_a_variable_of_another_type()
    {
        var clash = Validate(root => Step(root, "reset")["form"]!.AsArray().Add(Json("""{ "name": "urgent", "label": "Urgent?", "type": "text" }""")));
        var fits = Validate(root => Step(root, "reset")["form"]!.AsArray().Add(Json("""{ "name": "urgent", "label": "Urgent?", "type": "checkbox" }""")));

        AssertError(clash, "steps[1].form[1].name", "field 'urgent' (text) clashes with variable 'urgent', declared as boolean");
        Assert.Empty(fits.Errors);
    }

    [Theory]
    [InlineData("choice")]
    [InlineData("multi-choice")]
    public void A_choice_field_needs_options(string type)
    {
        var report = Validate(root => Step(root, "reset")["form"]!.AsArray().Add(Json($$"""{ "name": "impact", "label": "Impact", "type": "{{type}}" }""")));

        AssertError(report, "steps[1].form[1].options", $"a {type} field needs options");
    }

    [Fact]
    public void A_record_field_needs_a_record_type()
    {
        var report = Validate(root => Step(root, "reset")["form"]!.AsArray().Add(Json("""{ "name": "ci", "label": "CI", "type": "record" }""")));

        AssertError(report, "steps[1].form[1].recordType", "a record field needs a record type");
    }

    [Fact]
    public void A_form_field_min_may_not_exceed_its_max()
    {
        var report = Validate(root => Step(root, "reset")["form"]!.AsArray().Add(Json("""{ "name": "count", "label": "Count", "type": "number", "min": 5, "max": 3 }""")));

        AssertError(report, "steps[1].form[1].max", "max (3) is less than min (5)");
    }

    [Fact]
    public void A_form_field_pattern_must_be_a_valid_regular_expression()
    {
        var report = Validate(root => Step(root, "reset")["form"]!.AsArray().Add(Json("""{ "name": "code", "label": "Code", "type": "text", "pattern": "([A-Z]" }""")));

        AssertError(report, "steps[1].form[1].pattern", "not a valid regular expression");
    }

    [Fact]
    public void A_human_task_without_a_group_takes_the_group_of_its_first_role()
    {
        var report = Validate(root => Step(root, "reset").Remove("group"));

        Assert.Empty(report.Errors);
    }

    [Fact]
    public void A_human_task_with_no_group_and_a_first_role_without_one_is_an_error()
    {
        var report = Validate(root =>
        {
            Step(root, "reset").Remove("group");
            Step(root, "reset")["roles"] = Json("""["user", "service-desk-agent"]""");
        });

        AssertError(report, "steps[1].group", "no group can claim this task: set group, or give the first role a group (its first role 'user' has no group)");
    }

    [Fact]
    public void A_human_task_priority_is_between_1_and_5()
    {
        var report = Validate(root => Step(root, "reset")["priority"] = 9);

        AssertError(report, "steps[1].priority", "priority 9 is outside 1 (highest) to 5");
    }

    [Fact]
    public void A_human_task_assignee_follows_one_of_the_assignee_rules()
    {
        var good = Validate(root => Step(root, "reset")["assignee"] = "variable:agent");
        var bad = Validate(root => Step(root, "reset")["assignee"] = "the boss");

        Assert.Empty(good.Errors);
        AssertError(bad, "steps[1].assignee", "unknown assignee rule 'the boss'");
    }

    // ---- connections ----

    [Fact]
    public void A_connection_to_a_step_that_does_not_exist_is_an_error()
    {
        var report = Validate(root => Connections(root)[3]!["to"] = "donee");

        AssertError(report, "connections[3].to", "unknown step 'donee'");
    }

    [Fact]
    public void A_connection_from_a_step_that_does_not_exist_is_an_error()
    {
        var report = Validate(root => AddConnection(root, "nowhere", "done"));

        AssertError(report, "connections[4].from", "unknown step 'nowhere'");
    }

    [Fact]
    public void A_connection_from_a_port_the_step_does_not_have_names_the_ports_it_has()
    {
        var report = Validate(root => Connections(root)[2]!["port"] = "maybe");

        AssertError(report, "connections[2].port", "step 'reset' has no port 'maybe' (ports: reset, refused)");
    }

    [Fact]
    public void A_connection_without_a_port_uses_done_which_a_human_task_does_not_have()
    {
        var report = Validate(root => AddConnection(root, "reset", "done"));

        AssertError(report, "connections[4].port", "step 'reset' has no port 'done' (ports: reset, refused)");
    }

    [Fact]
    public void A_duplicate_connection_is_an_error()
    {
        var report = Validate(root => AddConnection(root, "request", "reset"));

        AssertError(report, "connections[4]", "duplicate connection from 'request' port 'done' to 'reset' (connections[0])");
    }

    [Fact]
    public void A_port_that_leads_to_two_steps_is_an_error()
    {
        var report = Validate(root => AddConnection(root, "request", "working"));

        AssertError(report, "connections[4].port", "port 'done' of step 'request' already leads to 'reset' (connections[0]); use a fork");
    }

    [Fact]
    public void Every_port_of_every_step_must_be_connected()
    {
        var report = Validate(root => Connections(root).RemoveAt(2));

        AssertError(report, "steps[1]", "port 'refused' is not connected");
    }

    [Fact]
    public void Nothing_may_enter_the_start_step()
    {
        var report = Validate(root => Connections(root)[2]!["to"] = "request");

        AssertError(report, "connections[2].to", "nothing may enter the start step 'request'");
    }

    [Fact]
    public void Nothing_may_leave_an_end_step()
    {
        var report = Validate(root => AddConnection(root, "done", "working"));

        AssertError(report, "connections[4].from", "'done' is an end step; nothing leaves an end");
    }

    // ---- the graph ----

    [Fact]
    public void A_step_not_reachable_from_the_start_is_an_error()
    {
        var report = Validate(root =>
        {
            AddStep(root, """{ "id": "orphan", "type": "script", "name": "Orphan", "valueChainActivities": ["improve"], "script": "1", "position": { "x": 0, "y": 0 } }""");
            AddConnection(root, "orphan", "done");
        });

        var error = Assert.Single(report.Errors);
        Assert.Equal("steps[4]: unreachable from the start", error.ToString());
    }

    [Fact]
    public void A_step_from_which_no_path_reaches_an_end_is_an_error()
    {
        var report = Validate(root =>
        {
            AddStep(root, """{ "id": "spin", "type": "script", "name": "Spin", "valueChainActivities": ["improve"], "script": "1", "position": { "x": 0, "y": 0 } }""");
            Connections(root)[2]!["to"] = "spin";
            AddConnection(root, "spin", "spin");
        });

        var error = Assert.Single(report.Errors);
        Assert.Equal("steps[4]: no path from here to an end", error.ToString());
    }

    [Fact]
    public void Loops_that_can_leave_are_allowed()
    {
        var report = Validate(root => Connections(root)[2]!["to"] = "reset");

        Assert.Empty(report.Errors);
    }

    [Fact]
    public void A_decision_with_conditions_and_a_default_port_is_valid()
    {
        var report = Validate(root => InsertDecision(root, decision => { }));

        Assert.Empty(report.Errors);
    }

    [Fact]
    public void A_decision_needs_a_default_port()
    {
        var report = Validate(root => InsertDecision(root, decision => decision.Remove("defaultPort")));

        AssertError(report, "steps[4].defaultPort", "required");
    }

    [Fact]
    public void A_join_needs_at_least_two_inbound_connections()
    {
        var report = Validate(root =>
        {
            AddStep(root, """{ "id": "meet", "type": "join", "name": "Meet", "mode": "all", "position": { "x": 0, "y": 0 } }""");
            Connections(root)[1]!["to"] = "meet";
            AddConnection(root, "meet", "working");
        });

        AssertError(report, "steps[4]", "a join needs at least two inbound connections; it has 1");
    }

    [Fact]
    public void A_fork_needs_at_least_two_branches_and_a_join_can_meet_them()
    {
        var single = Validate(root => InsertForkAndJoin(root, ["a"]));
        var pair = Validate(root => InsertForkAndJoin(root, ["a", "b"]));

        AssertError(single, "steps[4].branches", "a fork needs at least two branches");
        Assert.Empty(pair.Errors);
    }

    [Fact]
    public void An_n_of_m_join_may_not_wait_for_more_branches_than_arrive()
    {
        var report = Validate(root =>
        {
            InsertForkAndJoin(root, ["a", "b"]);
            Step(root, "meet")["mode"] = "n-of-m";
            Step(root, "meet")["count"] = 3;
        });

        AssertError(report, "steps[5].count", "count 3 is more than the 2 inbound connections");
    }

    // ---- JavaScript ----

    [Fact]
    public void A_decision_condition_that_does_not_parse_is_an_error()
    {
        var report = Validate(root => InsertDecision(root, decision => decision["conditions"]![0]!["expression"] = "vars.urgent =="));

        AssertError(report, "steps[4].conditions[0].expression", "does not parse: Unexpected end of input");
    }

    [Fact]
    public void An_assignment_expression_that_does_not_parse_is_an_error()
    {
        var report = Validate(root => InsertBetweenWorkingAndDone(root,
            """{ "id": "count", "type": "set-variables", "name": "Count", "valueChainActivities": ["improve"], "assignments": [{ "variable": "n", "expression": "vars.n +* 1" }], "position": { "x": 0, "y": 0 } }"""));

        AssertError(report, "steps[4].assignments[0].expression", "does not parse:");
    }

    [Theory]
    [InlineData("vars.n + 1")]
    [InlineData("const total = vars.items.reduce((a, b) => a + b, 0); outputs.total = total;")]
    [InlineData("if (vars.urgent) { outputs.priority = 1 } else { outputs.priority = 3 }")]
    public void Scripts_may_be_plain_expressions_or_statements(string script)
    {
        var report = Validate(root => InsertBetweenWorkingAndDone(root,
            $$"""{ "id": "calc", "type": "script", "name": "Calc", "valueChainActivities": ["improve"], "script": {{JsonValue.Create(script).ToJsonString()}}, "position": { "x": 0, "y": 0 } }"""));

        Assert.Empty(report.Errors);
    }

    [Fact]
    public void A_template_expression_that_does_not_parse_is_an_error()
    {
        var report = Validate(root => Step(root, "reset")["title"] = "Reset password for {{ vars. }}");

        AssertError(report, "steps[1].title", "{{ vars. }} does not parse:");
    }

    [Fact]
    public void A_template_with_an_unclosed_expression_is_an_error()
    {
        var report = Validate(root => Step(root, "reset")["title"] = "Reset password for {{ vars.user");

        AssertError(report, "steps[1].title", "'{{' at character 20 has no closing '}}'");
    }

    [Fact]
    public void A_deeply_nested_expression_is_refused_without_crashing()
    {
        var report = Validate(root => InsertBetweenWorkingAndDone(root,
            $$"""{ "id": "calc", "type": "script", "name": "Calc", "valueChainActivities": ["improve"], "script": "{{new string('(', 50_000)}}1{{new string(')', 50_000)}}", "position": { "x": 0, "y": 0 } }"""));

        AssertError(report, "steps[4].script", "does not parse");
    }

    // ---- warnings ----

    [Fact]
    public void A_practice_with_heat_0_in_all_the_steps_activities_is_a_warning()
    {
        var report = Validate(root =>
        {
            Step(root, "reset")["valueChainActivities"] = Json("""["plan"]""");
            Step(root, "reset")["practices"] = Json("""["portfolio-management", "incident-management"]""");
        });

        Assert.Empty(report.Errors);
        var warning = Assert.Single(report.Warnings);
        Assert.Equal("steps[1].practices[1]: 'incident-management' has heat 0 in plan", warning.ToString());
    }

    [Fact]
    public void A_practice_with_heat_in_one_of_the_steps_activities_is_no_warning()
    {
        var report = Validate(root => Step(root, "reset")["valueChainActivities"] = Json("""["plan", "engage"]"""));

        Assert.DoesNotContain(report.Warnings, w => w.Message.Contains("heat 0"));
    }

    [Fact]
    public void A_practice_without_a_heat_row_for_an_activity_is_a_warning()
    {
        var report = Validate(root => Step(root, "reset")["practices"] = Json("""["release-management"]"""));

        Assert.Empty(report.Errors);
        var warning = Assert.Single(report.Warnings);
        Assert.Equal("steps[1].practices[0]: the book gives no heat for 'release-management' in deliver-and-support", warning.ToString());
    }

    [Fact]
    public void A_role_no_step_uses_is_a_warning()
    {
        var report = Validate(root => root["roles"]!.AsArray().Add(Json("""{ "id": "manager", "name": "Service desk manager" }""")));

        Assert.Empty(report.Errors);
        var warning = Assert.Single(report.Warnings);
        Assert.Equal("roles[2]: role 'manager' is declared but no step uses it", warning.ToString());
    }

    // ---- outbound addresses ----

    [Theory]
    [InlineData("file:///etc/passwd", "must be an http or https address")]
    [InlineData("gopher://example.com/", "must be an http or https address")]
    [InlineData("http://[::1", "is not a valid address")]
    [InlineData("api.example.com/tickets", "is not a valid address")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "cloud metadata")]
    [InlineData("http://[fd00:ec2::254]/", "cloud metadata")]
    [InlineData("http://[::ffff:169.254.169.254]/", "cloud metadata")]
    [InlineData("file://{{ vars.path }}", "must be an http or https address")]
    public void An_http_step_address_that_is_not_a_plain_web_address_is_an_error_at_its_url(string url, string message)
    {
        var report = Validate(root => AddStep(root, HttpStep(url)));

        AssertError(report, "steps[4].url", message);
    }

    [Theory]
    [InlineData("https://api.example.com/tickets/{{ vars.id }}")]
    [InlineData("{{ vars.endpoint }}")]
    [InlineData("http://10.0.0.5:8080/status")]
    public void Web_addresses_and_addresses_built_by_expressions_pass_validation_and_are_checked_when_called(string url)
    {
        var report = Validate(root => AddStep(root, HttpStep(url)));

        Assert.DoesNotContain(report.Errors, e => e.Path == "steps[4].url");
    }

    [Fact]
    public void A_webhook_address_with_another_scheme_is_an_error_at_its_url()
    {
        var report = Validate(root => AddStep(root, """
            { "id": "tell", "type": "notify", "name": "Tell", "channel": "webhook", "body": "b", "url": "file:///var/run/secrets", "position": { "x": 0, "y": 0 } }
            """));

        AssertError(report, "steps[4].url", "must be an http or https address");
    }

    private static string HttpStep(string url) => new JsonObject
    {
        ["id"] = "call", ["type"] = "http-request", ["name"] = "Call", ["method"] = "GET", ["url"] = url,
        ["position"] = new JsonObject { ["x"] = 0, ["y"] = 0 },
    }.ToJsonString();

    // ---- helpers ----

    private static ValidationReport Validate(Action<JsonObject> change)
    {
        var root = JsonNode.Parse(CanonicalFormatTests.Sample)!.AsObject();
        change(root);
        return Validator.ValidateFile(Encoding.UTF8.GetBytes(root.ToJsonString()));
    }

    private static void AssertError(ValidationReport report, string path, string fragment)
    {
        if (!report.Errors.Any(e => e.Path == path && e.Message.Contains(fragment, StringComparison.Ordinal)))
            Assert.Fail($"Expected an error at '{path}' containing \"{fragment}\"; got:\n{string.Join("\n", report.Errors)}");
    }

    private static JsonNode Json(string json) => JsonNode.Parse(json)!;

    private static JsonArray Steps(JsonObject root) => root["steps"]!.AsArray();

    private static JsonArray Connections(JsonObject root) => root["connections"]!.AsArray();

    private static JsonObject Step(JsonObject root, string id) =>
        Steps(root).Select(s => s!.AsObject()).First(s => (string?)s["id"] == id);

    private static JsonObject AddStep(JsonObject root, string json)
    {
        var step = Json(json).AsObject();
        foreach (var list in new[] { "valueChainActivities", "practices", "roles" })
            step[list] ??= new JsonArray();
        Steps(root).Add(step);
        return step;
    }

    private static void AddConnection(JsonObject root, string from, string to, string? port = null)
    {
        var connection = new JsonObject { ["from"] = from, ["to"] = to };
        if (port is not null)
            connection["port"] = port;
        Connections(root).Add(connection);
    }

    /// <summary>Adds a step (steps[4]) with a single 'done' port between 'working' and 'done'.</summary>
    private static void InsertBetweenWorkingAndDone(JsonObject root, string json)
    {
        var step = AddStep(root, json);
        Connections(root)[3]!["to"] = (string)step["id"]!;
        AddConnection(root, (string)step["id"]!, "done");
    }

    /// <summary>Adds a decision (steps[4]) after the reset outcome, whose two ports both lead to 'working'.</summary>
    private static void InsertDecision(JsonObject root, Action<JsonObject> change)
    {
        var decision = AddStep(root, """
            {
              "id": "check", "type": "decision", "name": "Urgent?",
              "conditions": [{ "port": "urgent", "expression": "vars.urgent === true" }],
              "defaultPort": "normal",
              "position": { "x": 0, "y": 0 }
            }
            """);
        change(decision);
        Connections(root)[1]!["to"] = "check";
        AddConnection(root, "check", "working", "urgent");
        AddConnection(root, "check", "working", "normal");
    }

    /// <summary>Adds a fork (steps[4]) and a join 'meet' (steps[5]) between the reset outcome and 'working'.</summary>
    private static void InsertForkAndJoin(JsonObject root, string[] branches)
    {
        var fork = AddStep(root, """{ "id": "split", "type": "fork", "name": "Split", "position": { "x": 0, "y": 0 } }""");
        fork["branches"] = new JsonArray([.. branches.Select(b => (JsonNode)JsonValue.Create(b))]);
        AddStep(root, """{ "id": "meet", "type": "join", "name": "Meet", "mode": "all", "position": { "x": 0, "y": 0 } }""");
        Connections(root)[1]!["to"] = "split";
        foreach (var branch in branches)
            AddConnection(root, "split", "meet", branch);
        AddConnection(root, "meet", "working");
    }
}
