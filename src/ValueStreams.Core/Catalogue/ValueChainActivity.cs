namespace ValueStreams.Core.Catalogue;

/// <summary>One of the six activities of the ITIL 4 service value chain (book section 4.5).</summary>
public sealed record ValueChainActivity(
    string Id,
    string Name,
    string Section,
    string Purpose,
    IReadOnlyList<ValueChainInput> Inputs,
    IReadOnlyList<ValueChainOutput> Outputs);

/// <summary>A key input of a value chain activity; <c>From</c> holds activity ids or <c>external:&lt;party&gt;</c>.</summary>
public sealed record ValueChainInput(string Item, IReadOnlyList<string> From);

/// <summary>A key output of a value chain activity; <c>To</c> holds activity ids or <c>external:&lt;party&gt;</c>.</summary>
public sealed record ValueChainOutput(string Item, IReadOnlyList<string> To);
