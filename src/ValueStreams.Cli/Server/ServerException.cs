namespace ValueStreams.Cli.Server;

/// <summary>The server could not be reached, refused the request or answered unexpectedly; the message names the server.</summary>
public sealed class ServerException(string message, Exception? inner = null) : Exception(message, inner);
