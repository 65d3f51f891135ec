using Microsoft.Playwright;
using ValueStreams.TestSupport;

namespace ValueStreams.BrowserTests;

/// <summary>
/// The ValueStreams host as a real process (Blazor Server needs a real Kestrel, not <c>WebApplicationFactory</c>)
/// on a free port with a fresh embedded SQLite store, plus one headless Chromium shared by the browser tests.
/// </summary>
public sealed class HostProcess : IAsyncLifetime
{
    public const string ChromiumPath = Chromium.ExecutablePath;

    private readonly IReadOnlyDictionary<string, string> _settings;

    /// <summary>The host as <c>dotnet run</c> starts it; the fixture the browser tests share.</summary>
    public HostProcess() : this(new Dictionary<string, string>())
    {
    }

    private HostProcess(IReadOnlyDictionary<string, string> settings) => _settings = settings;

    /// <summary>A host of its own with extra settings (environment variables), for a test that cannot share the fixture.</summary>
    public static HostProcess With(IReadOnlyDictionary<string, string> settings) => new(settings);

    private SpawnedHost? _host;
    private IPlaywright? _playwright;

    /// <summary>The repository root: the folder holding <c>ValueStreams.sln</c>.</summary>
    public string RepoRoot { get; } = HostBuild.RepositoryRoot(AppContext.BaseDirectory);

    /// <summary>The host's data folder for this run, removed on dispose.</summary>
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "vs-browser-" + Guid.NewGuid().ToString("N"));

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the tests save their screenshots: <c>docs/screenshots</c> at the repository root.</summary>
    public string ScreenshotFolder => Path.Combine(RepoRoot, "docs", "screenshots");

    /// <summary>What the host process printed so far (stdout and stderr interleaved).</summary>
    public string Output => _host?.Output ?? "";

    public async Task InitializeAsync()
    {
        // Fail (never skip) when the browser is missing: a silent skip would hide the whole suite.
        if (!File.Exists(ChromiumPath))
            throw new InvalidOperationException(
                $"Chromium is not installed at {ChromiumPath}; the browser tests need it. Install it with `apt-get install -y chromium` " +
                "(do not run `playwright install`).");

        await StartHostAsync();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = Chromium.Arguments,
        });
    }

    /// <summary>A page in a fresh browser context (no cookies), addressed relative to the host.</summary>
    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Locale = "en-GB",
        });
        return await context.NewPageAsync();
    }

    /// <summary>Signs in through the login form, starting from <paramref name="path"/> (which redirects to the login page).</summary>
    public static async Task SignInAsync(IPage page, string username, string password, string path = "/")
    {
        await page.GotoAsync(path);
        await page.Locator("#username").FillAsync(username);
        await page.Locator("#password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    }

    public string Screenshot(string fileName)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        return Path.Combine(ScreenshotFolder, fileName);
    }

    private async Task StartHostAsync()
    {
        var hostDll = HostBuild.HostAssembly(RepoRoot, HostBuild.ConfigurationOf(typeof(HostProcess).Assembly));
        if (!File.Exists(hostDll))
            throw new InvalidOperationException(
                $"The host is not built: {hostDll} does not exist. Build src/ValueStreams.Host (the browser test project references it, so `dotnet build tests/ValueStreams.BrowserTests` does).");

        Directory.CreateDirectory(DataDirectory);
        var environment = new Dictionary<string, string>
        {
            ["ValueStreams__Root"] = RepoRoot,
            ["ValueStreams__Storage__DataDirectory"] = DataDirectory,
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["DOTNET_ENVIRONMENT"] = "Development",
        };
        foreach (var (name, value) in _settings)
            environment[name] = value;
        _host = SpawnedHost.Start(new HostStartInfo
        {
            HostAssembly = hostDll,
            Environment = environment,
            // Settings from the caller's environment would change the host under test.
            DroppedVariables = ["ASPNETCORE_URLS", "ConnectionStrings__ValueStreams", "ValueStreams__Storage__Provider", "ValueStreams__Storage__ConnectionString"],
            ReadyTimeout = TimeSpan.FromSeconds(60),
            PollInterval = TimeSpan.FromMilliseconds(250),
            PollRequestTimeout = TimeSpan.FromSeconds(5),
            KillTimeout = TimeSpan.FromSeconds(15),
        });
        BaseAddress = _host.BaseAddress;
        await _host.WaitUntilReadyAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();

        if (_host is not null)
            await _host.DisposeAsync();

        try
        {
            if (Directory.Exists(DataDirectory))
                Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a dying process; the folder is in the temp area.
        }
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<HostProcess>
{
    public const string Name = "browser";
}
