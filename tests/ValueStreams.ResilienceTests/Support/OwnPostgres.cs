using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace ValueStreams.ResilienceTests.Support;

/// <summary>
/// A PostgreSQL server of the test's own, under /tmp (initdb and pg_ctl from <c>/usr/lib/postgresql/*/bin</c>, run as the
/// postgres user when the test runs as root), so a test may restart it without disturbing anyone else's databases.
/// </summary>
public sealed class OwnPostgres : IAsyncDisposable
{
    private readonly string _root;
    private readonly string _bin;

    private OwnPostgres(string root, string bin, int port)
    {
        _root = root;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres";

    public static async Task<OwnPostgres> StartAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "pg_ctl"))).OrderDescending().FirstOrDefault()
            ?? throw new InvalidOperationException("No PostgreSQL server binaries under /usr/lib/postgresql/*/bin (apt-get install postgresql).");
        var root = Directory.CreateTempSubdirectory("vs-own-pg-").FullName;
        var server = new OwnPostgres(root, bin, FreePort());
        if (Environment.UserName == "root")
            await RunAsync("chown", "postgres:postgres", root);
        try
        {
            await server.PgAsync($"{bin}/initdb -D {root}/data -U postgres --auth=trust -E UTF8 --locale=C.UTF-8");
            await server.PgAsync(server.StartCommand());
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private string StartCommand() =>
        $"{_bin}/pg_ctl -D {_root}/data -l {_root}/server.log -w -t 60 -o \"-p {Port} -k {_root} -c listen_addresses=127.0.0.1 " +
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200\" start";

    /// <summary>Stops the server at once (open connections are cut) and starts it again; returns how long it was away.</summary>
    public async Task<TimeSpan> RestartAsync()
    {
        var clock = Stopwatch.StartNew();
        await PgAsync($"{_bin}/pg_ctl -D {_root}/data -m fast -w -t 60 stop");
        await PgAsync(StartCommand());
        return clock.Elapsed;
    }

    public async ValueTask DisposeAsync()
    {
        try { await PgAsync($"{_bin}/pg_ctl -D {_root}/data -m immediate -w -t 60 stop"); }
        catch (InvalidOperationException) { /* already stopped */ }
        try { Directory.Delete(_root, recursive: true); }
        catch (IOException) { /* the temp area is swept anyway */ }
    }

    /// <summary>Runs a server command as the postgres user (PostgreSQL refuses to run as root).</summary>
    private Task PgAsync(string command) =>
        Environment.UserName == "root" ? RunAsync("su", "postgres", "-s", "/bin/sh", "-c", command) : RunAsync("/bin/sh", "-c", command);

    private static async Task RunAsync(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
