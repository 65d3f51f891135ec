using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;

namespace ValueStreams.Host.Hosting;

public static class ProductSettings
{
    /// <summary>
    /// Reads the product root's <c>appsettings.json</c> (and <c>appsettings.{Environment}.json</c>) with the
    /// usual precedence: above built-in defaults, below environment variables and the command line.
    /// Nothing to do when the host already runs with the product root as its content root.
    /// </summary>
    public static void AddProductSettings(this ConfigurationManager configuration, IHostEnvironment environment, string productRoot)
    {
        if (SameFolder(environment.ContentRootPath, productRoot))
            return;

        var overrides = configuration.Sources.ToList().FindIndex(s => s is EnvironmentVariablesConfigurationSource);
        var at = overrides >= 0 ? overrides : configuration.Sources.Count;
        var files = new PhysicalFileProvider(productRoot);
        configuration.Sources.Insert(at, Json(files, $"appsettings.{environment.EnvironmentName}.json", optional: true));
        configuration.Sources.Insert(at, Json(files, "appsettings.json", optional: false));
    }

    private static JsonConfigurationSource Json(IFileProvider files, string path, bool optional) =>
        new() { FileProvider = files, Path = path, Optional = optional, ReloadOnChange = false };

    private static bool SameFolder(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);
}
