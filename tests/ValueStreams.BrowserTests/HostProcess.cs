using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text;
using Microsoft.Playwright;

namespace ValueStreams.BrowserTests;

/// <summary>
/// The ValueStreams host as a real process (Blazor Server needs a real Kestrel, not <c>WebApplicationFactory</c>)
/// on a free port with a fresh embedded SQLite store, plus one headless Chromium shared by the browser tests.
/// </summary>
public sealed class HostProcess : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync", "--disable-quic",
    ];

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    private readonly StringBuilder _output = new();
    private Process? _process;
    private IPlaywright? _playwright;

    /// <summary>The repository root: the folder holding <c>ValueStreams.sln</c>.</summary>
    public string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The host's data folder for this run, removed on dispose.</summary>
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "vs-browser-" + Guid.NewGuid().ToString("N"));

    public Uri BaseAddress { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where the tests save their screenshots: <c>docs/screenshots</c> at the repository root.</summary>
    public string ScreenshotFolder => Path.Combine(RepoRoot, "docs", "screenshots");

    /// <summary>What the host process printed so far (stdout and stderr interleaved).</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

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
            Args = ChromiumArgs,
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
        var hostDll = HostAssemblyPath();
        if (!File.Exists(hostDll))
            throw new InvalidOperationException(
                $"The host is not built: {hostDll} does not exist. Build src/ValueStreams.Host (the browser test project references it, so `dotnet build tests/ValueStreams.BrowserTests` does).");

        Directory.CreateDirectory(DataDirectory);
        var port = FreePort();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");

        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(hostDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment["ValueStreams__Root"] = RepoRoot;
        start.Environment["ValueStreams__Storage__DataDirectory"] = DataDirectory;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_ENVIRONMENT"] = "Development";
        // Settings from the caller's environment would change the host under test.
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ConnectionStrings__ValueStreams");
        start.Environment.Remove("ValueStreams__Storage__Provider");
        start.Environment.Remove("ValueStreams__Storage__ConnectionString");

        _process = new Process { StartInfo = start, EnableRaisingEvents = true };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        if (!_process.Start())
            throw new InvalidOperationException($"Could not start `dotnet {hostDll}`.");
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var clock = Stopwatch.StartNew();
        string? lastAnswer = null;
        while (clock.Elapsed < ReadyTimeout)
        {
            if (_process.HasExited)
                throw new InvalidOperationException(
                    $"The host exited with code {_process.ExitCode} before it was ready.\n--- host output ---\n{Output}");
            try
            {
                using var response = await http.GetAsync("health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                    return;
                lastAnswer = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                lastAnswer = e.Message;
            }
            await Task.Delay(250);
        }

        throw new TimeoutException(
            $"The host at {BaseAddress} did not answer 200 on /health/ready within {ReadyTimeout.TotalSeconds} s " +
            $"(last answer: {lastAnswer}).\n--- host output ---\n{Output}");
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
            await Browser.DisposeAsync();
        _playwright?.Dispose();

        if (_process is not null)
        {
            try
            {
                if (!_process.HasExited)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(15));
                }
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
            {
                // Already gone, or not answering: nothing more to do from here.
            }
            _process.Dispose();
        }

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

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    private string HostAssemblyPath()
    {
        var configuration = typeof(HostProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "Configuration")?.Value ?? "Debug";
        return Path.Combine(RepoRoot, "src", "ValueStreams.Host", "bin", configuration, "net10.0", "ValueStreams.Host.dll");
    }

    private static string FindRepoRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "ValueStreams.sln")))
                return folder.FullName;
        }
        throw new InvalidOperationException($"Cannot find ValueStreams.sln above {AppContext.BaseDirectory}.");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<HostProcess>
{
    public const string Name = "browser";
}
