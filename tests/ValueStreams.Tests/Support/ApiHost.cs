using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using ValueStreams.Engine.Storage;

namespace ValueStreams.Tests.Support;

/// <summary>
/// The real host in-process on a real store (SQLite in a temporary folder, or a fresh PostgreSQL
/// database), with its Hangfire server running. Hosts share Hangfire's global configuration, so
/// tests that start one run in the <see cref="HostCollection"/>, one at a time.
/// </summary>
public sealed class ApiHost : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;
    private readonly TestStore? _store;
    // The host that owns the store and data folder deletes them when it is disposed.
    private bool _owner = true;

    private ApiHost(Dictionary<string, string?> settings, TestStore? store)
    {
        _settings = settings;
        _store = store;
    }

    public string DataDirectory => _settings["ValueStreams:Storage:DataDirectory"]!;

    /// <summary>The settings the next <see cref="RestartAsync"/> starts with.</summary>
    public IDictionary<string, string?> Settings => _settings;

    /// <summary>
    /// Starts a host on a new store (migrated, as a copy of the template) of the provider, with the demo users and extra settings
    /// (<c>["environment"] = "Production"</c> picks the environment, which is <c>Testing</c> otherwise).
    /// </summary>
    public static async Task<ApiHost> StartAsync(StorageProvider provider, IDictionary<string, string?>? extra = null)
    {
        var store = provider == StorageProvider.PostgreSql ? await TestStore.CreateAsync(provider) : null;
        var dataDirectory = Directory.CreateTempSubdirectory("valuestreams-host-").FullName;
        // On SQLite the store is a file in the data folder: start it migrated, as the PostgreSQL store is.
        if (provider == StorageProvider.Sqlite)
            await MigratedTemplates.CopySqliteToAsync(Path.Combine(dataDirectory, "valuestreams.db"));
        var settings = new Dictionary<string, string?>
        {
            ["ValueStreams:Root"] = RepositoryRoot.Path,
            ["ValueStreams:Storage:Provider"] = provider.ToString(),
            ["ValueStreams:Storage:DataDirectory"] = dataDirectory,
            ["ConnectionStrings:ValueStreams"] = store?.ConnectionString ?? "",
            // Most tests sign in as the demo users; a test of the product's own default sets this to null.
            ["ValueStreams:DemoUsers"] = "true",
        };
        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
            settings[key] = value;
        var host = new ApiHost(settings, store);
        host.Server.ToString(); // start now, so start-up failures surface here
        return host;
    }

    /// <summary>Stops this host and starts a new one on the same store and data folder.</summary>
    public async Task<ApiHost> RestartAsync()
    {
        var next = new ApiHost(new Dictionary<string, string?>(_settings), _store);
        _owner = false;
        await DisposeAsync();
        next.Server.ToString();
        return next;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
            builder.UseSetting(key, value);
    }

    public async Task<HttpClient> ClientForAsync(string username, string password = "demo")
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var response = await client.PostAsJsonAsync("/api/auth/token", new { username, password });
        response.EnsureSuccessStatusCode();
        var token = await response.Content.ReadFromJsonAsync<TokenResponse>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token!.AccessToken);
        return client;
    }

    public HttpClient AnonymousClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    public sealed record TokenResponse(string AccessToken, long ExpiresIn);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (!_owner)
            return;
        if (_store is not null)
            await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataDirectory, recursive: true); }
        catch (IOException) { /* Hangfire's SQLite storage may hold its file a moment longer; the temp folder is swept anyway. */ }
    }
}

[CollectionDefinition(nameof(HostCollection), DisableParallelization = true)]
public sealed class HostCollection;
