using ValueStreams.Core.Identity;

namespace ValueStreams.Host.Features.Auth;

/// <summary>Sign-in through an OpenID Connect identity provider, bound from <c>ValueStreams:Oidc</c>. Off unless enabled.</summary>
public sealed class OidcOptions
{
    public const string Section = "ValueStreams:Oidc";

    public bool Enabled { get; set; }

    /// <summary>What the sign-in page calls the provider: "Sign in with <i>DisplayName</i>".</summary>
    public string DisplayName { get; set; } = "your organisation";

    /// <summary>The provider's issuer address; its discovery document is read from <c>/.well-known/openid-configuration</c>.</summary>
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for besides <c>openid</c>; unset means <c>profile</c> and <c>email</c>.</summary>
    public List<string>? Scopes { get; set; }

    /// <summary>The claim of the ID token that carries the user's groups at the provider.</summary>
    public string GroupsClaim { get; set; } = "groups";

    /// <summary>The claim that names the local user to create or link.</summary>
    public string UsernameClaim { get; set; } = "preferred_username";

    /// <summary>
    /// Link a provider user to an existing local user of the same name on their first sign-in. Only for providers
    /// that vouch for user names; when off, a provider user whose name is taken locally is refused.
    /// </summary>
    public bool LinkExistingUsers { get; set; } = true;

    /// <summary>Plain-HTTP providers: for development and tests only.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>Which of our groups and roles each provider group grants; provider groups not listed grant nothing.</summary>
    public List<GroupMapping> GroupMappings { get; set; } = [];

    public sealed class GroupMapping
    {
        public string ProviderGroup { get; set; } = "";
        public List<string> Groups { get; set; } = [];
        public List<string> Roles { get; set; } = [];
    }

    public IReadOnlyList<string> EffectiveScopes => Scopes is { Count: > 0 } ? Scopes : ["profile", "email"];

    /// <summary>What is wrong with the settings, as <c>setting: problem</c> lines; empty when they are usable.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (!Enabled)
            return problems;
        if (!Uri.TryCreate(Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
            problems.Add($"{Section}:Authority: an absolute https address of the identity provider is required.");
        else if (authority.Scheme == "http" && RequireHttpsMetadata)
            problems.Add($"{Section}:Authority: must be https (set RequireHttpsMetadata to false only for development).");
        if (string.IsNullOrWhiteSpace(ClientId))
            problems.Add($"{Section}:ClientId: is required.");
        if (string.IsNullOrWhiteSpace(GroupsClaim))
            problems.Add($"{Section}:GroupsClaim: is required.");
        if (string.IsNullOrWhiteSpace(UsernameClaim))
            problems.Add($"{Section}:UsernameClaim: is required.");
        for (var i = 0; i < GroupMappings.Count; i++)
        {
            var mapping = GroupMappings[i];
            if (string.IsNullOrWhiteSpace(mapping.ProviderGroup))
                problems.Add($"{Section}:GroupMappings:{i}:ProviderGroup: is required.");
            foreach (var role in mapping.Roles.Where(r => !Roles.IsKnown(r)))
                problems.Add($"{Section}:GroupMappings:{i}:Roles: '{role}' is not a role; use {string.Join(", ", Roles.All)}.");
            foreach (var group in mapping.Groups.Where(string.IsNullOrWhiteSpace))
                problems.Add($"{Section}:GroupMappings:{i}:Groups: a group id is empty.");
        }
        return problems;
    }

    /// <summary>Our roles and groups for the provider's groups, compared exactly as the provider spells them.</summary>
    public (IReadOnlyList<string> Roles, IReadOnlyList<string> Groups) Map(IEnumerable<string> providerGroups)
    {
        var held = providerGroups.ToHashSet(StringComparer.Ordinal);
        var granted = GroupMappings.Where(m => held.Contains(m.ProviderGroup)).ToList();
        return (granted.SelectMany(m => m.Roles).Distinct().Order(StringComparer.Ordinal).ToList(),
            granted.SelectMany(m => m.Groups.Select(g => g.Trim())).Distinct().Order(StringComparer.Ordinal).ToList());
    }
}
