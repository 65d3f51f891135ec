using System.Net;
using System.Net.Sockets;

namespace ValueStreams.Host.Features.Outbound;

/// <summary>
/// Where HTTP steps and webhooks may connect (<c>ValueStreams:Outbound</c>). Process owners write those addresses,
/// so the host decides what they may reach: only the listed hosts when <see cref="AllowedHosts"/> is set, and
/// never a link-local address (cloud metadata services live there) unless <see cref="AllowLinkLocal"/> says so.
/// </summary>
public sealed record OutboundOptions
{
    public const string Section = "ValueStreams:Outbound";
    public const string AllowedHostsSetting = "ValueStreams__Outbound__AllowedHosts";
    public const string LinkLocalSetting = "ValueStreams__Outbound__AllowLinkLocal";

    /// <summary>Host names (or <c>*.example.com</c> for any subdomain) that may be called; empty: any host.</summary>
    public string[] AllowedHosts { get; init; } = [];

    public bool AllowLinkLocal { get; init; }
}

/// <summary>
/// Opens the connections of outbound calls after checking the host name against the allow-list and every
/// address it resolves to against the rules, so a name that resolves to a forbidden address is refused too.
/// </summary>
public sealed class OutboundCalls(OutboundOptions options)
{
    /// <summary>Why a host may not be called, or null when it may.</summary>
    public string? RefusalForHost(string host)
    {
        if (options.AllowedHosts.Length == 0)
            return null;
        var name = host.TrimEnd('.').ToLowerInvariant();
        return options.AllowedHosts.Any(allowed => Matches(name, allowed.Trim().ToLowerInvariant()))
            ? null
            : $"'{host}' is not among the hosts outbound calls may reach ({OutboundOptions.AllowedHostsSetting})";
    }

    /// <summary>Why an address may not be connected to, or null when it may.</summary>
    public string? RefusalForAddress(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
            return $"{address} is not an address to call";
        if (!options.AllowLinkLocal && IsLinkLocal(address))
            return $"{address} is a link-local address, which outbound calls may not reach ({OutboundOptions.LinkLocalSetting})";
        return null;
    }

    /// <summary>The handler outbound HTTP clients use: every connection goes through the checks above.</summary>
    public SocketsHttpHandler Handler() => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host;
            if (RefusalForHost(host) is { } refusal)
                throw new HttpRequestException(refusal);
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
            var refusals = addresses.Select(RefusalForAddress).OfType<string>().ToList();
            if (addresses.Length == 0 || refusals.Count > 0)
                throw new HttpRequestException(refusals.FirstOrDefault() ?? $"'{host}' has no address");
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };

    private static bool Matches(string host, string allowed) =>
        allowed.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(allowed[1..], StringComparison.Ordinal)
            : host == allowed;

    private static bool IsLinkLocal(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6
        ? address.IsIPv6LinkLocal
        : address.GetAddressBytes() is [169, 254, _, _];
}
