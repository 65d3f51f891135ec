namespace ValueStreams.Designer.Designer.Conditions;

/// <summary>The step properties that hold a condition the builder edits: a decision's condition rows and a start's record condition.</summary>
public static class ConditionProperties
{
    public static bool IsCondition(string? stepType, string inputName) => (stepType, inputName) is ("decision", "expression") or ("start", "condition");
}
