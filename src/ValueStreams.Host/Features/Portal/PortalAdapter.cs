using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components.Authorization;
using ValueStreams.Designer.Portal;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Host.Features.Portal;

/// <summary>The portal page's back end for the circuit's signed-in user, over the same <see cref="RequestPortal"/> the API uses.</summary>
public sealed class PortalAdapter(RequestPortal portal, AuthenticationStateProvider authentication) : IPortal
{
    private const string FieldPrefix = "input.";

    public async Task<IReadOnlyList<PortalStream>> StartableAsync(CancellationToken cancellationToken = default) =>
        await portal.StartableAsync((await authentication.GetAuthenticationStateAsync()).User, cancellationToken);

    public async Task<PortalStartResult> StartAsync(string valueStreamId, JsonObject data, CancellationToken cancellationToken = default)
    {
        var user = (await authentication.GetAuthenticationStateAsync()).User;
        try
        {
            var instance = await portal.StartAsync(valueStreamId, data, null, user, cancellationToken);
            return new PortalStartResult(instance.Id, null, new Dictionary<string, string>());
        }
        catch (EngineException refusal)
        {
            var fields = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (path, message) in refusal.Errors.Where(e => e.Path.StartsWith(FieldPrefix, StringComparison.Ordinal)))
                fields.TryAdd(path[FieldPrefix.Length..], message);
            return new PortalStartResult(null, refusal.Message, fields);
        }
    }

    public async Task<IReadOnlyList<PortalRequest>> MyRequestsAsync(CancellationToken cancellationToken = default) =>
        await portal.MyRequestsAsync((await authentication.GetAuthenticationStateAsync()).User, cancellationToken);
}
