namespace ValueStreams.Designer.Designer.Conditions;

/// <summary>How a condition's clauses combine: every one must hold, or any one is enough.</summary>
public enum ConditionJoin { All, Any }

/// <summary>The kinds of value a clause compares, each with its own operators and value input.</summary>
public enum ConditionValueType { Text, Number, YesNo, Choice, Date }

/// <summary>What a clause asks of its subject.</summary>
public enum ConditionOperator
{
    Is, IsNot, Contains, IsEmpty, IsNotEmpty,
    Equal, NotEqual, Less, LessOrEqual, Greater, GreaterOrEqual,
    IsYes, IsNo,
    IsOneOf,
    Before, After,
}

/// <summary>
/// What a clause is about: a variable of the instance (<c>vars</c>), a field of a record a variable holds (<paramref name="Field"/>,
/// read only when the variable holds one), or the outcome a task left by (<c>outcomes</c>).
/// </summary>
public sealed record ConditionSubject(ConditionScope Scope, string Name, string? Field = null);

public enum ConditionScope { Variable, Outcome }

/// <summary>
/// One comparison of a condition: its subject, the operator and the value compared with. Which value counts depends on the
/// operator: <see cref="Text"/> for text, choices and dates (an ISO date), <see cref="Number"/> for numbers,
/// <see cref="Options"/> for "is one of"; the yes/no and empty operators take none.
/// </summary>
public sealed record ConditionClause(ConditionSubject Subject, ConditionOperator Operator, string Text = "", double Number = 0,
    IReadOnlyList<string>? Options = null)
{
    public IReadOnlyList<string> Options { get; init; } = Options ?? [];

    public bool Equals(ConditionClause? other) =>
        other is not null && Subject == other.Subject && Operator == other.Operator && Text == other.Text
        && Number.Equals(other.Number) && Options.SequenceEqual(other.Options);

    public override int GetHashCode() => HashCode.Combine(Subject, Operator, Text, Number, Options.Count);
}

/// <summary>A condition as the builder shows it: clauses joined by "all of" or "any of".</summary>
public sealed record Condition(ConditionJoin Join, IReadOnlyList<ConditionClause> Clauses)
{
    public static readonly Condition Empty = new(ConditionJoin.All, []);

    public bool Equals(Condition? other) => other is not null && Join == other.Join && Clauses.SequenceEqual(other.Clauses);

    public override int GetHashCode() => HashCode.Combine(Join, Clauses.Count);
}
