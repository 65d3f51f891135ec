namespace ValueStreams.Core.Records;

/// <summary>
/// One kind of ITIL record (incident, problem, change…): what it holds and how it moves. A kind lives in a folder of its
/// own: its descriptor here, its tables in the store's migrations for that folder. The <see cref="RecordKindCatalogue"/>
/// finds every kind, and the API, the pages, the record steps' validation and the schema all read the descriptors.
/// </summary>
public abstract class RecordKind
{
    public abstract RecordKindDescriptor Descriptor { get; }

    /// <summary>
    /// Sets the fields the kind derives from others (an incident's priority from its impact and urgency), after a
    /// change and before it is checked and stored. <paramref name="values"/> holds the record as it will be.
    /// </summary>
    public virtual void Derive(IDictionary<string, object?> values, RecordSettings settings)
    {
    }

    /// <summary>
    /// Rules across fields that the field types cannot say (a change's window ends after it starts), with the state the
    /// record comes from (null for a new record).
    /// </summary>
    public virtual IEnumerable<RecordFieldError> Check(IReadOnlyDictionary<string, object?> values, string? fromState) => [];

    /// <summary>Sets <c>priority</c> from <c>impact</c> and <c>urgency</c> through the configured matrix, when both are known.</summary>
    protected static void DerivePriority(IDictionary<string, object?> values, RecordSettings settings)
    {
        if (values.TryGetValue("impact", out var impact) && values.TryGetValue("urgency", out var urgency)
            && settings.PriorityMatrix.TryGetValue($"{impact}-{urgency}", out var priority))
            values["priority"] = priority;
    }

    /// <summary>The three levels impact and urgency are given in.</summary>
    protected static readonly IReadOnlyList<string> Levels = ["high", "medium", "low"];
}

/// <summary>What a kind is: its names, fields, states and the moves between them.</summary>
/// <param name="Name">The kind's name in stream files (<c>recordType</c>) and links: <c>incident</c>.</param>
/// <param name="Collection">The API collection and page path: <c>incidents</c>.</param>
/// <param name="Table">The kind's own table.</param>
/// <param name="NumberPrefix">Numbers read <c>INC-000123</c>.</param>
/// <param name="DefaultSla">The SLA policy a record of this kind gets unless a stream names another, or null.</param>
/// <param name="Catalogue">
/// A catalogue kind (change models, request catalogue items, service catalogue entries): admins create and change its
/// records; agents and streams read them.
/// </param>
public sealed record RecordKindDescriptor(
    string Name,
    string Collection,
    string Title,
    string Table,
    string NumberPrefix,
    IReadOnlyList<RecordField> Fields,
    IReadOnlyList<RecordState> States,
    IReadOnlyList<RecordTransition> Transitions,
    string? DefaultSla = null,
    bool Catalogue = false)
{
    public string InitialState => States[0].Name;

    /// <summary>The kind's name with its article, for messages: "an incident", "a change".</summary>
    public string WithArticle => ("aeiou".Contains(Name[0]) ? "an " : "a ") + Name;

    public RecordField? Field(string name) => Fields.FirstOrDefault(f => f.Name == name);

    public bool CanMove(string from, string to) => from == to || Transitions.Any(t => t.From == from && t.To == to);
}

/// <summary>A state a record can be in; a final state takes no further moves.</summary>
public sealed record RecordState(string Name, string Label, bool Final = false);

/// <summary>A move from one state to another, named as the action people take (<c>resolve</c>).</summary>
public sealed record RecordTransition(string From, string To, string Action);

public enum RecordFieldType
{
    /// <summary>One line of text.</summary>
    Text,

    /// <summary>Free text over several lines (notes, descriptions).</summary>
    LongText,

    /// <summary>One of the field's options.</summary>
    Choice,

    Boolean,

    Number,

    DateTime,

    /// <summary>A user name from the directory.</summary>
    User,

    /// <summary>A group name from the directory.</summary>
    Group,

    /// <summary>The id or number of another record (the field's <see cref="RecordField.RecordKind"/>).</summary>
    Reference,
}

/// <summary>A field of a record kind and the column that stores it.</summary>
/// <param name="Derived">Set by the kind from other fields (never written directly).</param>
/// <param name="RequiredIn">States in which the field must have a value (an incident on hold needs its reason).</param>
public sealed record RecordField(
    string Name,
    string Column,
    RecordFieldType Type,
    string Label,
    int MaxLength = 200,
    bool Required = false,
    IReadOnlyList<string>? Options = null,
    bool Derived = false,
    IReadOnlyList<string>? RequiredIn = null,
    string? RecordKind = null)
{
    /// <summary>Fields people filter lists by: choices, people, groups, references and flags.</summary>
    public bool Filterable => Type is RecordFieldType.Choice or RecordFieldType.User or RecordFieldType.Group
        or RecordFieldType.Reference or RecordFieldType.Boolean;

    /// <summary>Fields the list's text search looks in.</summary>
    public bool Searchable => Type is RecordFieldType.Text or RecordFieldType.LongText;
}

/// <summary>Settings the kinds read when deriving fields, from <c>ValueStreams:Records</c>.</summary>
public sealed class RecordSettings
{
    /// <summary>
    /// Priority by "impact-urgency" (<c>high-medium</c> → <c>P2</c>). The usual 3×3 is the default; configuration may
    /// replace any cell.
    /// </summary>
    public Dictionary<string, string> PriorityMatrix { get; set; } = new(StringComparer.Ordinal)
    {
        ["high-high"] = "P1", ["high-medium"] = "P2", ["high-low"] = "P3",
        ["medium-high"] = "P2", ["medium-medium"] = "P3", ["medium-low"] = "P4",
        ["low-high"] = "P3", ["low-medium"] = "P4", ["low-low"] = "P4",
    };
}
