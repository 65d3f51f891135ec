using System.Globalization;
using System.Text;

namespace ValueStreams.Designer.Designer.Conditions;

/// <summary>
/// Reads back the JavaScript <see cref="ConditionWriter"/> writes, so that a saved condition opens in the builder again.
/// It knows exactly those shapes, with any spacing, <c>==</c> for <c>===</c> (and <c>!=</c> for <c>!==</c>), and single or
/// double quotes; anything else is not the builder's and stays JavaScript.
/// </summary>
public static class ConditionReader
{
    /// <summary>The condition, or null when the expression is not one the builder can show. An empty expression has no clauses.</summary>
    public static Condition? Read(string? expression)
    {
        if (string.IsNullOrWhiteSpace(expression))
            return Condition.Empty;
        if (Tokenize(expression) is not { } tokens)
            return null;
        var parser = new Parser(tokens);
        return parser.Condition();
    }

    private enum TokenKind { Name, Text, Number, Symbol }

    private readonly record struct Token(TokenKind Kind, string Value);

    private static readonly string[] Symbols = ["===", "!==", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "<", ">", "!", ".", ",", "(", ")", "[", "]", "-"];

    private static List<Token>? Tokenize(string code)
    {
        var tokens = new List<Token>();
        var at = 0;
        while (at < code.Length)
        {
            var c = code[at];
            if (char.IsWhiteSpace(c))
            {
                at++;
            }
            else if (c is '"' or '\'')
            {
                if (ReadString(code, ref at) is not { } text)
                    return null;
                tokens.Add(new(TokenKind.Text, text));
            }
            else if (char.IsAsciiDigit(c) || c == '.' && at + 1 < code.Length && char.IsAsciiDigit(code[at + 1]))
            {
                var start = at;
                while (at < code.Length && (char.IsAsciiDigit(code[at]) || code[at] is '.' or 'e' or 'E'
                                            || code[at] is '+' or '-' && code[at - 1] is 'e' or 'E'))
                    at++;
                tokens.Add(new(TokenKind.Number, code[start..at]));
            }
            else if (char.IsAsciiLetter(c) || c is '_' or '$')
            {
                var start = at;
                while (at < code.Length && (char.IsAsciiLetterOrDigit(code[at]) || code[at] is '_' or '$'))
                    at++;
                tokens.Add(new(TokenKind.Name, code[start..at]));
            }
            else if (Symbols.FirstOrDefault(s => string.CompareOrdinal(code, at, s, 0, s.Length) == 0) is { } symbol)
            {
                tokens.Add(new(TokenKind.Symbol, symbol));
                at += symbol.Length;
            }
            else
            {
                return null;
            }
        }
        return tokens;
    }

    /// <summary>A JavaScript string literal's value, from its opening quote; null for one that is unfinished or has an escape the builder never writes.</summary>
    private static string? ReadString(string code, ref int at)
    {
        var quote = code[at++];
        var text = new StringBuilder();
        while (at < code.Length)
        {
            var c = code[at++];
            if (c == quote)
                return text.ToString();
            if (c is '\n' or '\r')
                return null;
            if (c != '\\')
            {
                text.Append(c);
                continue;
            }
            if (at >= code.Length)
                return null;
            var escape = code[at++];
            switch (escape)
            {
                case 'n': text.Append('\n'); break;
                case 'r': text.Append('\r'); break;
                case 't': text.Append('\t'); break;
                case 'b': text.Append('\b'); break;
                case 'f': text.Append('\f'); break;
                case 'v': text.Append('\v'); break;
                case '"' or '\'' or '\\' or '/': text.Append(escape); break;
                case 'x' when Hex(code, at, 2) is { } value:
                    text.Append((char)value);
                    at += 2;
                    break;
                case 'u' when Hex(code, at, 4) is { } value:
                    text.Append((char)value);
                    at += 4;
                    break;
                default:
                    return null;
            }
        }
        return null;
    }

    private static int? Hex(string code, int at, int digits) =>
        at + digits <= code.Length && int.TryParse(code.AsSpan(at, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            ? value : null;

    /// <summary>Reads tokens in the builder's shapes; every method returns null (or false) as soon as they leave them.</summary>
    private sealed class Parser(List<Token> tokens)
    {
        private int _at;

        public Condition? Condition()
        {
            var clauses = new List<ConditionClause>();
            ConditionJoin? join = null;
            while (true)
            {
                if (Clause() is not { } clause)
                    return null;
                clauses.Add(clause);
                if (_at == tokens.Count)
                    return new(join ?? ConditionJoin.All, clauses);
                var next = Next() is { Kind: TokenKind.Symbol, Value: "&&" or "||" } symbol
                    ? symbol.Value == "&&" ? ConditionJoin.All : ConditionJoin.Any
                    : (ConditionJoin?)null;
                if (next is null || join is not null && join != next)
                    return null;
                join = next;
            }
        }

        private ConditionClause? Clause()
        {
            var start = _at;
            foreach (var shape in new Func<ConditionClause?>[] { Empty, Contains, OneOf, Dated, Compared })
            {
                _at = start;
                if (shape() is { } clause)
                    return clause;
            }
            return null;
        }

        /// <summary><c>!subject</c> and <c>!!subject</c>.</summary>
        private ConditionClause? Empty()
        {
            if (!Symbol("!"))
                return null;
            var not = Symbol("!");
            return Subject() is { } subject ? new(subject, not ? ConditionOperator.IsNotEmpty : ConditionOperator.IsEmpty) : null;
        }

        /// <summary><c>String(subject ?? "").includes("text")</c>.</summary>
        private ConditionClause? Contains() =>
            Word("String") && Symbol("(") && Subject() is { } subject && Symbol("??") && Text() == "" && Symbol(")")
            && Symbol(".") && Word("includes") && Symbol("(") && Text() is { } text && Symbol(")")
                ? new(subject, ConditionOperator.Contains, text)
                : null;

        /// <summary><c>["a", "b"].includes(subject)</c>.</summary>
        private ConditionClause? OneOf()
        {
            if (!Symbol("["))
                return null;
            var options = new List<string>();
            if (!Symbol("]"))
            {
                do
                {
                    if (Text() is not { } option)
                        return null;
                    options.Add(option);
                }
                while (Symbol(","));
                if (!Symbol("]"))
                    return null;
            }
            return Symbol(".") && Word("includes") && Symbol("(") && Subject() is { } subject && Symbol(")")
                ? new(subject, ConditionOperator.IsOneOf, Options: options)
                : null;
        }

        /// <summary><c>Date.parse(subject) &lt; Date.parse("2026-12-01")</c>, or &gt; for after.</summary>
        private ConditionClause? Dated()
        {
            if (!(Word("Date") && Symbol(".") && Word("parse") && Symbol("(") && Subject() is { } subject && Symbol(")")))
                return null;
            var op = Symbol("<") ? ConditionOperator.Before : Symbol(">") ? ConditionOperator.After : (ConditionOperator?)null;
            return op is { } before && Word("Date") && Symbol(".") && Word("parse") && Symbol("(") && Text() is { } date && Symbol(")")
                ? new(subject, before, date)
                : null;
        }

        /// <summary><c>subject === "text"</c>, <c>subject &gt; 5</c>, <c>subject === true</c> and their kin.</summary>
        private ConditionClause? Compared()
        {
            if (Subject() is not { } subject || Next() is not { Kind: TokenKind.Symbol } comparison)
                return null;
            var equal = comparison.Value is "===" or "==";
            var unequal = comparison.Value is "!==" or "!=";
            if ((equal || unequal) && Word("true"))
                return new(subject, equal ? ConditionOperator.IsYes : ConditionOperator.IsNo);
            var start = _at;
            if ((equal || unequal) && Text() is { } text)
                return new(subject, equal ? ConditionOperator.Is : ConditionOperator.IsNot, text);
            _at = start;
            if (Number() is not { } number)
                return null;
            ConditionOperator? op = comparison.Value switch
            {
                "===" or "==" => ConditionOperator.Equal,
                "!==" or "!=" => ConditionOperator.NotEqual,
                "<" => ConditionOperator.Less,
                "<=" => ConditionOperator.LessOrEqual,
                ">" => ConditionOperator.Greater,
                ">=" => ConditionOperator.GreaterOrEqual,
                _ => null,
            };
            return op is { } compared ? new(subject, compared, Number: number) : null;
        }

        /// <summary>
        /// <c>vars.name</c>, <c>vars["name"]</c>, <c>outcomes.step</c> or <c>outcomes["step-id"]</c>, and a variable's record field
        /// <c>vars.name?.field</c> or <c>vars.name?.["field"]</c>.
        /// </summary>
        private ConditionSubject? Subject()
        {
            if (Next() is not { Kind: TokenKind.Name, Value: "vars" or "outcomes" } scopeName)
                return null;
            var scope = scopeName.Value == "vars" ? ConditionScope.Variable : ConditionScope.Outcome;
            if (Member(Symbol(".")) is not { } name)
                return null;
            if (scope != ConditionScope.Variable || !Symbol("?."))
                return new(scope, name);
            return (_at < tokens.Count && tokens[_at].Kind == TokenKind.Name ? Next()!.Value.Value : Member(dotted: false)) is { } field
                ? new(scope, name, field)
                : null;
        }

        /// <summary>The name after a dot, or a quoted name in brackets.</summary>
        private string? Member(bool dotted)
        {
            if (dotted)
                return Next() is { Kind: TokenKind.Name } name ? name.Value : null;
            return Symbol("[") && Text() is { Length: > 0 } quoted && Symbol("]") ? quoted : null;
        }

        private double? Number()
        {
            var negative = Symbol("-");
            return Next() is { Kind: TokenKind.Number } token
                   && double.TryParse(token.Value, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out var number)
                   && double.IsFinite(number)
                ? negative ? -number : number
                : null;
        }

        private string? Text() => Next() is { Kind: TokenKind.Text } token ? token.Value : null;

        private bool Symbol(string symbol) => Take(TokenKind.Symbol, symbol);

        private bool Word(string word) => Take(TokenKind.Name, word);

        private bool Take(TokenKind kind, string value)
        {
            if (_at < tokens.Count && tokens[_at].Kind == kind && tokens[_at].Value == value)
            {
                _at++;
                return true;
            }
            return false;
        }

        private Token? Next() => _at < tokens.Count ? tokens[_at++] : null;
    }
}
