using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ValueStreams.Core.Audit;
using ValueStreams.Data.Audit;
using ValueStreams.Data.Migrations;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Store;

public sealed class AuditLogTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 6, 9, 0, 0, TimeSpan.Zero);

    private static async Task<(TestStore Store, AuditLog Log, FakeTimeProvider Clock)> NewStoreAsync(StorageProvider provider)
    {
        var store = await TestStore.CreateAsync(provider);
        await new DatabaseMigrator(store.Connections, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
        var clock = new FakeTimeProvider(Start);
        return (store, new AuditLog(store.Connections, clock), clock);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_store_refuses_to_change_or_delete_an_audit_line(StorageProvider provider)
    {
        var (store, log, _) = await NewStoreAsync(provider);
        await using var _ = store;
        var entry = await log.RecordAsync("admin", AuditActions.UserCreated, "nia", "roles: agent");

        await using var connection = await store.Connections.OpenAsync();
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            connection.ExecuteAsync("UPDATE audit_log SET actor = 'someone-else' WHERE id = @Id", new { entry.Id }));
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() =>
            connection.ExecuteAsync("DELETE FROM audit_log WHERE id = @Id", new { entry.Id }));
        if (provider == StorageProvider.PostgreSql)
            await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => connection.ExecuteAsync("TRUNCATE audit_log"));

        var kept = Assert.Single((await log.FindAsync(new AuditQuery())).Items);
        Assert.Equal(entry, kept);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Lines_come_newest_first_filtered_by_actor_action_and_a_half_open_time_range(StorageProvider provider)
    {
        var (store, log, clock) = await NewStoreAsync(provider);
        await using var _ = store;
        await log.RecordAsync("admin", AuditActions.SignedIn, "admin");
        clock.Advance(TimeSpan.FromMinutes(1));
        await log.RecordAsync("agent", AuditActions.SignedIn, "agent");
        clock.Advance(TimeSpan.FromMinutes(1));
        await log.RecordAsync("admin", AuditActions.Published, "incident-resolution", "version 2");

        var all = await log.FindAsync(new AuditQuery());
        Assert.Equal(3, all.Total);
        Assert.Equal([AuditActions.Published, AuditActions.SignedIn, AuditActions.SignedIn], all.Items.Select(e => e.Action));
        Assert.Equal(Start.AddMinutes(2), all.Items[0].At);

        Assert.Equal(["agent"], (await log.FindAsync(new AuditQuery(Action: AuditActions.SignedIn, Offset: 0, Limit: 1))).Items.Select(e => e.Actor));
        Assert.Equal(2, (await log.FindAsync(new AuditQuery(Actor: "admin"))).Total);
        var window = await log.FindAsync(new AuditQuery(From: Start.AddMinutes(1), To: Start.AddMinutes(2)));
        Assert.Equal(["agent"], window.Items.Select(e => e.Actor));
        var paged = await log.FindAsync(new AuditQuery(Offset: 1, Limit: 1));
        Assert.Equal(3, paged.Total);
        Assert.Equal(["agent"], paged.Items.Select(e => e.Actor));
    }
}
