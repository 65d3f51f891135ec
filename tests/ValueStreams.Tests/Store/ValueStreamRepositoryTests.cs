using Dapper;
using Microsoft.Extensions.Logging.Abstractions;
using ValueStreams.Data.Definitions;
using ValueStreams.Data.Migrations;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Store;

public sealed class ValueStreamRepositoryTests
{
    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_database_refuses_to_change_or_delete_a_published_version(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await new DatabaseMigrator(store.Connections, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
        var repository = new ValueStreamRepository(store.Connections, TimeProvider.System);
        await repository.PublishAsync("s", "S", "{\"v\":1}", "h1", "owner", fromDraft: false);

        await using var connection = await store.Connections.OpenAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => connection.ExecuteAsync("UPDATE value_stream_versions SET content = 'tampered'"));
        await Assert.ThrowsAnyAsync<Exception>(() => connection.ExecuteAsync("DELETE FROM value_stream_versions"));

        Assert.Equal("{\"v\":1}", (await repository.GetPublishedAsync("s"))!.Content);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Publishing_numbers_versions_in_order_and_keeps_every_one(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        await new DatabaseMigrator(store.Connections, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
        var repository = new ValueStreamRepository(store.Connections, TimeProvider.System);

        var first = await repository.PublishAsync("s", "S", "one", "h1", "owner", fromDraft: false);
        var same = await repository.PublishAsync("s", "S", "one", "h1", "owner", fromDraft: false);
        await repository.SaveDraftAsync("s", "S2", "two", "h2", "admin");
        var second = await repository.PublishAsync("s", "S2", "two", "h2", "admin", fromDraft: true);

        Assert.Equal(new PublishResult(1, false), first);
        Assert.Equal(new PublishResult(1, true), same);
        Assert.Equal(new PublishResult(2, false), second);
        Assert.Null(await repository.GetDraftAsync("s"));
        Assert.Equal(["owner", "admin"], (await repository.VersionsAsync("s")).Select(v => v.PublishedBy));
        Assert.Equal("one", (await repository.GetPublishedAsync("s", 1))!.Content);
        var summary = Assert.Single(await repository.ListAsync());
        Assert.Equal(("S2", 2, false), (summary.Name, summary.PublishedVersion, summary.HasDraft));
    }
}
