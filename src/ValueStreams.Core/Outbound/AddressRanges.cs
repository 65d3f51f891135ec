using System.Net;
using System.Net.Sockets;

namespace ValueStreams.Core.Outbound;

/// <summary>
/// What kind of internal address an IP address is, for the addresses HTTP steps and webhooks may not reach by
/// default: loopback, private, shared (CGNAT), link-local, unique-local, multicast, unspecified, reserved and the
/// cloud metadata services. IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4) are judged by it.
/// </summary>
public static class AddressRanges
{
    public const string CloudMetadata = "cloud metadata";

    /// <summary>The instance metadata services of the big clouds (AWS, Azure and GCP share the first; ECS, AWS IPv6, Alibaba).</summary>
    private static readonly IPAddress[] MetadataAddresses =
        new[] { "169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200" }.Select(IPAddress.Parse).ToArray();

    /// <summary>Host names that name a metadata service wherever they resolve.</summary>
    public static readonly string[] MetadataNames = ["metadata.google.internal", "metadata.goog", "metadata.azure.internal"];

    private static readonly (IPNetwork Range, string Kind)[] Ranges =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "unspecified"),
        (IPNetwork.Parse("127.0.0.0/8"), "loopback"),
        (IPNetwork.Parse("10.0.0.0/8"), "private"),
        (IPNetwork.Parse("172.16.0.0/12"), "private"),
        (IPNetwork.Parse("192.168.0.0/16"), "private"),
        (IPNetwork.Parse("100.64.0.0/10"), "shared (CGNAT)"),
        (IPNetwork.Parse("169.254.0.0/16"), "link-local"),
        (IPNetwork.Parse("192.0.0.0/24"), "reserved"),
        (IPNetwork.Parse("198.18.0.0/15"), "reserved"),
        (IPNetwork.Parse("224.0.0.0/4"), "multicast"),
        (IPNetwork.Parse("255.255.255.255/32"), "broadcast"),
        (IPNetwork.Parse("240.0.0.0/4"), "reserved"),
        (IPNetwork.Parse("::/128"), "unspecified"),
        (IPNetwork.Parse("::1/128"), "loopback"),
        (IPNetwork.Parse("fe80::/10"), "link-local"),
        (IPNetwork.Parse("fec0::/10"), "site-local"),
        (IPNetwork.Parse("fc00::/7"), "unique-local"),
        (IPNetwork.Parse("ff00::/8"), "multicast"),
    ];

    private static readonly IPNetwork Nat64 = IPNetwork.Parse("64:ff9b::/96");
    private static readonly IPNetwork SixToFour = IPNetwork.Parse("2002::/16");

    /// <summary>The kind of internal address, or null for an address on the public internet.</summary>
    public static string? KindOf(IPAddress address)
    {
        var judged = Unwrap(address);
        if (MetadataAddresses.Any(m => m.Equals(judged) || m.Equals(address)))
            return CloudMetadata;
        foreach (var (range, kind) in Ranges)
            if (range.BaseAddress.AddressFamily == judged.AddressFamily && range.Contains(judged))
                return kind;
        return null;
    }

    /// <summary>The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), or the address itself.</summary>
    public static IPAddress Unwrap(IPAddress address)
    {
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
            return address;
        if (address.IsIPv4MappedToIPv6)
            return address.MapToIPv4();
        var bytes = address.GetAddressBytes();
        if (Nat64.Contains(address) || bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !IPAddress.IPv6Any.Equals(address) && !IPAddress.IPv6Loopback.Equals(address))
            return new IPAddress(bytes.AsSpan(12, 4));
        if (SixToFour.Contains(address))
            return new IPAddress(bytes.AsSpan(2, 4));
        return address;
    }
}
