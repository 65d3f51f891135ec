using System.Diagnostics;
using System.Text.Json.Nodes;
using ValueStreams.Engine.Expressions;

namespace ValueStreams.Tests.Engine;

public sealed class ExpressionEvaluatorTests
{
    private readonly JintExpressionEvaluator _evaluator = new();

    private static ExpressionScope Scope(string variables = "{}", string? input = null, string outputs = "{}") =>
        new(JsonNode.Parse(variables)!.AsObject(), input is null ? null : JsonNode.Parse(input), JsonNode.Parse(outputs)!.AsObject());

    private static ExpressionScope Incident() => Scope("""
        { "number": "INC0001", "priority": "P1", "impact": 3, "user": { "name": "Ada" }, "tags": ["vpn"], "assignee": null }
        """);

    /// <summary>Runs hostile code and returns the message; the stopwatch only guards against a hang.</summary>
    private static string Refused(Action run)
    {
        var watch = Stopwatch.StartNew();
        var failure = Assert.Throws<ExpressionException>(run);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        return failure.Message;
    }

    [Fact]
    public void An_expressions_time_is_the_engines_clock_in_utc()
    {
        var evaluator = new JintExpressionEvaluator(new ExpressionLimits(), new Microsoft.Extensions.Time.Testing.FakeTimeProvider(
            new DateTimeOffset(2026, 10, 30, 9, 15, 0, TimeSpan.Zero)));

        Assert.Equal("2026-10-30T09:15:00.000Z", evaluator.EvaluateValue("new Date().toISOString()", Scope())!.GetValue<string>());
        Assert.Equal(9, evaluator.EvaluateValue("new Date().getHours()", Scope())!.GetValue<double>());
    }

    // Conditions

    [Fact]
    public void A_condition_compares_a_string_variable()
    {
        Assert.True(_evaluator.EvaluateCondition("vars.priority === 'P1'", Incident()));
        Assert.False(_evaluator.EvaluateCondition("vars.priority === 'P2'", Incident()));
    }

    [Fact]
    public void Numbers_in_variables_are_javascript_numbers()
    {
        Assert.True(_evaluator.EvaluateCondition("typeof vars.impact === 'number' && vars.impact * 2 === 6", Incident()));
        Assert.True(_evaluator.EvaluateCondition("vars.impact >= 3", Incident()));
    }

    [Theory]
    [InlineData("vars.assignee", false)]
    [InlineData("vars.missing", false)]
    [InlineData("''", false)]
    [InlineData("0", false)]
    [InlineData("vars.tags", true)]
    [InlineData("[]", true)]
    [InlineData("'0'", true)]
    [InlineData("vars.user", true)]
    public void A_condition_is_true_when_its_value_is_javascript_truthy(string expression, bool expected) =>
        Assert.Equal(expected, _evaluator.EvaluateCondition(expression, Incident()));

    [Fact]
    public void Input_and_outputs_are_in_scope()
    {
        var scope = Scope("{}", """{ "channel": "email" }""", """{ "triage": { "accepted": true, "score": 7 } }""");

        Assert.True(_evaluator.EvaluateCondition("input.channel === 'email' && outputs.triage.accepted", scope));
        Assert.Equal(8, _evaluator.EvaluateValue("outputs.triage.score + 1", scope)!.GetValue<int>());
    }

    [Fact]
    public void A_missing_input_is_null()
    {
        Assert.True(_evaluator.EvaluateCondition("input === null", Scope()));
    }

    // Values

    [Fact]
    public void A_value_can_be_an_object_with_nested_arrays()
    {
        var value = _evaluator.EvaluateValue("({ number: vars.number, tags: vars.tags.concat(['urgent']), count: 2 })", Incident());

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "number": "INC0001", "tags": ["vpn", "urgent"], "count": 2 }"""), value));
    }

    [Fact]
    public void A_bare_object_literal_is_an_object_not_a_block()
    {
        var value = _evaluator.EvaluateValue("{ name: vars.user.name, impact: vars.impact }", Incident());

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "name": "Ada", "impact": 3 }"""), value));
    }

    [Fact]
    public void Values_can_be_arrays_strings_numbers_booleans_and_null()
    {
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("[1, \"two\", null]"), _evaluator.EvaluateValue("[1, 'two', null]", Incident())));
        Assert.Equal("INC0001-P1", _evaluator.EvaluateValue("vars.number + '-' + vars.priority", Incident())!.GetValue<string>());
        Assert.Equal(4.5, _evaluator.EvaluateValue("vars.impact + 1.5", Incident())!.GetValue<double>());
        Assert.True(_evaluator.EvaluateValue("vars.impact > 2", Incident())!.GetValue<bool>());
        Assert.Null(_evaluator.EvaluateValue("vars.assignee", Incident()));
        Assert.Null(_evaluator.EvaluateValue("vars.missing", Incident()));
    }

    [Fact]
    public void The_value_of_several_statements_is_the_last_one()
    {
        Assert.Equal(42, _evaluator.EvaluateValue("var x = 2; x * 21", Incident())!.GetValue<int>());
    }

    [Fact]
    public void Dates_become_iso_strings()
    {
        Assert.Equal("2024-01-02T03:04:05.000Z", _evaluator.EvaluateValue("new Date(Date.UTC(2024, 0, 2, 3, 4, 5))", Incident())!.GetValue<string>());
    }

    [Fact]
    public void A_function_value_is_refused()
    {
        Assert.Contains("is a function", Refused(() => _evaluator.EvaluateValue("() => 1", Incident())));
    }

    // Scripts

    [Fact]
    public void A_script_can_add_change_and_delete_variables()
    {
        var scope = Scope("""{ "count": 1, "keep": "x", "stale": true }""");
        var variables = scope.Variables;

        _evaluator.RunScript("vars.count = vars.count + 1; vars.tags = ['a', 'b']; delete vars.stale;", scope);

        Assert.Same(variables, scope.Variables);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "count": 2, "keep": "x", "tags": ["a", "b"] }"""), scope.Variables));
        Assert.Equal(2, scope.Variables["count"]!.GetValue<int>());
    }

    [Fact]
    public void A_script_can_replace_vars_with_another_object()
    {
        var scope = Scope("""{ "old": 1 }""", """{ "n": 21 }""");

        _evaluator.RunScript("vars = { fresh: input.n * 2 }", scope);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "fresh": 42 }"""), scope.Variables));
    }

    [Fact]
    public void A_script_can_read_input_and_outputs()
    {
        var scope = Scope("{}", """{ "amount": 10 }""", """{ "quote": { "price": 5 } }""");

        _evaluator.RunScript("vars.total = input.amount + outputs.quote.price; vars.when = new Date(0);", scope);

        Assert.Equal(15, scope.Variables["total"]!.GetValue<int>());
        Assert.Equal("1970-01-01T00:00:00.000Z", scope.Variables["when"]!.GetValue<string>());
    }

    [Fact]
    public void Vars_must_stay_an_object()
    {
        var scope = Scope("""{ "a": 1 }""");

        Assert.Contains("vars must stay an object", Refused(() => _evaluator.RunScript("vars = 5", scope)));
        Assert.Contains("vars must stay an object", Refused(() => _evaluator.RunScript("delete globalThis.vars", scope)));
        Assert.Equal(1, scope.Variables["a"]!.GetValue<int>());
    }

    [Fact]
    public void A_failing_script_leaves_the_variables_unchanged()
    {
        var scope = Scope("""{ "a": 1 }""");

        Assert.Contains("TypeError", Refused(() => _evaluator.RunScript("vars.a = 2; vars.b = 3; null.x;", scope)));

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "a": 1 }"""), scope.Variables));
    }

    [Fact]
    public void A_script_may_end_with_a_value()
    {
        var scope = Scope("""{ "a": 1 }""");

        _evaluator.RunScript("vars.a = 5; vars.a", scope);

        Assert.Equal(5, scope.Variables["a"]!.GetValue<int>());
    }

    // Templates

    [Fact]
    public void A_template_replaces_each_placeholder_with_its_value()
    {
        Assert.Equal("Incident INC0001 for Ada", _evaluator.RenderTemplate("Incident {{ vars.number }} for {{ vars.user.name }}", Incident()));
    }

    [Fact]
    public void A_template_writes_null_as_nothing_and_other_values_as_json()
    {
        Assert.Equal("[] [] [3] [true] [[\"vpn\"]] [{\"name\":\"Ada\"}] [1970-01-01T00:00:00.000Z]",
            _evaluator.RenderTemplate("[{{ vars.assignee }}] [{{vars.missing}}] [{{ vars.impact }}] [{{ vars.impact > 2 }}] [{{ vars.tags }}] [{{ vars.user }}] [{{ new Date(0) }}]", Incident()));
    }

    [Fact]
    public void An_unclosed_placeholder_is_left_as_it_is()
    {
        Assert.Equal("Dear Ada, {{ vars.user.name", _evaluator.RenderTemplate("Dear {{ vars.user.name }}, {{ vars.user.name", Incident()));
        Assert.Equal("No placeholders {{ here", _evaluator.RenderTemplate("No placeholders {{ here", Incident()));
    }

    [Fact]
    public void A_failing_placeholder_is_named_in_the_message()
    {
        var message = Refused(() => _evaluator.RenderTemplate("Hello {{ vars.user.missing.name }}", Incident()));

        Assert.StartsWith("in {{ vars.user.missing.name }}: TypeError:", message);
    }

    // Errors

    [Fact]
    public void A_syntax_error_says_where()
    {
        var message = Refused(() => _evaluator.EvaluateValue("var x = ;", Incident()));

        Assert.Equal("SyntaxError: Unexpected token ';' (line 1, column 9)", message);
    }

    [Fact]
    public void A_runtime_error_says_what_and_where()
    {
        Assert.Equal("TypeError: Cannot read properties of null (reading 'x') (line 2, column 6)",
            Refused(() => _evaluator.RunScript("var a = 1;\nnull.x", Incident())));
        Assert.Equal("Error: boom (line 1, column 7)", Refused(() => _evaluator.RunScript("throw new Error('boom')", Incident())));
        Assert.StartsWith("Uncaught just text", Refused(() => _evaluator.RunScript("throw 'just text'", Incident())));
    }

    [Fact]
    public void Strict_mode_refuses_undeclared_variables()
    {
        Assert.StartsWith("ReferenceError: x is not defined", Refused(() => _evaluator.RunScript("for(;;){ x = 1 }", Incident())));
    }

    // Hostile scripts

    [Fact]
    public void An_endless_loop_exceeds_the_statement_limit()
    {
        Assert.Equal("the script exceeded 100,000 statements", Refused(() => _evaluator.EvaluateCondition("while(true){}", Incident())));
        Assert.Equal("the script exceeded 100,000 statements", Refused(() => _evaluator.RunScript("var x; for(;;){ x = 1 }", Incident())));
    }

    [Fact]
    public void An_endless_loop_without_a_statement_limit_times_out()
    {
        var evaluator = new JintExpressionEvaluator(new ExpressionLimits { MaxStatements = 0 });

        Assert.Equal("the script ran longer than 1 s (timeout)", Refused(() => evaluator.EvaluateCondition("while(true){}", Incident())));
    }

    [Fact]
    public void A_template_shares_one_time_budget_across_its_placeholders()
    {
        var evaluator = new JintExpressionEvaluator(new ExpressionLimits { MaxStatements = 0, MemoryBytes = 0, Timeout = TimeSpan.FromMilliseconds(300) });
        var slow = "{{ (() => { var end = Date.now() + 200; while (Date.now() < end) {} return 1 })() }}";

        Assert.EndsWith("the script ran longer than 300 ms (timeout)", Refused(() => evaluator.RenderTemplate(slow + slow + slow, Incident())));
    }

    [Fact]
    public void A_catastrophic_regular_expression_times_out()
    {
        Assert.Equal("a regular expression ran longer than 1 s (timeout)",
            Refused(() => _evaluator.EvaluateCondition("/(a+)+$/.test('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa!')", Incident())));
    }

    [Fact]
    public void Allocating_without_end_exceeds_the_memory_limit()
    {
        // A generous timeout, so that on a busy machine the memory limit is still the one reached first.
        var evaluator = new JintExpressionEvaluator(new ExpressionLimits { Timeout = TimeSpan.FromSeconds(4) });
        Assert.Equal("the script used more than 16 MB of memory",
            Refused(() => evaluator.RunScript("var a=[]; while(true) a.push(new Array(1e6).join('x'))", Incident())));
    }

    [Fact]
    public void One_huge_allocation_at_the_end_is_refused_too()
    {
        Assert.Equal("the script used more than 16 MB of memory",
            Refused(() => _evaluator.EvaluateCondition("'x'.repeat(50 * 1024 * 1024).length > 0", Incident())));
    }

    [Fact]
    public void An_array_too_big_for_the_memory_limit_is_refused_at_once()
    {
        Assert.Equal("the script made an array larger than 2,097,152 elements (the 16 MB memory limit)",
            Refused(() => _evaluator.EvaluateValue("new Array(1e7).length", Incident())));
    }

    [Fact]
    public void Endless_recursion_exceeds_the_recursion_limit()
    {
        Assert.Equal("recursion deeper than 64 calls", Refused(() => _evaluator.RunScript("function f(){ return f() } f()", Incident())));
        Assert.Equal("recursion deeper than 64 calls", Refused(() => _evaluator.RunScript("var o = { get x() { return this.x } }; o.x", Incident())));
    }

    [Fact]
    public void Deeply_nested_code_is_refused_without_crashing()
    {
        Assert.Equal("the script nests too deeply", Refused(() => _evaluator.EvaluateValue(new string('[', 9_000) + new string(']', 9_000), Incident())));
    }

    [Fact]
    public void There_is_no_access_to_dotnet()
    {
        Assert.StartsWith("ReferenceError: System is not defined", Refused(() => _evaluator.RunScript("System.IO.File.ReadAllText('/etc/passwd')", Incident())));
        Assert.StartsWith("ReferenceError: importNamespace is not defined", Refused(() => _evaluator.RunScript("importNamespace('System')", Incident())));
    }

    [Fact]
    public void Only_the_scope_and_standard_built_ins_are_global()
    {
        Assert.True(_evaluator.EvaluateCondition(
            "['System', 'importNamespace', 'clrHelper', 'host', 'require', 'process', 'console', 'print', 'setTimeout', 'Atomics', 'SharedArrayBuffer', 'ShadowRealm']" +
            ".every(name => typeof globalThis[name] === 'undefined')" +
            " && [Math, Date, JSON, String, Array, Object, Number, RegExp, Map, Set, Promise].every(b => b !== undefined)",
            Incident()));
    }

    [Fact]
    public void Code_cannot_be_compiled_from_strings()
    {
        // Refused rather than sandboxed: eval, new Function and the constructor-of-constructor route all compile text.
        Assert.Contains("String compilation has been disabled", Refused(() => _evaluator.EvaluateValue("this.constructor.constructor('return process')()", Incident())));
        Assert.Contains("String compilation has been disabled", Refused(() => _evaluator.EvaluateValue("new Function('return 1')()", Incident())));
        Assert.Contains("String compilation has been disabled", Refused(() => _evaluator.EvaluateValue("eval('1 + 1')", Incident())));
    }

    [Fact]
    public void A_script_longer_than_the_limit_is_refused_before_parsing()
    {
        var script = "var x = 1;" + new string(' ', 1024 * 1024 - 10);

        Assert.Equal("the script is 1,048,576 characters long; at most 20,000 are allowed", Refused(() => _evaluator.RunScript(script, Incident())));
        Assert.StartsWith("the template is 1,048,576 characters long", Refused(() => _evaluator.RenderTemplate(script, Incident())));
    }

    [Fact]
    public void A_ten_megabyte_value_is_refused()
    {
        var message = Refused(() => _evaluator.EvaluateValue("'x'.repeat(10 * 1024 * 1024)", Incident()));

        Assert.True(message is "the script used more than 16 MB of memory" or "the expression's value is larger than 256 KB", message);
    }

    [Fact]
    public void A_value_larger_than_the_result_limit_is_refused()
    {
        Assert.Equal("the expression's value is larger than 256 KB", Refused(() => _evaluator.EvaluateValue("'x'.repeat(300 * 1024)", Incident())));
        Assert.Equal("the expression's value is larger than 256 KB", Refused(() => _evaluator.EvaluateValue("({ a: 'é'.repeat(200 * 1024) })", Incident())));
        Assert.Equal("vars is larger than 256 KB", Refused(() => _evaluator.RunScript("vars.big = 'x'.repeat(300 * 1024)", Incident())));
    }

    [Fact]
    public void A_hostile_to_json_is_bounded_too()
    {
        Assert.Equal("the script exceeded 100,000 statements",
            Refused(() => _evaluator.EvaluateValue("({ toJSON() { while (true) {} } })", Incident())));
    }

    [Fact]
    public void A_script_cannot_replace_the_serializer_used_to_read_vars()
    {
        var scope = Scope("""{ "a": 1 }""");

        _evaluator.RunScript("JSON.stringify = () => '{\"hacked\":true}'; vars.a = 2", scope);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{ "a": 2 }"""), scope.Variables));
    }

    [Fact]
    public void A_variable_that_looks_like_code_is_only_a_string()
    {
        const string injection = "\"); while(true){} (\"";
        var scope = Scope("{}");
        scope.Variables["text"] = injection;
        scope.Variables["__proto__"] = new JsonObject { ["polluted"] = true };

        Assert.Equal(injection, _evaluator.EvaluateValue("vars.text", scope)!.GetValue<string>());
        Assert.Equal($"Said: {injection}", _evaluator.RenderTemplate("Said: {{ vars.text }}", scope));
        Assert.True(_evaluator.EvaluateCondition("Object.getPrototypeOf(vars) === Object.prototype && vars.polluted === undefined", scope));
    }

    [Fact]
    public void The_evaluator_still_works_after_a_hostile_script()
    {
        Refused(() => _evaluator.RunScript("while(true){}", Incident()));
        Refused(() => _evaluator.RunScript("var a=[]; while(true) a.push(new Array(1e6).join('x'))", Incident()));
        Refused(() => _evaluator.RunScript("function f(){ return f() } f()", Incident()));

        Assert.True(_evaluator.EvaluateCondition("vars.priority === 'P1'", Incident()));
    }

    [Fact]
    public void Limits_come_from_the_options()
    {
        var evaluator = new JintExpressionEvaluator(new ExpressionLimits { MaxStatements = 50, RecursionDepth = 5, MaxScriptLength = 40, MaxResultBytes = 1024 });

        Assert.Equal("the script exceeded 50 statements", Refused(() => evaluator.RunScript("var i = 0; while (true) i++", Incident())));
        Assert.Equal("recursion deeper than 5 calls", Refused(() => evaluator.RunScript("function f(n){ return f(n) } f(1)", Incident())));
        Assert.StartsWith("the expression is 41 characters long", Refused(() => evaluator.EvaluateValue(new string('1', 41), Incident())));
        Assert.Equal("the expression's value is larger than 1 KB", Refused(() => evaluator.EvaluateValue("'x'.repeat(2000)", Incident())));
    }

    [Fact]
    public void One_evaluator_serves_many_threads()
    {
        Parallel.For(0, 40, i =>
        {
            var scope = Scope($$"""{ "n": {{i}} }""");
            Assert.Equal(i * 2, _evaluator.EvaluateValue("vars.n * 2", scope)!.GetValue<int>());
            _evaluator.RunScript("vars.seen = vars.n + 1", scope);
            Assert.Equal(i + 1, scope.Variables["seen"]!.GetValue<int>());
        });
    }

    // One scope, many calls: the evaluations of a run share a sandbox

    [Fact]
    public void Calls_of_one_scope_keep_their_declarations_to_themselves()
    {
        using var scope = Scope("""{ "n": 1 }""");

        _evaluator.RunScript("const step = 2; let total = vars.n + step; class Box {} vars.n = total;", scope);
        _evaluator.RunScript("const step = 10; let total = vars.n + step; class Box {} vars.n = total;", scope);

        Assert.Equal(13, scope.Variables["n"]!.GetValue<int>());
        Assert.Equal(3, _evaluator.EvaluateValue("let x = 1; x + 2", scope)!.GetValue<int>());
        Assert.Equal(3, _evaluator.EvaluateValue("let x = 1; x + 2", scope)!.GetValue<int>());
    }

    [Theory]
    [InlineData("var leaked = 42;")]
    [InlineData("globalThis.leaked = 42;")]
    [InlineData("function declared() {} globalThis.leaked = declared;")]
    public void A_global_one_call_makes_is_not_seen_by_the_next(string script)
    {
        using var scope = Scope();

        _evaluator.RunScript(script, scope);

        Assert.Equal("undefined", _evaluator.EvaluateValue("typeof leaked", scope)!.GetValue<string>());
    }

    [Fact]
    public void A_call_sees_variables_as_they_are_now_and_cannot_change_input_for_the_next()
    {
        using var scope = Scope("""{ "n": 1 }""", """{ "channel": "email" }""");

        Assert.Equal(1, _evaluator.EvaluateValue("vars.n", scope)!.GetValue<int>());
        scope.Variables["n"] = 5;
        _evaluator.RunScript("input.channel = 'phone'; outputs.fake = true;", scope);

        Assert.Equal(5, _evaluator.EvaluateValue("vars.n", scope)!.GetValue<int>());
        Assert.Equal("email", _evaluator.EvaluateValue("input.channel", scope)!.GetValue<string>());
        Assert.False(_evaluator.EvaluateCondition("'fake' in outputs", scope));
    }

    [Fact]
    public void After_a_refused_call_the_same_scope_evaluates_again()
    {
        using var scope = Incident();

        Refused(() => _evaluator.RunScript("while(true){}", scope));
        Refused(() => _evaluator.RunScript("function f(){ return f() } f()", scope));

        Assert.True(_evaluator.EvaluateCondition("vars.priority === 'P1'", scope));
    }

    [Fact]
    public void A_key_named_proto_stays_data_and_errors_keep_their_positions()
    {
        using var scope = Scope("""{ "__proto__": { "polluted": true }, "n": 1 }""");

        Assert.False(_evaluator.EvaluateCondition("vars.polluted === true", scope));
        Assert.True(_evaluator.EvaluateCondition("Object.keys(vars).includes('__proto__')", scope));
        Assert.Equal("TypeError: Cannot read properties of null (reading 'x') (line 1, column 6)",
            Assert.Throws<ExpressionException>(() => _evaluator.EvaluateValue("null.x", scope)).Message);
    }
}
