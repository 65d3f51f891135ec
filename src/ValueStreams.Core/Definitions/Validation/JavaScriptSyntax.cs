using Acornima;

namespace ValueStreams.Core.Definitions.Validation;

/// <summary>
/// Checks that JavaScript parses, with Acornima (the parser Jint runs on). Expression-kind values are parsed
/// as scripts, so plain expressions and statement lists both pass; template parts <c>{{ expr }}</c> as expressions.
/// </summary>
internal static class JavaScriptSyntax
{
    private const string Open = "{{";
    private const string Close = "}}";

    private static readonly ParserOptions Options = new() { Tolerant = false };

    /// <summary>Why <paramref name="code"/> does not parse as a script, or <c>null</c> when it does.</summary>
    public static string? ScriptProblem(string code) => Problem(code, static (parser, text) => parser.ParseScript(text));

    /// <summary>Why <paramref name="code"/> does not parse as one expression, or <c>null</c> when it does.</summary>
    public static string? ExpressionProblem(string code) => Problem(code, static (parser, text) => parser.ParseExpression(text));

    /// <summary>Every problem with the <c>{{ expr }}</c> parts of a template, in order.</summary>
    public static IEnumerable<string> TemplateProblems(string template)
    {
        var at = 0;
        while ((at = template.IndexOf(Open, at, StringComparison.Ordinal)) >= 0)
        {
            var end = template.IndexOf(Close, at + Open.Length, StringComparison.Ordinal);
            if (end < 0)
            {
                yield return $"'{Open}' at character {at + 1} has no closing '{Close}'";
                yield break;
            }
            var expression = template[(at + Open.Length)..end];
            if (expression.Trim().Length == 0)
                yield return $"'{Open} {Close}' at character {at + 1} is empty";
            else if (ExpressionProblem(expression) is { } problem)
                yield return $"{Open} {expression.Trim()} {Close} does not parse: {problem}";
            at = end + Close.Length;
        }
    }

    private static string? Problem(string code, Action<Parser, string> parse)
    {
        try
        {
            parse(new Parser(Options), code);
            return null;
        }
        catch (ParseErrorException ex)
        {
            return ex.Message;
        }
        catch (InsufficientExecutionStackException)
        {
            return "nests too deeply";
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return $"the parser failed ({ex.GetType().Name}: {ex.Message})"; // hostile input must give an issue, never an exception
        }
    }
}
