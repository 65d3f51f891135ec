namespace ValueStreams.Designer.Shared;

/// <summary>What the sign-in page may tell visitors: the demo user names where demo users exist, else none.</summary>
public sealed record LoginHints(IReadOnlyList<string> DemoUsernames, string? DemoPassword);
