using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using ValueStreams.Data.Identity;

namespace ValueStreams.Host.Features.Auth;

/// <summary>
/// Keeps the data-protection keys in the store, so that every node accepts the cookies and tokens any node
/// issued, with nothing shared but the database. Keys an earlier version kept as files in the data folder
/// are taken over the first time the store has none, so signed-in users stay signed in across the upgrade.
/// </summary>
public sealed class StoredKeyRing(KeyRingRepository keys, string legacyFolder) : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        var stored = keys.ReadAll();
        if (stored.Count == 0 && Directory.Exists(legacyFolder))
        {
            foreach (var file in Directory.EnumerateFiles(legacyFolder, "*.xml").Order(StringComparer.Ordinal))
                keys.Add(Path.GetFileNameWithoutExtension(file), File.ReadAllText(file));
            stored = keys.ReadAll();
        }
        return stored.Select(xml => XElement.Parse(xml)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName) =>
        keys.Add(friendlyName, element.ToString(SaveOptions.DisableFormatting));
}
