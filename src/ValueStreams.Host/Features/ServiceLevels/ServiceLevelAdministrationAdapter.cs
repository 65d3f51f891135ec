using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Components.Authorization;
using ValueStreams.Core.ServiceLevels;
using ValueStreams.Data.ServiceLevels;
using ValueStreams.Designer.ServiceLevels;

namespace ValueStreams.Host.Features.ServiceLevels;

/// <summary>The calendar and SLA policy pages over the repository the API uses, as the signed-in admin.</summary>
public sealed class ServiceLevelAdministrationAdapter(ServiceLevelRepository repository, ServiceLevelPreview preview,
    AuthenticationStateProvider authentication) : IServiceLevelAdministration
{
    public IReadOnlyList<string> PolicyKinds => ServiceLevelRepository.PolicyKinds;

    public async Task<IReadOnlyList<ServiceLevelEntry>> ListAsync(ServiceLevelDocument document, CancellationToken cancellationToken = default) =>
        (await repository.ListAsync(document, cancellationToken)).Select(Entry).ToList();

    public async Task<ServiceLevelSave> SaveAsync(ServiceLevelDocument document, string? id, JsonObject definition, int revision,
        CancellationToken cancellationToken = default)
    {
        var actor = (await authentication.GetAuthenticationStateAsync()).User.Identity?.Name ?? "system";
        return Answer(id is null
            ? await repository.CreateAsync(document, definition, actor, cancellationToken)
            : await repository.UpdateAsync(document, id, definition, revision, actor, cancellationToken));
    }

    public async Task<ServiceLevelSave> DeleteAsync(ServiceLevelDocument document, string id, int revision, CancellationToken cancellationToken = default) =>
        Answer(await repository.DeleteAsync(document, id, revision, cancellationToken));

    public async Task<ServiceLevelPreviewResult> PreviewAsync(JsonObject policy, string? priority, DateTime loggedAt, CancellationToken cancellationToken = default)
    {
        var (due, errors) = await preview.DueTimesAtLocalAsync(policy, priority, loggedAt, cancellationToken);
        return new ServiceLevelPreviewResult(due ?? [], ByPath(errors));
    }

    private static ServiceLevelEntry Entry(StoredServiceLevel s) => new(s.Id, s.Name, s.Revision, s.UpdatedAt, s.UpdatedBy, s.Definition);

    private static Dictionary<string, string> ByPath(IEnumerable<ServiceLevelError> errors) =>
        errors.GroupBy(e => e.Path).ToDictionary(g => g.Key, g => g.First().Message);

    private static ServiceLevelSave Answer(ServiceLevelWrite write) => write switch
    {
        ServiceLevelWrite.Saved(var saved) => new ServiceLevelSave(true, null, new Dictionary<string, string>(), Entry(saved)),
        ServiceLevelWrite.Deleted => ServiceLevelSave.None,
        ServiceLevelWrite.Invalid(var errors) => new ServiceLevelSave(false,
            $"Not saved: {errors.Count} propert{(errors.Count == 1 ? "y is" : "ies are")} missing or wrong ({string.Join("; ", errors.Select(e => e.Path.Length == 0 ? e.Message : $"{e.Path}: {e.Message}"))}).",
            ByPath(errors)),
        ServiceLevelWrite.Stale => new ServiceLevelSave(false, "Someone changed it since you opened it; open it again and reapply your change.", new Dictionary<string, string>()),
        ServiceLevelWrite.Conflict(var message) => new ServiceLevelSave(false, message, new Dictionary<string, string>()),
        _ => new ServiceLevelSave(false, "It is no longer there.", new Dictionary<string, string>()),
    };
}
