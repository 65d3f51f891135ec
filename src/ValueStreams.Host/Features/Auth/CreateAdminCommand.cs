namespace ValueStreams.Host.Features.Auth;

/// <summary>
/// <c>dotnet ValueStreams.Host.dll create-admin --username NAME --password-file FILE</c>: makes the first admin of the
/// configured store and exits, without serving. Exit code 0 when made, 1 when refused (with the reason), 2 on bad usage.
/// </summary>
public static class CreateAdminCommand
{
    public const string Verb = "create-admin";

    public static bool IsRequested(string[] args) => args.Length > 0 && args[0] == Verb;

    public static async Task<int> RunAsync(string[] args, IServiceProvider services, TextWriter output, TextWriter error)
    {
        var username = ValueAfter(args, "--username");
        var passwordFile = ValueAfter(args, "--password-file");
        if (username is null || passwordFile is null)
        {
            await error.WriteLineAsync($"usage: {Verb} --username NAME --password-file FILE (the file holds the password; use - for standard input)");
            return 2;
        }

        string password;
        if (passwordFile == "-")
            password = (await Console.In.ReadLineAsync()) ?? "";
        else if (File.Exists(passwordFile))
            password = (await File.ReadAllTextAsync(passwordFile)).TrimEnd('\r', '\n');
        else
        {
            await error.WriteLineAsync($"--password-file: {passwordFile} does not exist");
            return 2;
        }

        await using var scope = services.CreateAsyncScope();
        var outcome = await scope.ServiceProvider.GetRequiredService<FirstAdmin>().CreateAsync(username, password, CancellationToken.None);
        if (outcome == FirstAdmin.Outcome.Created)
        {
            await output.WriteLineAsync($"Created admin {username.Trim()}.");
            return 0;
        }
        await error.WriteLineAsync($"No admin created: {FirstAdmin.Explain(outcome)}.");
        return 1;
    }

    private static string? ValueAfter(string[] args, string option)
    {
        var at = Array.IndexOf(args, option);
        return at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
    }
}
