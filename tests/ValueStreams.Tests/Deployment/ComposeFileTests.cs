using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Microsoft.Extensions.Configuration;
using Npgsql;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace ValueStreams.Tests.Deployment;

/// <summary>
/// No Docker engine runs where the tests run, so docker-compose.yml and the Dockerfile are kept honest by
/// reading them: what the compose file hands the container must configure the host the way the host reads it.
/// </summary>
public sealed class ComposeFileTests
{
    private static readonly YamlMappingNode Services = Mapping(LoadCompose(), "services");
    private static readonly Dockerfile Image = Dockerfile.Load(RepositoryRoot.File("Dockerfile"));

    [Fact]
    public void The_compose_file_runs_a_postgres_16_service_and_a_valuestreams_service()
    {
        Assert.True(Services.Children.ContainsKey("postgres"), "docker-compose.yml has no service 'postgres'");
        Assert.True(Services.Children.ContainsKey("valuestreams"), "docker-compose.yml has no service 'valuestreams'");
        Assert.StartsWith("postgres:16", Scalar(Postgres, "image"));
    }

    [Fact]
    public void Postgres_has_a_healthcheck_and_valuestreams_starts_only_once_postgres_is_healthy()
    {
        var healthcheck = Mapping(Postgres, "healthcheck");
        Assert.True(healthcheck.Children.TryGetValue("test", out var test), "postgres' healthcheck has no test");
        var command = test is YamlSequenceNode parts ? string.Join(' ', parts.Select(p => ((YamlScalarNode)p).Value)) : ((YamlScalarNode)test).Value!;
        Assert.Contains("pg_isready", command);

        var dependsOn = Mapping(ValueStreamsService, "depends_on");
        Assert.True(dependsOn.Children.ContainsKey("postgres"), "valuestreams does not depend on postgres");
        Assert.Equal("service_healthy", Scalar(Mapping(dependsOn, "postgres"), "condition"));
    }

    [Fact]
    public void The_valuestreams_environment_points_the_host_at_the_compose_postgres_with_its_credentials()
    {
        var configuration = HostConfiguration(Environment(ValueStreamsService));

        // Exactly what Program.cs does with its configuration.
        var options = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>() ?? new StorageOptions();
        options.ConnectionString ??= configuration.GetConnectionString(StorageOptions.ConnectionStringName);

        Assert.Equal(StorageProvider.PostgreSql, options.Provider);
        var connection = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        var postgres = Environment(Postgres);
        Assert.Equal("postgres", connection.Host);
        Assert.True(Services.Children.ContainsKey(connection.Host!), $"the connection string's host '{connection.Host}' is not a compose service");
        Assert.Equal(postgres["POSTGRES_DB"], connection.Database);
        Assert.Equal(postgres["POSTGRES_USER"], connection.Username);
        Assert.Equal(postgres["POSTGRES_PASSWORD"], connection.Password);
        Assert.Matches(RequiredVariable, connection.Password!);

        var store = StoreLocation.Resolve(options, "/app");
        Assert.Equal(StorageProvider.PostgreSql, store.Provider);
        Assert.Equal(options.ConnectionString, store.ConnectionString);
    }

    [Fact]
    public void The_valuestreams_service_creates_no_demo_users_runs_in_production_and_logs_json()
    {
        var configuration = HostConfiguration(Environment(ValueStreamsService));

        Assert.NotEqual(true, configuration.GetValue<bool?>("ValueStreams:DemoUsers"));
        Assert.Null(Image.Env("ValueStreams__DemoUsers"));
        foreach (var variable in new[] { "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT" })
        {
            Assert.True(configuration[variable] is null or "Production", $"compose sets {variable}={configuration[variable]}");
            Assert.True(Image.Env(variable) is null or "Production", $"the image sets {variable}={Image.Env(variable)}");
        }
        Assert.Equal("json", configuration["Logging:Console:FormatterName"]);
    }

    [Fact]
    public void The_database_password_comes_from_the_environment_and_is_required()
    {
        var password = Environment(Postgres)["POSTGRES_PASSWORD"];
        Assert.NotNull(password);
        Assert.Matches(RequiredVariable, password);
    }

    /// <summary>A compose interpolation that stops <c>docker compose up</c> when the variable is unset: <c>${NAME:?message}</c>.</summary>
    private const string RequiredVariable = @"^\$\{[A-Z_][A-Z0-9_]*:\?[^}]*\}$";

    [Fact]
    public void The_published_port_maps_to_the_port_the_image_listens_on()
    {
        var urls = Image.Env("ASPNETCORE_URLS");
        Assert.NotNull(urls);
        var listening = Regex.Match(urls, @"^http://\+:(\d+)$");
        Assert.True(listening.Success, $"ASPNETCORE_URLS is '{urls}', not http://+:<port>");
        var port = int.Parse(listening.Groups[1].Value);

        Assert.Contains(port, Image.Final.Where(i => i.Keyword == "EXPOSE")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => int.Parse(p.Split('/')[0])));

        var containerPorts = Sequence(ValueStreamsService, "ports").Select(ContainerPort).ToList();
        Assert.Contains(port, containerPorts);
    }

    [Fact]
    public void The_runtime_image_is_a_product_root_with_appsettings_and_workflows_that_runs_the_host()
    {
        var root = Image.Env("ValueStreams__Root");
        Assert.Equal("/app", root);
        Assert.Equal(root, Image.FinalWorkdir);

        var copied = Image.Final.Where(i => i.Keyword == "COPY" && !i.Arguments.Contains("--from")).Select(Image.Copy).ToList();
        Assert.Contains(copied, c => c.Sources.Contains("appsettings.json") && c.Target("appsettings.json") == $"{root}/appsettings.json");
        Assert.Contains(copied, c => c.Sources.Contains("workflows") && c.Target("workflows") == $"{root}/workflows");

        // The published host lands in the product root.
        var publish = Regex.Match(Image.Stages[^2].Single(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet publish")).Arguments,
            @"(?:--output|-o)\s+(\S+)");
        Assert.True(publish.Success, "the build stage's dotnet publish names no --output");
        Assert.Contains(Image.Final.Where(i => i.Keyword == "COPY" && i.Arguments.Contains("--from")).Select(Image.Copy),
            c => c.Sources.Contains(publish.Groups[1].Value.TrimEnd('/')) && c.Destination == root);

        var entrypoint = JsonSerializer.Deserialize<string[]>(Image.Final.Last(i => i.Keyword == "ENTRYPOINT").Arguments)!;
        Assert.Equal(["dotnet", $"{typeof(Program).Assembly.GetName().Name}.dll"], entrypoint);
    }

    [Fact]
    public void The_build_stage_copies_every_project_the_host_is_built_from()
    {
        var copiedFolders = Image.Stages[^2].Where(i => i.Keyword == "COPY").Select(Image.Copy)
            .SelectMany(c => c.Sources).ToList();
        Assert.Contains("Directory.Build.props", copiedFolders);
        Assert.Contains("Directory.Packages.props", copiedFolders);

        foreach (var project in ProjectClosure(RepositoryRoot.File("src", "ValueStreams.Host", "ValueStreams.Host.csproj")))
        {
            var relative = Path.GetRelativePath(RepositoryRoot.Path, project).Replace('\\', '/');
            Assert.True(copiedFolders.Any(folder => folder == "." || relative.StartsWith(folder + "/", StringComparison.Ordinal)),
                $"{relative} is not copied into the build stage (copied: {string.Join(", ", copiedFolders)})");
        }
    }

    private static YamlMappingNode Postgres => Mapping(Services, "postgres");

    private static YamlMappingNode ValueStreamsService => Mapping(Services, "valuestreams");

    /// <summary>The top-level appsettings.json under the service's environment, with <c>__</c> read as <c>:</c> like the host's environment-variable provider.</summary>
    private static IConfiguration HostConfiguration(IReadOnlyDictionary<string, string?> environment) =>
        new ConfigurationBuilder()
            .AddJsonFile(RepositoryRoot.File("appsettings.json"), optional: false)
            .AddInMemoryCollection(environment.Select(e => KeyValuePair.Create(e.Key.Replace("__", ConfigurationPath.KeyDelimiter), e.Value)))
            .Build();

    private static YamlMappingNode LoadCompose()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(RepositoryRoot.File("docker-compose.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    private static YamlMappingNode Mapping(YamlMappingNode parent, string key) =>
        parent.Children.TryGetValue(key, out var node) && node is YamlMappingNode mapping
            ? mapping
            : throw new Xunit.Sdk.XunitException($"docker-compose.yml: '{key}' is missing or not a mapping");

    private static YamlSequenceNode Sequence(YamlMappingNode parent, string key) =>
        parent.Children.TryGetValue(key, out var node) && node is YamlSequenceNode sequence
            ? sequence
            : throw new Xunit.Sdk.XunitException($"docker-compose.yml: '{key}' is missing or not a list");

    private static string? Scalar(YamlMappingNode parent, string key) =>
        parent.Children.TryGetValue(key, out var node) ? ((YamlScalarNode)node).Value : null;

    /// <summary>A service's environment, written either as a mapping or as a list of <c>KEY=VALUE</c>.</summary>
    private static Dictionary<string, string?> Environment(YamlMappingNode service)
    {
        if (!service.Children.TryGetValue("environment", out var node))
            return [];
        return node switch
        {
            YamlMappingNode mapping => mapping.Children.ToDictionary(e => ((YamlScalarNode)e.Key).Value!, e => ((YamlScalarNode)e.Value).Value),
            YamlSequenceNode list => list.Select(e => ((YamlScalarNode)e).Value!.Split('=', 2))
                .ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : null),
            _ => throw new Xunit.Sdk.XunitException("docker-compose.yml: environment is neither a mapping nor a list"),
        };
    }

    /// <summary>The container side of a port entry: <c>"8080"</c>, <c>"5000:8080"</c>, <c>"127.0.0.1:5000:8080/tcp"</c> or <c>{target: 8080}</c>.</summary>
    private static int ContainerPort(YamlNode entry) => entry switch
    {
        YamlScalarNode scalar => int.Parse(scalar.Value!.Split('/')[0].Split(':')[^1]),
        YamlMappingNode mapping => int.Parse(Scalar(mapping, "target")!),
        _ => throw new Xunit.Sdk.XunitException("docker-compose.yml: unreadable port entry"),
    };

    private static IEnumerable<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([Path.GetFullPath(project)]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
                continue;
            foreach (var reference in XDocument.Load(current).Descendants("ProjectReference"))
                pending.Push(Path.GetFullPath(Path.Combine(Path.GetDirectoryName(current)!, reference.Attribute("Include")!.Value.Replace('\\', '/'))));
        }
        return seen;
    }

    /// <summary>Just enough of a Dockerfile reader: instructions by stage, line continuations joined, comments dropped.</summary>
    private sealed record Dockerfile(IReadOnlyList<IReadOnlyList<Instruction>> Stages)
    {
        public IReadOnlyList<Instruction> Final => Stages[^1];

        public string? FinalWorkdir => Final.LastOrDefault(i => i.Keyword == "WORKDIR")?.Arguments;

        public static Dockerfile Load(string path)
        {
            var lines = File.ReadAllLines(path).Where(l => !l.TrimStart().StartsWith('#'));
            var logical = Regex.Split(string.Join('\n', lines), @"(?<!\\)\n")
                .Select(l => Regex.Replace(l, @"\\\n\s*", " ").Trim())
                .Where(l => l.Length > 0);

            var stages = new List<List<Instruction>>();
            foreach (var line in logical)
            {
                var parts = line.Split((char[])[' ', '\t'], 2, StringSplitOptions.RemoveEmptyEntries);
                var instruction = new Instruction(parts[0].ToUpperInvariant(), parts.Length > 1 ? parts[1].Trim() : "");
                if (instruction.Keyword == "FROM")
                    stages.Add([]);
                if (stages.Count == 0)
                    continue; // ARG before the first FROM
                stages[^1].Add(instruction);
            }
            if (stages.Count < 2)
                throw new Xunit.Sdk.XunitException("The Dockerfile is not multi-stage");
            return new Dockerfile(stages);
        }

        /// <summary>A variable the final stage sets with <c>ENV</c> (<c>KEY=VALUE</c> pairs).</summary>
        public string? Env(string name) => Final.Where(i => i.Keyword == "ENV")
            .SelectMany(i => Regex.Matches(i.Arguments, @"(\w+)=(""[^""]*""|\S+)"))
            .Where(m => m.Groups[1].Value == name)
            .Select(m => m.Groups[2].Value.Trim('"'))
            .LastOrDefault();

        public CopyInstruction Copy(Instruction copy)
        {
            var stage = Stages.First(s => s.Any(i => ReferenceEquals(i, copy)));
            var workdir = stage.TakeWhile(i => !ReferenceEquals(i, copy)).LastOrDefault(i => i.Keyword == "WORKDIR")?.Arguments ?? "/";
            var words = copy.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Where(w => !w.StartsWith("--")).ToList();
            var destination = words[^1];
            var absolute = destination.StartsWith('/') ? destination : $"{workdir.TrimEnd('/')}/{destination}";
            var normalised = Path.GetFullPath(absolute.Replace("/./", "/")).TrimEnd('/');
            return new CopyInstruction(words[..^1].Select(s => s.TrimEnd('/')).Select(s => s.Length == 0 ? "." : s).ToList(),
                normalised.Length == 0 ? "/" : normalised, destination.EndsWith('/') || destination is "." or "./");
        }
    }

    private sealed record Instruction(string Keyword, string Arguments);

    private sealed record CopyInstruction(IReadOnlyList<string> Sources, string Destination, bool IntoFolder)
    {
        /// <summary>Where a source ends up: inside the destination folder, or the destination itself.</summary>
        public string Target(string source) => IntoFolder && Sources.Count >= 1 && !IsFolderSource(source)
            ? $"{Destination.TrimEnd('/')}/{source}"
            : Destination;

        // Docker copies a folder's contents into the destination; a file lands inside it when the destination ends with '/'.
        private static bool IsFolderSource(string source) => Directory.Exists(RepositoryRoot.File(source));
    }
}
