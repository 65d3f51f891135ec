namespace ValueStreams.Designer.Designer.Conditions;

/// <summary>Which operators fit which kind of value, how they read, and what value each takes.</summary>
public static class ConditionOperators
{
    private static readonly Dictionary<ConditionValueType, IReadOnlyList<ConditionOperator>> ByType = new()
    {
        [ConditionValueType.Text] = [ConditionOperator.Is, ConditionOperator.IsNot, ConditionOperator.Contains, ConditionOperator.IsEmpty, ConditionOperator.IsNotEmpty],
        [ConditionValueType.Number] =
        [
            ConditionOperator.Equal, ConditionOperator.NotEqual, ConditionOperator.Less, ConditionOperator.LessOrEqual,
            ConditionOperator.Greater, ConditionOperator.GreaterOrEqual,
        ],
        [ConditionValueType.YesNo] = [ConditionOperator.IsYes, ConditionOperator.IsNo],
        [ConditionValueType.Choice] = [ConditionOperator.Is, ConditionOperator.IsNot, ConditionOperator.IsOneOf],
        [ConditionValueType.Date] = [ConditionOperator.Before, ConditionOperator.After],
    };

    /// <summary>The operators offered for a kind of value, the first being the one a new clause starts with.</summary>
    public static IReadOnlyList<ConditionOperator> For(ConditionValueType type) => ByType[type];

    public static bool Fits(ConditionOperator op, ConditionValueType type) => ByType[type].Contains(op);

    /// <summary>The kind of value an operator belongs to when its subject does not say (is and is not: text).</summary>
    public static ConditionValueType NaturalType(ConditionOperator op) => op switch
    {
        ConditionOperator.Equal or ConditionOperator.NotEqual or ConditionOperator.Less or ConditionOperator.LessOrEqual
            or ConditionOperator.Greater or ConditionOperator.GreaterOrEqual => ConditionValueType.Number,
        ConditionOperator.IsYes or ConditionOperator.IsNo => ConditionValueType.YesNo,
        ConditionOperator.IsOneOf => ConditionValueType.Choice,
        ConditionOperator.Before or ConditionOperator.After => ConditionValueType.Date,
        _ => ConditionValueType.Text,
    };

    /// <summary>Whether the operator compares with a value the person gives (is empty and is yes need none).</summary>
    public static bool TakesValue(ConditionOperator op) =>
        op is not (ConditionOperator.IsEmpty or ConditionOperator.IsNotEmpty or ConditionOperator.IsYes or ConditionOperator.IsNo);

    public static string Label(ConditionOperator op) => op switch
    {
        ConditionOperator.Is => "is",
        ConditionOperator.IsNot => "is not",
        ConditionOperator.Contains => "contains",
        ConditionOperator.IsEmpty => "is empty",
        ConditionOperator.IsNotEmpty => "is not empty",
        ConditionOperator.Equal => "=",
        ConditionOperator.NotEqual => "≠",
        ConditionOperator.Less => "<",
        ConditionOperator.LessOrEqual => "≤",
        ConditionOperator.Greater => ">",
        ConditionOperator.GreaterOrEqual => "≥",
        ConditionOperator.IsYes => "is yes",
        ConditionOperator.IsNo => "is no",
        ConditionOperator.IsOneOf => "is one of",
        ConditionOperator.Before => "before",
        ConditionOperator.After => "after",
        _ => op.ToString(),
    };
}
