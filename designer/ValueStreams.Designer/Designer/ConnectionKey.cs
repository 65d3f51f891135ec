using ValueStreams.Core.Definitions;

namespace ValueStreams.Designer.Designer;

/// <summary>A connection's identity on the canvas: the same from, port and to is the same link.</summary>
public readonly record struct ConnectionKey(string From, string Port, string To)
{
    public static ConnectionKey Of(ConnectionDefinition connection) => new(connection.From, connection.Port, connection.To);
}
