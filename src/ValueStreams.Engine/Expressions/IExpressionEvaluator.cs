using System.Text.Json.Nodes;

namespace ValueStreams.Engine.Expressions;

/// <summary>
/// What a running step can see: the instance's variables (which scripts may change), its input and
/// the outputs of completed steps by step id (expressions also see <c>outcomes</c>, each task step's outcome by step id, taken from them). One scope serves every evaluation of a run, so the
/// evaluator may keep its sandbox in it between them; disposing the scope releases that.
/// </summary>
public sealed class ExpressionScope(JsonObject variables, JsonNode? input, JsonObject outputs) : IDisposable
{
    public JsonObject Variables { get; } = variables;
    public JsonNode? Input { get; } = input;
    public JsonObject Outputs { get; } = outputs;

    /// <summary>What the evaluator keeps between the evaluations of this scope (its sandbox); only the evaluator reads it.</summary>
    public IDisposable? EvaluatorState { get; set; }

    public void Dispose()
    {
        EvaluatorState?.Dispose();
        EvaluatorState = null;
    }
}

/// <summary>An expression or script failed: syntax, a thrown error, or a sandbox limit (time, statements, memory, recursion).</summary>
public sealed class ExpressionException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Evaluates the JavaScript of value stream steps in a sandbox: no access to .NET, bounded statements,
/// time, memory and recursion. Every method throws <see cref="ExpressionException"/> with a readable
/// message when the script fails or breaks a limit, and nothing else.
/// </summary>
public interface IExpressionEvaluator
{
    /// <summary>The truth of a condition such as <c>vars.priority === 'P1'</c>.</summary>
    bool EvaluateCondition(string expression, ExpressionScope scope);

    /// <summary>The JSON value of an expression (numbers, strings, booleans, null, arrays, plain objects).</summary>
    JsonNode? EvaluateValue(string expression, ExpressionScope scope);

    /// <summary>Runs a script; changes it makes to <c>vars</c> are written back into <see cref="ExpressionScope.Variables"/>.</summary>
    void RunScript(string script, ExpressionScope scope);

    /// <summary>Renders a template: each <c>{{ expression }}</c> is replaced by its value as text.</summary>
    string RenderTemplate(string template, ExpressionScope scope);
}
