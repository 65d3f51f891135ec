namespace ValueStreams.TestSupport;

/// <summary>How <see cref="SpawnedHost"/> starts the host: which build, which settings, how long it may take to become ready.</summary>
public sealed record HostStartInfo
{
    /// <summary>
    /// The variables through which a caller's shell could change the host's storage, URLs or environment:
    /// every <c>ValueStreams__*</c>, <c>ConnectionStrings__*</c> and <c>ASPNETCORE_*</c> variable and <c>DOTNET_ENVIRONMENT</c>.
    /// </summary>
    public static readonly IReadOnlyList<string> HostSettingVariables =
        ["ValueStreams__", "ConnectionStrings__", "ASPNETCORE_", "DOTNET_ENVIRONMENT"];

    /// <summary>The host's entry assembly, e.g. <c>src/ValueStreams.Host/bin/Release/net10.0/ValueStreams.Host.dll</c>.</summary>
    public required string HostAssembly { get; init; }

    /// <summary>The host's working directory; the folder of <see cref="HostAssembly"/> when not set.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Names the host in failure messages (a node, a run); not needed when there is only one.</summary>
    public string? Name { get; init; }

    /// <summary>
    /// Inherited environment variables to drop before <see cref="Environment"/> is applied: each entry is a name or the
    /// start of names, compared without regard to case.
    /// </summary>
    public IReadOnlyList<string> DroppedVariables { get; init; } = [];

    /// <summary>Environment variables set for the host.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>How long after the process started <c>/health/ready</c> must answer 200.</summary>
    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>The pause between two asks of <c>/health/ready</c>.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How long one ask of <c>/health/ready</c> may take.</summary>
    public TimeSpan PollRequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How many of the host's last output lines <see cref="SpawnedHost.Output"/> keeps; all of them when not set.</summary>
    public int? KeptOutputLines { get; init; }

    /// <summary>How long a hard kill waits for the process to be gone.</summary>
    public TimeSpan KillTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Called with every line the host writes to standard error (besides keeping it in the output).</summary>
    public Action<string>? OnStandardError { get; init; }
}
