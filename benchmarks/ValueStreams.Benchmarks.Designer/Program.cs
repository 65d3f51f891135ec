// Designer benchmark: how fast the designer opens an empty, a 200-step and a 1,000-step value stream compared with a static
// page of the app, and how quickly a dragged node and a panned canvas follow the mouse on the 1,000-step stream.
//
// 1. Starts the host on a free port with a fresh data directory (embedded SQLite store), its folder as the content root,
//    and waits for /health/ready: with --published DIR the `dotnet publish` output DIR/ValueStreams.Host.dll in Production
//    (as the container runs it); otherwise the build output src/ValueStreams.Host/bin/<Configuration>/net10.0 in
//    Development, because an unpublished build serves its static web assets (blazor.web.js, MudBlazor, Z.Blazor.Diagrams)
//    only there: in Production they answer 200 with an empty body and the page never becomes interactive.
// 2. Generates three valid streams: the smallest a publish accepts (start -> value milestone -> end, what a new stream
//    starts from), and streams of 200 and 1,000 steps (start, blocks of human task -> decision -> script, a value
//    milestone, an end), checks them with the validator and imports them as `owner` (POST /api/value-streams/import).
// 3. Launches headless Chromium (/usr/bin/chromium, the browser tests' flags). Per round, in turn (so each sees the same
//    load):
//    static: the sign-in page in a browser context that is not signed in; wall time from navigation until the page has
//            loaded and its user name field takes typing;
//    open:   the designer for each stream in a signed-in context, a new page each; wall time from navigation to
//            interactive = the start step is drawn and a click on it selected it (the property panel shows that step);
//    drag:   on the largest stream, presses the mouse on the start step and moves it 50 times by up to 8 px, waiting for
//            each move to land; per move, the time from the browser's pointermove to the node's style changing;
//    pan:    on the largest stream, presses on the canvas's background and moves 50 times; per move, the time from the
//            pointermove to the canvas layer's transform changing.
//    The first round is a warm-up and is not counted. Results go to stdout as Markdown; progress to stderr.

using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Playwright;
using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Format;
using ValueStreams.Core.Definitions.Validation;
using ValueStreams.TestSupport;

if (BenchmarkArguments.ExitBeforeStart(args, Settings.Usage, Settings.Parse, out var parsed) is { } exit)
    return exit;
var settings = parsed!;

var root = HostBuild.RepositoryRoot(Directory.GetCurrentDirectory(), AppContext.BaseDirectory);
var environment = settings.Published is null ? "Development" : "Production";
var hostDll = settings.Published is { } published
    ? Path.Combine(Path.GetFullPath(published), "ValueStreams.Host.dll")
    : HostBuild.HostAssembly(root, settings.Configuration);
if (!File.Exists(hostDll))
{
    Console.Error.WriteLine($"The host is not built: {hostDll} is missing. Build it first (see --help).");
    return 1;
}
if (!File.Exists(Chromium.ExecutablePath))
{
    Console.Error.WriteLine($"Chromium is not installed at {Chromium.ExecutablePath} (apt-get install -y chromium).");
    return 1;
}

ValueStreamDefinition[] streams = [LargeStream.Smallest(), .. settings.Sizes.Select(LargeStream.Create)];
var validator = new ValueStreamValidator(ItilCatalogue.Default);
foreach (var generated in streams)
{
    var report = validator.Validate(generated);
    if (!report.IsValid)
    {
        Console.Error.WriteLine($"The generated stream '{generated.Id}' is invalid: {string.Join("; ", report.Errors.Take(5))}");
        return 1;
    }
}
var largest = streams[^1];

var dataDirectory = Directory.CreateTempSubdirectory("valuestreams-designer-bench-").FullName;
await using var host = SpawnedHost.Start(new HostStartInfo
{
    // Started in its own folder, the content root: where the host finds its static assets (wwwroot, the assets manifest).
    HostAssembly = hostDll,
    DroppedVariables = HostStartInfo.HostSettingVariables,
    Environment = new Dictionary<string, string>
    {
        ["ValueStreams__Root"] = root,
        ["ValueStreams__Storage__DataDirectory"] = dataDirectory,
        ["ASPNETCORE_ENVIRONMENT"] = environment,
        // Production turns the demo users off; the benchmark signs in as the demo process owner.
        ["ValueStreams__DemoUsers"] = "true",
    },
    ReadyTimeout = TimeSpan.FromSeconds(settings.TimeoutSeconds),
    PollInterval = TimeSpan.FromMilliseconds(100),
    PollRequestTimeout = TimeSpan.FromSeconds(30),
    KeptOutputLines = 200,
    OnStandardError = line =>
    {
        if (line.Contains("fail", StringComparison.OrdinalIgnoreCase))
            Console.Error.WriteLine($"[host] {line}");
    },
});
var baseAddress = host.BaseAddress;
try
{
    using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    await host.WaitUntilReadyAsync();
    foreach (var generated in streams)
    {
        await ImportAsync(http, generated);
        Console.Error.WriteLine($"[bench] imported '{generated.Id}' ({generated.Steps.Count} steps, {generated.Connections.Count} connections)");
    }

    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Chromium.ExecutablePath,
        Headless = true,
        Args = Chromium.Arguments,
    });
    var contextOptions = new BrowserNewContextOptions
    {
        BaseURL = baseAddress.ToString(),
        ViewportSize = new ViewportSize { Width = 1600, Height = 960 },
        Locale = "en-GB",
    };
    var signedIn = await browser.NewContextAsync(contextOptions);
    await SignInAsync(signedIn);
    var anonymous = await browser.NewContextAsync(contextOptions);

    var results = new Results(streams);
    for (var round = 0; round <= settings.Runs; round++)
    {
        var counted = round > 0;
        Console.Error.WriteLine(counted ? $"[bench] round {round}" : "[bench] warm-up round (not counted)");
        var staticMs = await OpenStaticAsync(anonymous);
        if (counted)
            results.StaticMs.Add(staticMs);
        foreach (var stream in streams)
        {
            var page = await signedIn.NewPageAsync();
            try
            {
                var open = await OpenDesignerAsync(page, stream);
                Console.Error.WriteLine($"[bench]   {stream.Steps.Count} steps: interactive {open.InteractiveMs:F0} ms, {open.NodesInPage} nodes in the page");
                if (!counted)
                    continue;
                results.Opens[stream].Add(open);
                if (stream != largest)
                    continue;
                var drag = await DragAsync(page, "start", settings.Moves);
                var pan = await PanAsync(page, settings.Moves);
                results.DragMs.AddRange(drag);
                results.PanMs.AddRange(pan);
                Console.Error.WriteLine($"[bench]   drag p95 {Percentile(drag, 95):F1} ms, pan p95 {Percentile(pan, 95):F1} ms");
            }
            finally
            {
                await page.CloseAsync();
            }
        }
        Console.Error.WriteLine($"[bench]   static page {staticMs:F0} ms");
    }

    Console.WriteLine(Report(results, settings, browser.Version, hostDll, environment));
    return 0;
}
finally
{
    await host.StopAsync(TimeSpan.FromSeconds(10));
    try
    {
        Directory.Delete(dataDirectory, recursive: true);
    }
    catch (IOException)
    {
        // A file still held by the stopping host; the folder is in the temp area.
    }
}

/// <summary>The sign-in page, rendered on the server without a live connection: navigation until it has loaded and its user name field takes typing.</summary>
static async Task<double> OpenStaticAsync(IBrowserContext context)
{
    var page = await context.NewPageAsync();
    try
    {
        var clock = Stopwatch.StartNew();
        await page.GotoAsync("/login", new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        await page.Locator("#username").FillAsync("owner");
        return clock.Elapsed.TotalMilliseconds;
    }
    finally
    {
        await page.CloseAsync();
    }
}

/// <summary>Navigation until the start step is drawn and a click on it selected it (the property panel shows that step).</summary>
static async Task<OpenResult> OpenDesignerAsync(IPage page, ValueStreamDefinition stream)
{
    var clock = Stopwatch.StartNew();
    await page.GotoAsync($"/value-streams/{stream.Id}/design", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
    var start = page.Locator(".diagram-node[data-node-id='start'] .vs-node-head");
    try
    {
        await start.WaitForAsync(new LocatorWaitForOptions { Timeout = 60_000 });
    }
    catch (TimeoutException)
    {
        var path = Path.Combine(Path.GetTempPath(), "designer-bench-timeout.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
        throw new TimeoutException($"The start step of '{stream.Id}' was not drawn after 60 s; see {path}.");
    }
    await start.ClickAsync();
    await page.Locator("[data-testid=step-panel][data-step-id='start']").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
    var interactive = clock.Elapsed.TotalMilliseconds;
    return new OpenResult(interactive, await page.Locator(".diagram-node").CountAsync());
}

/// <summary>
/// Presses on a node and moves it <paramref name="moves"/> times, one move at a time; returns, per move, the milliseconds
/// from the page's pointermove event to the node's position (its style) changing, both stamped in the page.
/// </summary>
static async Task<double[]> DragAsync(IPage page, string stepId, int moves)
{
    var node = page.Locator($".diagram-node[data-node-id='{stepId}']");
    var box = (await node.Locator(".vs-node-head").BoundingBoxAsync())!;
    return await MoveAsync(page, $".diagram-node[data-node-id=\"{stepId}\"]", box.X + 20, box.Y + box.Height / 2, moves);
}

/// <summary>Presses on the canvas's background (a point where no step, map or legend is) and moves <paramref name="moves"/> times; per move, until the canvas's layer moved.</summary>
static async Task<double[]> PanAsync(IPage page, int moves)
{
    var point = await page.EvaluateAsync<double[]?>("""
        () => {
            const canvas = document.querySelector('[data-testid=canvas] .diagram-canvas').getBoundingClientRect();
            for (let y = canvas.top + 40; y < canvas.bottom - 120; y += 10)
                for (let x = canvas.left + 40; x < canvas.left + canvas.width / 2; x += 10) {
                    const hit = document.elementFromPoint(x, y);
                    if (hit && (hit.classList.contains('diagram-canvas') || hit.classList.contains('diagram-svg-layer') || hit.classList.contains('diagram-html-layer')))
                        return [x, y];
                }
            return null;
        }
        """);
    if (point is null)
        throw new InvalidOperationException("No background of the canvas to press on for panning.");
    return await MoveAsync(page, "[data-testid=canvas] .diagram-html-layer", point[0], point[1], moves);
}

/// <summary>
/// Presses the mouse at (x, y) and moves it <paramref name="moves"/> times, one move at a time (staying inside the canvas,
/// which hears the mouse only while it is over it); per move, the milliseconds from the page's pointermove to the style
/// of the element <paramref name="watched"/> changing, both stamped with performance.now() in the page. A move not
/// followed within 10 s counts as 10 000 ms.
/// </summary>
static async Task<double[]> MoveAsync(IPage page, string watched, double x, double y, int moves)
{
    await page.EvaluateAsync("""
        selector => {
            const el = document.querySelector(selector);
            const move = window.__move = { lastMove: 0, before: null, latency: null };
            move.arm = () => { move.before = el.style.cssText; move.latency = null; };
            if (!window.__moveListening) {
                window.__moveListening = true;
                document.addEventListener('pointermove', e => { if (e.buttons) window.__move.lastMove = performance.now(); }, true);
            }
            new MutationObserver(() => {
                if (move.latency === null && move.before !== null && el.style.cssText !== move.before)
                    move.latency = performance.now() - move.lastMove;
            }).observe(el, { attributes: true, attributeFilter: ['style'] });
        }
        """, watched);
    var canvas = (await page.Locator("[data-testid=canvas]").BoundingBoxAsync())!;
    var stepX = Math.Min(8, (canvas.X + canvas.Width - 60 - x) / moves);
    var stepY = Math.Min(2, (canvas.Y + canvas.Height - 60 - y) / moves);
    await page.Mouse.MoveAsync((float)x, (float)y);
    await page.Mouse.DownAsync();
    var latencies = new double[moves];
    for (var i = 1; i <= moves; i++)
    {
        await page.EvaluateAsync("() => window.__move.arm()");
        await page.Mouse.MoveAsync((float)(x + stepX * i), (float)(y + stepY * i));
        try
        {
            await page.WaitForFunctionAsync("() => window.__move.latency !== null", null, new PageWaitForFunctionOptions { PollingInterval = 2, Timeout = 10_000 });
            latencies[i - 1] = await page.EvaluateAsync<double>("() => window.__move.latency");
        }
        catch (TimeoutException)
        {
            latencies[i - 1] = 10_000;
        }
    }
    await page.Mouse.UpAsync();
    return latencies;
}

static async Task SignInAsync(IBrowserContext context)
{
    var page = await context.NewPageAsync();
    await page.GotoAsync("/login");
    await page.Locator("#username").FillAsync("owner");
    await page.Locator("#password").FillAsync("demo");
    await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
    if (new Uri(page.Url).AbsolutePath.StartsWith("/login", StringComparison.Ordinal))
        throw new InvalidOperationException($"Signing in as owner failed: still at {page.Url}.");
    await page.CloseAsync();
}

static async Task ImportAsync(HttpClient http, ValueStreamDefinition stream)
{
    var token = await HostSignIn.TokenAsync(http, "owner");
    using var request = new HttpRequestMessage(HttpMethod.Post, "api/value-streams/import")
    {
        Content = new ByteArrayContent(ValueStreamWriter.WriteUtf8(stream)) { Headers = { { "Content-Type", "application/json" } } },
    };
    request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
    using var response = await http.SendAsync(request);
    if (!response.IsSuccessStatusCode)
        throw new InvalidOperationException($"Import answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
}

static double Percentile(IReadOnlyCollection<double> values, int percentile)
{
    var sorted = values.Order().ToArray();
    var rank = (int)Math.Ceiling(percentile / 100.0 * sorted.Length) - 1;
    return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
}

static string Report(Results results, Settings settings, string chromium, string hostDll, string environment)
{
    static string F(double value, string format = "F0") => value.ToString(format, CultureInfo.InvariantCulture);

    var text = new StringBuilder();
    text.AppendLine($"Host: `{hostDll}` ({(settings.Published is null ? settings.Configuration + " build output" : "published")}), {environment}, embedded SQLite. " +
                    $"Headless Chromium {chromium}, viewport 1600×960. {settings.Runs} rounds after one warm-up round; {settings.Moves} moves per drag and per pan.");
    text.AppendLine();
    text.AppendLine("| page | steps | connections | file KB | nodes in the page | open to interactive median ms | p95 ms | min ms | max ms |");
    text.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    text.AppendLine($"| sign-in page (static) | | | | | {F(Percentile(results.StaticMs, 50))} | {F(Percentile(results.StaticMs, 95))} | {F(results.StaticMs.Min())} | {F(results.StaticMs.Max())} |");
    foreach (var (stream, opens) in results.Opens)
    {
        var times = opens.Select(o => o.InteractiveMs).ToList();
        text.AppendLine($"| designer | {stream.Steps.Count} | {stream.Connections.Count} | {ValueStreamWriter.WriteUtf8(stream).Length / 1024} | " +
                        $"{F(Percentile(opens.Select(o => (double)o.NodesInPage).ToList(), 50))} | {F(Percentile(times, 50))} | {F(Percentile(times, 95))} | {F(times.Min())} | {F(times.Max())} |");
    }
    text.AppendLine();
    var largest = results.Opens.Keys.Last();
    text.AppendLine($"On the {largest.Steps.Count}-step stream, all {results.DragMs.Count} moves of each: " +
                    $"drag median {F(Percentile(results.DragMs, 50), "F1")} ms, p95 {F(Percentile(results.DragMs, 95), "F1")} ms, max {F(results.DragMs.Max(), "F1")} ms; " +
                    $"pan median {F(Percentile(results.PanMs, 50), "F1")} ms, p95 {F(Percentile(results.PanMs, 95), "F1")} ms, max {F(results.PanMs.Max(), "F1")} ms.");
    text.AppendLine();
    double Median(ValueStreamDefinition stream) => Percentile(results.Opens[stream].Select(o => o.InteractiveMs).ToList(), 50);
    var empty = Median(results.Opens.Keys.First());
    var large = Median(largest);
    var staticPage = Percentile(results.StaticMs, 50);
    string Verdict(bool met) => met ? "met" : "NOT met";
    text.AppendLine("| ratio (of medians) | value | goal | met |");
    text.AppendLine("|---|---:|---:|---|");
    text.AppendLine($"| {largest.Steps.Count}-step ÷ empty stream | {F(large / empty, "F2")} | ≤ 1.3 | {Verdict(large / empty <= 1.3)} |");
    text.AppendLine($"| empty stream ÷ static page | {F(empty / staticPage, "F2")} | ≤ 2 | {Verdict(empty / staticPage <= 2)} |");
    text.AppendLine($"| drag p95 ({largest.Steps.Count} steps) | {F(Percentile(results.DragMs, 95), "F1")} ms | < 50 ms | {Verdict(Percentile(results.DragMs, 95) < 50)} |");
    text.AppendLine($"| pan p95 ({largest.Steps.Count} steps) | {F(Percentile(results.PanMs, 95), "F1")} ms | < 50 ms | {Verdict(Percentile(results.PanMs, 95) < 50)} |");
    text.AppendLine();
    text.AppendLine("Machine:");
    text.AppendLine($"- CPUs: {Environment.ProcessorCount}, {CpuModel()}, {TotalMemory()} memory");
    text.AppendLine($"- OS: {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; .NET {Environment.Version}");
    text.AppendLine($"- load average at the end: {File.ReadAllText("/proc/loadavg").Split(' ')[0]}");
    text.AppendLine($"- date (UTC): {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}");
    return text.ToString();
}

static string CpuModel() =>
    File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU";

static string TotalMemory()
{
    var line = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
    var kb = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
    return $"{kb / 1024.0 / 1024.0:F1} GB";
}

internal sealed record OpenResult(double InteractiveMs, int NodesInPage);

/// <summary>What the counted rounds measured.</summary>
internal sealed class Results(IEnumerable<ValueStreamDefinition> streams)
{
    public List<double> StaticMs { get; } = [];
    public Dictionary<ValueStreamDefinition, List<OpenResult>> Opens { get; } = streams.ToDictionary(s => s, _ => new List<OpenResult>());
    public List<double> DragMs { get; } = [];
    public List<double> PanMs { get; } = [];
}

/// <summary>
/// A valid stream of <c>steps</c> steps shaped like real ones: a start, blocks of human task (with a form and an outcome)
/// → decision (two ports, both leading on) → script, the last block ending in a value milestone instead, and an end;
/// laid out in rows of twelve steps.
/// </summary>
internal static class LargeStream
{
    /// <summary>The smallest stream a publish accepts, as a new stream starts: start → value milestone → end.</summary>
    public static ValueStreamDefinition Smallest() => new()
    {
        Id = "designer-bench-empty",
        Name = "Designer benchmark (empty)",
        Roles = [new RoleDefinition("agent", "Service desk agent", "service-desk")],
        Steps =
        [
            new StepDefinition { Id = "start", Type = "start", Name = "Request arrives", Roles = ["agent"], Position = new CanvasPosition(0, 0), Properties = { ["trigger"] = "manual" } },
            new StepDefinition { Id = "value", Type = "milestone", Name = "Request handled", Roles = ["agent"], Position = new CanvasPosition(260, 0),
                                 Properties = { ["value"] = "The requester's need is met" } },
            new StepDefinition { Id = "end", Type = "end", Name = "Done", Position = new CanvasPosition(520, 0) },
        ],
        Connections = [new ConnectionDefinition("start", "value"), new ConnectionDefinition("value", "end")],
    };

    public static ValueStreamDefinition Create(int steps)
    {
        var blocks = Math.Max(1, (steps - 2) / 3);
        var definition = new ValueStreamDefinition
        {
            Id = $"designer-bench-{steps}",
            Name = $"Designer benchmark ({steps} steps)",
            Roles = [new RoleDefinition("agent", "Service desk agent", "service-desk")],
        };
        var index = 0;
        StepDefinition Add(string id, string type, string name, Action<StepDefinition>? configure = null)
        {
            var step = new StepDefinition { Id = id, Type = type, Name = name, Position = new CanvasPosition(index % 12 * 260, index / 12 * 170) };
            index++;
            configure?.Invoke(step);
            definition.Steps.Add(step);
            return step;
        }
        void Connect(string from, string to, string port = ConnectionDefinition.DefaultPort) => definition.Connections.Add(new ConnectionDefinition(from, to, port));

        Add("start", "start", "Request arrives", s => { s.Roles.Add("agent"); s.Properties["trigger"] = "manual"; });
        var previous = "start";
        for (var b = 0; b < blocks; b++)
        {
            Add($"task-{b}", "human-task", $"Handle part {b + 1}", s =>
            {
                s.ValueChainActivities.Add("engage");
                s.Practices.Add("service-desk");
                s.Roles.Add("agent");
                s.Properties["title"] = $"Part {b + 1}";
                s.Properties["form"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["name"] = $"note{b}", ["label"] = "Note", ["type"] = "text" });
                s.Properties["outcomes"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["id"] = "done", ["label"] = "Done" });
            });
            Add($"decide-{b}", "decision", $"Urgent {b + 1}?", s =>
            {
                s.Properties["conditions"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["port"] = "yes", ["expression"] = $"vars.note{b} === 'urgent'" });
                s.Properties["defaultPort"] = "no";
            });
            var last = b == blocks - 1;
            Add(last ? "value" : $"script-{b}", last ? "milestone" : "script", last ? "Request handled" : $"Count part {b + 1}", s =>
            {
                if (last)
                {
                    s.Roles.Add("agent");
                    s.Properties["value"] = "The requester's need is met";
                }
                else
                {
                    s.ValueChainActivities.Add("deliver-and-support");
                    s.Properties["script"] = "vars.count = (vars.count || 0) + 1;";
                }
            });
            Connect(previous, $"task-{b}");
            Connect($"task-{b}", $"decide-{b}", "done");
            var next = last ? "value" : $"script-{b}";
            Connect($"decide-{b}", next, "yes");
            Connect($"decide-{b}", next, "no");
            previous = next;
        }
        Add("end", "end", "Done");
        Connect(previous, "end");
        return definition;
    }
}

internal sealed record Settings(int Runs, IReadOnlyList<int> Sizes, int Moves, string Configuration, int TimeoutSeconds, string? Published)
{
    public const string Usage = """
        Designer benchmark: open an empty, a 200-step and a 1,000-step stream in headless Chromium, against the static
        sign-in page, and drag and pan on the largest (embedded SQLite store).

        Publish the host and point at it (Production, as the container runs it):
            dotnet publish -c Release src/ValueStreams.Host -o /tmp/valuestreams-host
            dotnet run -c Release --project benchmarks/ValueStreams.Benchmarks.Designer -- --published /tmp/valuestreams-host
        or build it and run its build output (in Development: only there does an unpublished build serve its static assets):
            dotnet build -c Release src/ValueStreams.Host
            dotnet run -c Release --project benchmarks/ValueStreams.Benchmarks.Designer

        Options:
          --runs N                       counted rounds (default 7), after one warm-up round
          --sizes N,N,...                the generated streams' step counts besides the empty one, ascending (default 200,1000)
          --moves N                      mouse moves per drag and per pan (default 50)
          --published DIR                start DIR/ValueStreams.Host.dll (a dotnet publish output) in Production
          --configuration Release|Debug  without --published: which build output to start (default Release)
          --timeout-seconds S            give up when the host is not ready after S seconds (default 120)
          -h, --help                     this text
        """;

    public static Settings? Parse(string[] args) =>
        BenchmarkArguments.Parse(args, new Settings(7, [200, 1000], 50, "Release", 120, null), (settings, read) => read.Option switch
        {
            "--runs" => settings with { Runs = read.Positive() },
            "--sizes" => settings with { Sizes = ReadSizes(read.Value()) },
            "--moves" => settings with { Moves = read.Positive() },
            "--timeout-seconds" => settings with { TimeoutSeconds = read.Positive() },
            "--published" => settings with { Published = read.Value() },
            "--configuration" or "-c" => settings with { Configuration = read.Configuration() },
            _ => throw read.Unknown(),
        });

    private static int[] ReadSizes(string text)
    {
        var sizes = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(t => int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 5 ? n
                : throw new ArgumentException($"--sizes takes step counts of at least 5, separated by commas; '{t}' is not one"))
            .ToArray();
        return sizes.Length > 0 && sizes.SequenceEqual(sizes.Order()) ? sizes : throw new ArgumentException("--sizes takes at least one step count, ascending");
    }
}
