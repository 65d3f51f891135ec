namespace ValueStreams.Designer.Shared;

/// <summary>The identity provider the sign-in page offers ("Sign in with <i>DisplayName</i>"), or none.</summary>
public sealed record ExternalSignIn(string? DisplayName, string? StartPath)
{
    public static ExternalSignIn None { get; } = new(null, null);

    public bool IsOffered => !string.IsNullOrEmpty(StartPath);
}
