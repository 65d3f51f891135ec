using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Identity;
using ValueStreams.Data.Migrations;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Store;

public sealed class ExternalLoginRepositoryTests
{
    private const string Issuer = "https://idp.example/";

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_subject_stays_linked_to_the_first_user_it_was_linked_to(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (users, logins) = await RepositoriesAsync(store);
        var pat = await users.CreateAsync("pat", "Pat", null, "hash", [], []);
        var sam = await users.CreateAsync("sam", "Sam", null, "hash", [], []);

        Assert.Null(await logins.FindUsernameAsync(Issuer, "subject-1"));
        Assert.Equal("pat", await logins.LinkAsync(Issuer, "subject-1", pat!.Id));
        Assert.Equal("pat", await logins.LinkAsync(Issuer, "subject-1", sam!.Id));

        Assert.Equal("pat", await logins.FindUsernameAsync(Issuer, "subject-1"));
        Assert.Null(await logins.FindUsernameAsync("https://other.example/", "subject-1"));
        Assert.True(await logins.IsLinkedAsync(Issuer, pat.Id));
        Assert.False(await logins.IsLinkedAsync(Issuer, sam.Id));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Roles_and_groups_are_replaced_whole_and_missing_groups_are_created(StorageProvider provider)
    {
        await using var store = await TestStore.CreateAsync(provider);
        var (users, logins) = await RepositoriesAsync(store);
        await users.EnsureGroupAsync(new UserGroup("service-desk", "Service desk"));
        var pat = await users.CreateAsync("pat", "Pat", null, "hash", [Roles.Admin], ["service-desk"]);

        await logins.ReplaceRolesAndGroupsAsync(pat!.Id, [Roles.Agent, Roles.Agent], ["night-shift", "night-shift"]);
        await logins.ReplaceRolesAndGroupsAsync(pat.Id, [Roles.Agent], ["night-shift"]);

        var after = await users.FindAsync("pat");
        Assert.Equal([Roles.Agent], after!.Roles);
        Assert.Equal(["night-shift"], after.Groups);
        Assert.Contains(new UserGroup("night-shift", "night-shift"), await users.ListGroupsAsync());
        await Assert.ThrowsAsync<ArgumentException>(() => logins.ReplaceRolesAndGroupsAsync(pat.Id, ["superuser"], []));
        Assert.Equal([Roles.Agent], (await users.FindAsync("pat"))!.Roles);
    }

    private static async Task<(UserRepository, ExternalLoginRepository)> RepositoriesAsync(TestStore store)
    {
        await new DatabaseMigrator(store.Connections, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 6, 0, 0, TimeSpan.Zero));
        return (new UserRepository(store.Connections, clock), new ExternalLoginRepository(store.Connections, clock));
    }
}
