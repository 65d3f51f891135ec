using Dapper;
using ValueStreams.Data.Store;

namespace ValueStreams.Data.Identity;

/// <summary>
/// The data-protection key ring (the keys behind sign-in cookies and bearer tokens) as rows of the store, so
/// every node reads the same keys without sharing a folder. Keys are added, never changed: a second node that
/// stores the same key changes nothing; keys an earlier version stored unencrypted are removed once.
/// Synchronous, as the key manager that calls it is.
/// </summary>
public sealed class KeyRingRepository(ConnectionFactory connections)
{
    public IReadOnlyList<string> ReadAll()
    {
        using var connection = connections.Open();
        return connection.Query<string>("SELECT xml FROM key_ring ORDER BY created_at, name").ToList();
    }

    public void Add(string name, string xml)
    {
        using var connection = connections.Open();
        connection.Execute("INSERT INTO key_ring (name, xml, created_at) VALUES (@name, @xml, @now) ON CONFLICT (name) DO NOTHING",
            new { name, xml, now = DateTimeOffset.UtcNow });
    }

    /// <summary>
    /// Removes keys whose secret is stored in the clear (made before the key ring was encrypted): anyone who could
    /// read them could sign cookies. Whoever they signed in signs in again. Returns how many were removed.
    /// </summary>
    public int RemoveUnencrypted()
    {
        using var connection = connections.Open();
        return connection.Execute("DELETE FROM key_ring WHERE xml LIKE '%<masterKey%' AND xml NOT LIKE '%<encryptedSecret%'");
    }
}
