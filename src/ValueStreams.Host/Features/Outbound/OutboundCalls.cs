using System.Net;
using System.Net.Sockets;
using ValueStreams.Core.Outbound;

namespace ValueStreams.Host.Features.Outbound;

/// <summary>
/// Where HTTP steps and webhooks may connect (<c>ValueStreams:Outbound</c>). Process owners write those addresses,
/// so the host decides what they may reach: no internal address (loopback, private, shared, link-local, unique-local,
/// multicast, unspecified, reserved) unless <see cref="AllowedInternal"/> names it, never a cloud metadata service,
/// and only the listed hosts when <see cref="AllowedHosts"/> is set.
/// </summary>
public sealed record OutboundOptions
{
    public const string Section = "ValueStreams:Outbound";
    public const string AllowedHostsSetting = "ValueStreams:Outbound:AllowedHosts";
    public const string AllowedInternalSetting = "ValueStreams:Outbound:AllowedInternal";

    /// <summary>Host names (or <c>*.example.com</c> for any subdomain) that may be called; empty: any host.</summary>
    public string[] AllowedHosts { get; init; } = [];

    /// <summary>
    /// Internal targets outbound calls may reach after all: host names (<c>crm.corp.example</c>, <c>*.corp.example</c>),
    /// addresses (<c>10.0.0.5</c>) or ranges in CIDR form (<c>10.20.0.0/16</c>, <c>fd12::/64</c>).
    /// </summary>
    public string[] AllowedInternal { get; init; } = [];
}

/// <summary>
/// Opens the connections of outbound calls. At connect time, for the first request and every redirect alike, the host
/// name is checked against the host list and every address it resolves to against the internal ranges; the socket then
/// connects only to the addresses checked, so a name that resolves to a public address first and an internal one later
/// (DNS rebinding) gains nothing. Calls never go through a proxy: a proxy would make the connection, and the check, be
/// about the proxy instead of the target.
/// </summary>
public sealed class OutboundCalls
{
    private readonly OutboundOptions _options;
    private readonly List<IPNetwork> _allowedRanges = [];
    private readonly List<string> _allowedNames = [];

    public OutboundCalls(OutboundOptions options)
    {
        _options = options;
        foreach (var entry in options.AllowedInternal.Select(e => e.Trim()).Where(e => e.Length > 0))
        {
            if (IPAddress.TryParse(entry, out var address))
                _allowedRanges.Add(new IPNetwork(address, address.AddressFamily == AddressFamily.InterNetwork ? 32 : 128));
            else if (entry.Contains('/'))
                _allowedRanges.Add(IPNetwork.TryParse(entry, out var range)
                    ? range
                    : throw new InvalidOperationException(
                        $"{OutboundOptions.AllowedInternalSetting}: '{entry}' is not a CIDR range (e.g. 10.20.0.0/16) with no bits set after the prefix."));
            else if (Uri.CheckHostName(entry.StartsWith("*.", StringComparison.Ordinal) ? entry[2..] : entry) == UriHostNameType.Dns)
                _allowedNames.Add(entry.ToLowerInvariant());
            else
                throw new InvalidOperationException($"{OutboundOptions.AllowedInternalSetting}: '{entry}' is not a host name, address or CIDR range.");
        }
    }

    /// <summary>Why a host may not be called whatever it resolves to, or null when it may.</summary>
    public string? RefusalForHost(string host)
    {
        if (_options.AllowedHosts.Length == 0)
            return null;
        var name = Normalise(host);
        return _options.AllowedHosts.Any(allowed => Matches(name, allowed.Trim().ToLowerInvariant()))
            ? null
            : $"'{host}' is not among the hosts outbound calls may reach ({OutboundOptions.AllowedHostsSetting})";
    }

    /// <summary>Why a connection to this address, reached by this host name, may not be made; null when it may.</summary>
    public string? RefusalFor(string host, IPAddress address)
    {
        if (RefusalForHost(host) is { } refusal)
            return refusal;
        var kind = AddressRanges.KindOf(address);
        if (kind is null)
            return null;
        if (kind == AddressRanges.CloudMetadata)
            return $"{address} is a {kind} address, which outbound calls never reach";
        var name = Normalise(host);
        var unwrapped = AddressRanges.Unwrap(address);
        if (_allowedNames.Any(allowed => Matches(name, allowed))
            || _allowedRanges.Any(range => range.Contains(address) || range.Contains(unwrapped)))
            return null;
        return $"{address} is a {kind} address, which outbound calls may not reach unless {OutboundOptions.AllowedInternalSetting} lists it";
    }

    /// <summary>The handler outbound HTTP clients use: every connection goes through the checks above, none through a proxy.</summary>
    public SocketsHttpHandler Handler() => new()
    {
        UseProxy = false,
        ConnectCallback = async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host;
            if (RefusalForHost(host) is { } refusal)
                throw new HttpRequestException(refusal);
            var addresses = IPAddress.TryParse(host.Trim('[', ']'), out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
            var refusals = addresses.Select(address => RefusalFor(host, address)).OfType<string>().ToList();
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

    private static string Normalise(string host) => host.Trim('[', ']').TrimEnd('.').ToLowerInvariant();

    private static bool Matches(string host, string allowed) =>
        allowed.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(allowed[1..], StringComparison.Ordinal)
            : host == allowed;
}
