// Designer benchmark: how fast a 200-step value stream opens in the designer, and how quickly a dragged node follows the mouse.
//
// 1. Starts the host on a free port with a fresh data directory (embedded SQLite store), its folder as the content root,
//    and waits for /health/ready: with --published DIR the `dotnet publish` output DIR/ValueStreams.Host.dll in Production
//    (as the container runs it); otherwise the build output src/ValueStreams.Host/bin/<Configuration>/net10.0 in
//    Development, because an unpublished build serves its static web assets (blazor.web.js, MudBlazor, Z.Blazor.Diagrams)
//    only there: in Production they answer 200 with an empty body and the page never becomes interactive.
// 2. Generates a valid 200-step stream (start, 66 blocks of human task -> decision -> script, a value milestone, an end),
//    checks it with the validator and imports it as `owner` with POST /api/value-streams/import (bearer token).
// 3. Launches headless Chromium (/usr/bin/chromium, the browser tests' flags), signs in as owner, then per run:
//    open:  a new page; wall time from navigation to interactive = every node rendered (.diagram-node count = 200) and a
//           click on a node selected it (the property panel shows that step);
//    drag:  presses the mouse on that node and moves it 50 times by up to 8 px (staying inside the canvas), waiting for each move
//           to land; per move, the time from
//           the browser's pointermove to the node's style (its top/left) changing, both read with performance.now() in the page.
// Results go to stdout as Markdown; progress to stderr.

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

var stream = LargeStream.Create(settings.Steps);
var report = new ValueStreamValidator(ItilCatalogue.Default).Validate(stream);
if (!report.IsValid)
{
    Console.Error.WriteLine($"The generated stream is invalid: {string.Join("; ", report.Errors.Take(5))}");
    return 1;
}

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
    using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    await host.WaitUntilReadyAsync();
    await ImportAsync(http, stream);
    Console.Error.WriteLine($"[bench] imported '{stream.Id}' ({stream.Steps.Count} steps, {stream.Connections.Count} connections)");

    using var playwright = await Playwright.CreateAsync();
    await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
    {
        ExecutablePath = Chromium.ExecutablePath,
        Headless = true,
        Args = Chromium.Arguments,
    });
    var context = await browser.NewContextAsync(new BrowserNewContextOptions
    {
        BaseURL = baseAddress.ToString(),
        ViewportSize = new ViewportSize { Width = 1600, Height = 960 },
        Locale = "en-GB",
    });
    await SignInAsync(context);

    var designer = $"/value-streams/{stream.Id}/design";
    Console.Error.WriteLine("[bench] warm-up run (not counted)");
    await MeasureRunAsync(context, designer, stream, dragMoves: 10);

    var runs = new List<RunResult>();
    for (var run = 1; run <= settings.Runs; run++)
    {
        var result = await MeasureRunAsync(context, designer, stream, settings.DragMoves);
        runs.Add(result);
        Console.Error.WriteLine($"[bench] run {run}: nodes {result.NodesMs:F0} ms, interactive {result.InteractiveMs:F0} ms, " +
                                $"drag median {Percentile(result.DragMs, 50):F1} ms, p95 {Percentile(result.DragMs, 95):F1} ms");
    }

    Console.WriteLine(Report(runs, settings, stream, browser.Version, hostDll, environment));
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

static async Task<RunResult> MeasureRunAsync(IBrowserContext context, string designer, ValueStreamDefinition stream, int dragMoves)
{
    var page = await context.NewPageAsync();
    try
    {
        var clock = Stopwatch.StartNew();
        await page.GotoAsync(designer, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
        try
        {
            await page.WaitForFunctionAsync("n => document.querySelectorAll('.diagram-node').length >= n", stream.Steps.Count,
                new PageWaitForFunctionOptions { PollingInterval = 5, Timeout = 60_000 });
        }
        catch (TimeoutException)
        {
            var path = Path.Combine(Path.GetTempPath(), "designer-bench-timeout.png");
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = path });
            throw new TimeoutException($"Only {await page.Locator(".diagram-node").CountAsync()} of {stream.Steps.Count} nodes rendered after 60 s; see {path}.");
        }
        var nodes = clock.Elapsed.TotalMilliseconds;
        var clickTarget = stream.Steps[0].Id;
        await page.Locator($".diagram-node[data-node-id='{clickTarget}'] .vs-node-head").ClickAsync();
        await page.Locator($"[data-testid=step-panel][data-step-id='{clickTarget}']").WaitForAsync(new LocatorWaitForOptions { Timeout = 30_000 });
        var interactive = clock.Elapsed.TotalMilliseconds;

        var drag = await DragAsync(page, clickTarget, dragMoves);
        return new RunResult(nodes, interactive, drag);
    }
    finally
    {
        await page.CloseAsync();
    }
}

/// <summary>
/// Presses on a node and moves it <paramref name="moves"/> times, one move at a time; returns, per move, the milliseconds
/// from the page's pointermove event to the node's position (its style) changing, both stamped in the page. A move the node
/// does not follow within 10 s counts as 10 000 ms.
/// </summary>
static async Task<double[]> DragAsync(IPage page, string stepId, int moves)
{
    var node = page.Locator($".diagram-node[data-node-id='{stepId}']");
    await node.ScrollIntoViewIfNeededAsync();
    await page.EvaluateAsync("""
        id => {
            const el = document.querySelector(`.diagram-node[data-node-id="${id}"]`);
            const drag = window.__drag = { lastMove: 0, before: null, latency: null };
            drag.arm = () => { drag.before = el.style.cssText; drag.latency = null; };
            document.addEventListener('pointermove', e => { if (e.buttons) drag.lastMove = performance.now(); }, true);
            new MutationObserver(() => {
                if (drag.latency === null && drag.before !== null && el.style.cssText !== drag.before)
                    drag.latency = performance.now() - drag.lastMove;
            }).observe(el, { attributes: true, attributeFilter: ['style'] });
        }
        """, stepId);
    var box = (await node.Locator(".vs-node-head").BoundingBoxAsync())!;
    var canvas = (await page.Locator("[data-testid=canvas]").BoundingBoxAsync())!;
    var x = box.X + 20;
    var y = box.Y + box.Height / 2;
    // The canvas only hears the mouse while it is over it: keep the whole drag inside.
    var stepX = Math.Min(8, (canvas.X + canvas.Width - 60 - x) / moves);
    var stepY = Math.Min(2, (canvas.Y + canvas.Height - 60 - y) / moves);
    await page.Mouse.MoveAsync(x, y);
    await page.Mouse.DownAsync();
    var latencies = new double[moves];
    for (var i = 1; i <= moves; i++)
    {
        await page.EvaluateAsync("() => window.__drag.arm()");
        await page.Mouse.MoveAsync(x + stepX * i, y + stepY * i);
        try
        {
            await page.WaitForFunctionAsync("() => window.__drag.latency !== null", null, new PageWaitForFunctionOptions { PollingInterval = 2, Timeout = 10_000 });
            latencies[i - 1] = await page.EvaluateAsync<double>("() => window.__drag.latency");
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

static string Report(IReadOnlyList<RunResult> runs, Settings settings, ValueStreamDefinition stream, string chromium, string hostDll, string environment)
{
    static string F(double value, string format = "F0") => value.ToString(format, CultureInfo.InvariantCulture);

    var text = new StringBuilder();
    text.AppendLine($"Stream: {stream.Steps.Count} steps, {stream.Connections.Count} connections ({ValueStreamWriter.WriteUtf8(stream).Length / 1024} KB). " +
                    $"Host: `{hostDll}` ({(settings.Published is null ? settings.Configuration + " build output" : "published")}), {environment}, embedded SQLite. " +
                    $"Headless Chromium {chromium}, viewport 1600×960. {settings.Runs} runs after one warm-up run; {settings.DragMoves} drag moves per run.");
    text.AppendLine();
    text.AppendLine("| run | all nodes rendered ms | interactive (node click selected) ms | drag median ms | drag p95 ms | drag max ms |");
    text.AppendLine("|---:|---:|---:|---:|---:|---:|");
    for (var i = 0; i < runs.Count; i++)
    {
        var r = runs[i];
        text.AppendLine($"| {i + 1} | {F(r.NodesMs)} | {F(r.InteractiveMs)} | {F(Percentile(r.DragMs, 50), "F1")} | {F(Percentile(r.DragMs, 95), "F1")} | {F(r.DragMs.Max(), "F1")} |");
    }
    var interactive = runs.Select(r => r.InteractiveMs).ToList();
    var allMoves = runs.SelectMany(r => r.DragMs).ToList();
    text.AppendLine();
    text.AppendLine("| | min | median | max |");
    text.AppendLine("|---|---:|---:|---:|");
    text.AppendLine($"| all nodes rendered ms | {F(runs.Min(r => r.NodesMs))} | {F(Percentile(runs.Select(r => r.NodesMs).ToList(), 50))} | {F(runs.Max(r => r.NodesMs))} |");
    text.AppendLine($"| interactive ms | {F(interactive.Min())} | {F(Percentile(interactive, 50))} | {F(interactive.Max())} |");
    text.AppendLine();
    text.AppendLine($"Drag, all {allMoves.Count} moves: median {F(Percentile(allMoves, 50), "F1")} ms, p95 {F(Percentile(allMoves, 95), "F1")} ms, max {F(allMoves.Max(), "F1")} ms.");
    text.AppendLine();
    var worst = interactive.Max();
    text.AppendLine($"Goal: open (navigation to interactive) under 1.5 s: median {F(Percentile(interactive, 50))} ms, slowest {F(worst)} ms: " +
                    $"{(worst < 1500 ? "met in every run" : Percentile(interactive, 50) < 1500 ? "met at the median, NOT in every run" : "NOT met")}.");
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

internal sealed record RunResult(double NodesMs, double InteractiveMs, double[] DragMs);

/// <summary>
/// A valid stream of <c>steps</c> steps shaped like real ones: a start, blocks of human task (with a form and an outcome)
/// → decision (two ports, both leading on) → script, the last block ending in a value milestone instead, and an end;
/// laid out in rows of twelve steps.
/// </summary>
internal static class LargeStream
{
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

internal sealed record Settings(int Runs, int Steps, int DragMoves, string Configuration, int TimeoutSeconds, string? Published)
{
    public const string Usage = """
        Designer benchmark: open a generated stream in headless Chromium and drag a node (embedded SQLite store).

        Publish the host and point at it (Production, as the container runs it):
            dotnet publish -c Release src/ValueStreams.Host -o /tmp/valuestreams-host
            dotnet run -c Release --project benchmarks/ValueStreams.Benchmarks.Designer -- --published /tmp/valuestreams-host
        or build it and run its build output (in Development: only there does an unpublished build serve its static assets):
            dotnet build -c Release src/ValueStreams.Host
            dotnet run -c Release --project benchmarks/ValueStreams.Benchmarks.Designer

        Options:
          --runs N                       measured runs (default 5), after one warm-up run
          --steps N                      steps in the generated stream (default 200)
          --moves N                      mouse moves per drag (default 50)
          --published DIR                start DIR/ValueStreams.Host.dll (a dotnet publish output) in Production
          --configuration Release|Debug  without --published: which build output to start (default Release)
          --timeout-seconds S            give up when the host is not ready after S seconds (default 120)
          -h, --help                     this text
        """;

    public static Settings? Parse(string[] args) =>
        BenchmarkArguments.Parse(args, new Settings(5, 200, 50, "Release", 120, null), (settings, read) => read.Option switch
        {
            "--runs" => settings with { Runs = read.Positive() },
            "--steps" => settings with { Steps = read.Positive() },
            "--moves" => settings with { DragMoves = read.Positive() },
            "--timeout-seconds" => settings with { TimeoutSeconds = read.Positive() },
            "--published" => settings with { Published = read.Value() },
            "--configuration" or "-c" => settings with { Configuration = read.Configuration() },
            _ => throw read.Unknown(),
        });
}
