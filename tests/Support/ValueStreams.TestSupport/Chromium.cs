namespace ValueStreams.TestSupport;

/// <summary>The headless Chromium that drives the UI: the system's browser, started with the same flags everywhere.</summary>
public static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static readonly string[] Arguments =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic",
    ];
}
