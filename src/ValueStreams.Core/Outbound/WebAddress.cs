using System.Net;
using System.Text.RegularExpressions;

namespace ValueStreams.Core.Outbound;

/// <summary>
/// The rules an address that HTTP steps and webhooks call must meet wherever it is written or rendered: an absolute
/// http or https URL with a host, and never a cloud metadata service. Which hosts and networks may be reached is the
/// host's decision at connect time; these rules need no configuration.
/// </summary>
public static partial class WebAddress
{
    /// <summary>What is wrong with a rendered address, or null when it may be called (subject to the host's checks).</summary>
    public static string? ProblemOf(string url)
    {
        if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) || url.TrimStart().StartsWith('/'))
            return $"'{Shorten(url)}' is not a valid address (e.g. https://api.example.com/tickets)";
        if (uri.Scheme is not ("http" or "https"))
            return $"must be an http or https address, not {uri.Scheme}:";
        if (uri.Host.Length == 0)
            return $"'{Shorten(url)}' is not a valid address: it names no host";
        var host = uri.Host.Trim('[', ']').TrimEnd('.').ToLowerInvariant();
        if (AddressRanges.MetadataNames.Contains(host)
            || IPAddress.TryParse(host, out var literal) && AddressRanges.KindOf(literal) == AddressRanges.CloudMetadata)
            return $"{host} is a cloud metadata address, which outbound calls never reach";
        return null;
    }

    /// <summary>
    /// What is wrong with an address as written in a definition, where <c>{{ … }}</c> parts are only known at run time:
    /// a fixed address is checked whole, a templated one by the scheme it starts with.
    /// </summary>
    public static string? ProblemOfTemplate(string template)
    {
        var open = template.IndexOf("{{", StringComparison.Ordinal);
        if (open < 0)
            return ProblemOf(template);
        var scheme = Scheme().Match(template[..open]);
        return scheme.Success && scheme.Groups[1].Value.ToLowerInvariant() is not ("http" or "https")
            ? $"must be an http or https address, not {scheme.Groups[1].Value.ToLowerInvariant()}:"
            : null;
    }

    private static string Shorten(string text) => text.Length > 80 ? text[..80] + "…" : text;

    [GeneratedRegex(@"^\s*([A-Za-z][A-Za-z0-9+.\-]*):")]
    private static partial Regex Scheme();
}
