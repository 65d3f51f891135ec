using System.CommandLine;
using System.CommandLine.Parsing;

namespace ValueStreams.Cli.Server;

/// <summary>
/// The options of the commands that talk to a server: where it is and how to sign in. A token or a user
/// name and password come from the options or, failing those, from the environment; options win, so
/// a script's environment can be overridden on one command line.
/// </summary>
public sealed class ServerOptions
{
    public const string TokenVariable = "VALUESTREAMS_TOKEN";
    public const string UserVariable = "VALUESTREAMS_USER";
    public const string PasswordVariable = "VALUESTREAMS_PASSWORD";

    private readonly Option<string> _server = new("--server")
    {
        Description = "The server's base URL, e.g. http://localhost:5000",
        Required = true,
    };
    private readonly Option<string?> _token = new("--token") { Description = $"Bearer token (default: {TokenVariable})" };
    private readonly Option<string?> _user = new("--user") { Description = $"User name to sign in with (default: {UserVariable})" };
    private readonly Option<string?> _password = new("--password")
    {
        Description = $"Password to sign in with (default: {PasswordVariable}, which keeps it out of the process list)",
    };

    private sealed record Credentials(string? Token, string? User, string? Password);

    public void AddTo(Command command)
    {
        _server.Validators.Add(result =>
        {
            if (ParseServer(result.GetValueOrDefault<string>()) is null)
                result.AddError($"--server must be an http or https URL such as http://localhost:5000, not '{result.GetValueOrDefault<string>()}'.");
        });
        command.Add(_server);
        command.Add(_token);
        command.Add(_user);
        command.Add(_password);
        command.Validators.Add(result =>
        {
            if (Resolve(result) is null)
                result.AddError($"Credentials are needed: --token (or {TokenVariable}), or --user and --password (or {UserVariable} and {PasswordVariable}).");
        });
    }

    /// <summary>A client for the server on the command line, signed in with the credentials given.</summary>
    public async Task<ValueStreamsApiClient> ConnectAsync(ParseResult result, Func<Uri, HttpClient> httpClients, CancellationToken cancellationToken)
    {
        var credentials = Resolve(result.CommandResult)!;
        var api = new ValueStreamsApiClient(httpClients(ParseServer(result.GetValue(_server))!));
        try
        {
            if (credentials.Token is not null)
                api.UseToken(credentials.Token);
            else
                await api.SignInAsync(credentials.User!, credentials.Password!, cancellationToken);
            return api;
        }
        catch
        {
            api.Dispose();
            throw;
        }
    }

    private Credentials? Resolve(CommandResult result)
    {
        var token = result.GetValue(_token);
        var user = result.GetValue(_user);
        var password = result.GetValue(_password);
        if (!string.IsNullOrEmpty(token))
            return new Credentials(token, null, null);
        if (user is null && password is null && Environment.GetEnvironmentVariable(TokenVariable) is { Length: > 0 } fromEnvironment)
            return new Credentials(fromEnvironment, null, null);
        user ??= Environment.GetEnvironmentVariable(UserVariable);
        password ??= Environment.GetEnvironmentVariable(PasswordVariable);
        return string.IsNullOrEmpty(user) || string.IsNullOrEmpty(password) ? null : new Credentials(null, user, password);
    }

    /// <summary>An absolute http(s) URL, with a trailing slash so that request paths resolve below any base path.</summary>
    private static Uri? ParseServer(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            ? new Uri(uri.AbsoluteUri.EndsWith('/') ? uri.AbsoluteUri : uri.AbsoluteUri + "/")
            : null;
}
