using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;

namespace ValueStreams.Designer.Designer.Conditions;

/// <summary>
/// Writes a built condition as the JavaScript the engine evaluates, e.g. <c>vars.priority === "P1" &amp;&amp; vars.amount &gt; 500</c>.
/// Every value a person typed becomes a JSON string literal (quotes, backslashes, line breaks and <c>&lt;</c> escaped), never code.
/// <see cref="ConditionReader"/> reads exactly these shapes back.
/// </summary>
public static class ConditionWriter
{
    /// <summary>Letters of every script stay readable; quotes, backslashes, controls and HTML's &lt; &gt; &amp; are escaped.</summary>
    private static readonly JsonSerializerOptions Literals = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    /// <summary>The condition's JavaScript; empty when it has no clauses.</summary>
    public static string Write(Condition condition) =>
        string.Join(condition.Join == ConditionJoin.All ? " && " : " || ", condition.Clauses.Select(Write));

    private static string Write(ConditionClause clause)
    {
        var subject = Reference(clause.Subject);
        var text = Quote(clause.Text);
        return clause.Operator switch
        {
            ConditionOperator.Is => $"{subject} === {text}",
            ConditionOperator.IsNot => $"{subject} !== {text}",
            ConditionOperator.Contains => $"String({subject} ?? \"\").includes({text})",
            ConditionOperator.IsEmpty => $"!{subject}",
            ConditionOperator.IsNotEmpty => $"!!{subject}",
            ConditionOperator.Equal => $"{subject} === {Number(clause.Number)}",
            ConditionOperator.NotEqual => $"{subject} !== {Number(clause.Number)}",
            ConditionOperator.Less => $"{subject} < {Number(clause.Number)}",
            ConditionOperator.LessOrEqual => $"{subject} <= {Number(clause.Number)}",
            ConditionOperator.Greater => $"{subject} > {Number(clause.Number)}",
            ConditionOperator.GreaterOrEqual => $"{subject} >= {Number(clause.Number)}",
            ConditionOperator.IsYes => $"{subject} === true",
            ConditionOperator.IsNo => $"{subject} !== true",
            ConditionOperator.IsOneOf => $"[{string.Join(", ", clause.Options.Select(Quote))}].includes({subject})",
            ConditionOperator.Before => $"Date.parse({subject}) < Date.parse({text})",
            ConditionOperator.After => $"Date.parse({subject}) > Date.parse({text})",
            _ => throw new ArgumentOutOfRangeException(nameof(clause), clause.Operator, "not an operator the builder knows"),
        };
    }

    /// <summary>
    /// <c>vars.priority</c>, <c>outcomes["assess-change"]</c> for a name that is not a JavaScript identifier, and
    /// <c>vars.raisedChange?.state</c> for a record's field: undefined, not an error, while the variable holds no record.
    /// </summary>
    public static string Reference(ConditionSubject subject)
    {
        var scope = subject.Scope == ConditionScope.Variable ? "vars" : "outcomes";
        var reference = IsIdentifier(subject.Name) ? $"{scope}.{subject.Name}" : $"{scope}[{Quote(subject.Name)}]";
        return subject.Field is null ? reference
            : IsIdentifier(subject.Field) ? $"{reference}?.{subject.Field}"
            : $"{reference}?.[{Quote(subject.Field)}]";
    }

    public static string Quote(string text) => JsonSerializer.Serialize(text, Literals);

    /// <summary>A finite number as a JavaScript literal (invariant, shortest round-trip form); a negative one keeps its sign.</summary>
    private static string Number(double number) =>
        double.IsFinite(number) ? number.ToString("R", CultureInfo.InvariantCulture) : throw new ArgumentOutOfRangeException(nameof(number), number, "a condition compares with finite numbers");

    internal static bool IsIdentifier(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] is '_' or '$') && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '$');
}
