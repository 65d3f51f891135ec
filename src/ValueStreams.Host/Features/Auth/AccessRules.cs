using Microsoft.AspNetCore.Components.Endpoints;
using ValueStreams.Core.Identity;
using ValueStreams.Designer.Shared;

namespace ValueStreams.Host.Features.Auth;

/// <summary>
/// The one place that decides who may call what: each endpoint declares its <see cref="Access"/> rule
/// with <see cref="WithAccess{TBuilder}"/> (pages with <c>@attribute [Access(…)]</c>), which is both the
/// endpoint's metadata and its authorization policy. The host refuses to start while an endpoint lacks one.
/// </summary>
public static class AccessRules
{
    /// <summary>Declares the endpoint's access rule and requires its policy.</summary>
    public static TBuilder WithAccess<TBuilder>(this TBuilder builder, Access access) where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(new AccessAttribute(access));
        // Inside a group that requires sign-in, only an explicit allowance lets anonymous callers through.
        if (access == Access.Anonymous)
            builder.AllowAnonymous();
        return builder;
    }

    /// <summary>
    /// Gives Blazor's own endpoints (the circuit hub and its scripts) the rule; pages are left alone, so a page
    /// without its own <c>[Access]</c> is still found by <see cref="EnsureEveryEndpointHasARule"/>.
    /// </summary>
    public static RazorComponentsEndpointConventionBuilder WithFrameworkAccess(this RazorComponentsEndpointConventionBuilder builder,
        Access access)
    {
        builder.Finally(endpoint =>
        {
            if (!endpoint.Metadata.OfType<ComponentTypeMetadata>().Any() && !endpoint.Metadata.OfType<AccessAttribute>().Any())
                endpoint.Metadata.Add(new AccessAttribute(access));
        });
        return builder;
    }

    /// <summary>The rule an endpoint declares, or null.</summary>
    public static Access? RuleOf(Endpoint endpoint) => endpoint.Metadata.GetMetadata<AccessAttribute>()?.Access;

    /// <summary>A readable name of each endpoint that declares no rule (method and route, or display name).</summary>
    public static IReadOnlyList<string> EndpointsWithoutRule(IEnumerable<EndpointDataSource> sources) =>
        sources.SelectMany(source => source.Endpoints)
            .Where(endpoint => RuleOf(endpoint) is null && !IsDevelopmentFileFallback(endpoint))
            .Select(Describe)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Stops start-up when an endpoint or page declares no access rule, naming each one.</summary>
    public static void EnsureEveryEndpointHasARule(this IEndpointRouteBuilder app)
    {
        var missing = EndpointsWithoutRule(app.DataSources);
        if (missing.Count > 0)
            throw new InvalidOperationException(
                $"Every endpoint and page needs an access rule (.WithAccess(Access.…) or @attribute [Access(Access.…)]); these have none: {string.Join("; ", missing)}");
    }

    /// <summary>
    /// In Development, static assets add a catch-all for files changed since the build; it takes no conventions, so it
    /// falls under the fallback policy (signed-in callers) instead of a declared rule.
    /// </summary>
    private static bool IsDevelopmentFileFallback(Endpoint endpoint) =>
        endpoint.DisplayName == "Fallback {**path:file}";

    public static string Describe(Endpoint endpoint)
    {
        var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods;
        var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? endpoint.DisplayName ?? "?";
        return methods is { Count: > 0 } ? $"{string.Join(",", methods)} {route}" : route;
    }
}
