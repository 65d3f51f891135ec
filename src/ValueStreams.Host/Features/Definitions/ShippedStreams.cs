using ValueStreams.Data.Definitions;
using ValueStreams.Host.Hosting;

namespace ValueStreams.Host.Features.Definitions;

/// <summary>On an empty store, imports and publishes the value stream files in <c>workflows/</c>.</summary>
public sealed class ShippedStreams(ValueStreamLibrary library, ValueStreamRepository repository, ProductFolders folders, ILogger<ShippedStreams> logger)
{
    public const string Publisher = "system";

    public async Task ImportIfEmptyAsync(CancellationToken cancellationToken)
    {
        if (await repository.AnyAsync(cancellationToken) || !Directory.Exists(folders.Workflows))
            return;

        foreach (var file in Directory.GetFiles(folders.Workflows, "*.json").Order(StringComparer.Ordinal))
        {
            var outcome = await library.ImportAsync(await File.ReadAllBytesAsync(file, cancellationToken), Publisher, cancellationToken);
            if (outcome.Refused)
                logger.LogError("Shipped value stream {File} is invalid and was not imported: {Errors}",
                    Path.GetFileName(file), string.Join("; ", outcome.Errors));
            else
                logger.LogInformation("Imported value stream {Id} version {Version} from {File}",
                    outcome.Definition!.Id, outcome.Published!.Version, Path.GetFileName(file));
        }
    }
}
