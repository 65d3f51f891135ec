using System.Net;
using System.Net.Sockets;

namespace ValueStreams.TestSupport;

/// <summary>TCP ports on the loopback interface.</summary>
public static class FreePort
{
    /// <summary>A port nothing listens on right now (the system picks it; it is released before this returns).</summary>
    public static int Find()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
