using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Identity;
using ValueStreams.Data.Migrations;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Store;

public sealed class UserRepositoryTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 26, 9, 30, 15, 123, TimeSpan.Zero);

    private static async Task<(TestStore Store, UserRepository Users)> NewStoreAsync(StorageProvider provider)
    {
        var store = await TestStore.CreateAsync(provider);
        await new DatabaseMigrator(store.Connections, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
        var users = new UserRepository(store.Connections, new FakeTimeProvider(Now));
        await users.EnsureGroupAsync(new UserGroup("service-desk", "Service desk"));
        await users.EnsureGroupAsync(new UserGroup("network-support", "Network support"));
        return (store, users);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_created_user_is_found_by_any_case_of_the_name_with_roles_groups_and_time(StorageProvider provider)
    {
        var (store, users) = await NewStoreAsync(provider);
        await using var _ = store;

        var created = await users.CreateAsync("Agent", "Asha Agent", "asha@example.org", "hash-1",
            [Roles.Agent], ["service-desk", "network-support"]);
        var found = await users.FindCredentialsAsync("  aGENT ");

        Assert.NotNull(created);
        Assert.NotNull(found);
        Assert.Equal(created.Id, found.User.Id);
        Assert.Equal("Agent", found.User.Username);
        Assert.Equal("hash-1", found.PasswordHash);
        Assert.Equal([Roles.Agent], found.User.Roles);
        Assert.Equal(["network-support", "service-desk"], found.User.Groups);
        Assert.Equal(Now, found.User.CreatedAt);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_taken_user_name_is_refused_and_the_first_user_stays_as_it_was(StorageProvider provider)
    {
        var (store, users) = await NewStoreAsync(provider);
        await using var _ = store;
        await users.CreateAsync("owner", "Owen", null, "hash-1", [Roles.ProcessOwner], []);

        var second = await users.CreateAsync("OWNER", "Impostor", null, "hash-2", [Roles.Admin], ["service-desk"]);

        Assert.Null(second);
        var kept = await users.FindCredentialsAsync("owner");
        Assert.Equal("Owen", kept!.User.DisplayName);
        Assert.Equal("hash-1", kept.PasswordHash);
        Assert.Equal([Roles.ProcessOwner], kept.User.Roles);
        Assert.Empty(kept.User.Groups);
        Assert.Single(await users.ListAsync());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task The_directory_lists_every_user_with_their_own_roles_and_groups(StorageProvider provider)
    {
        var (store, users) = await NewStoreAsync(provider);
        await using var _ = store;
        await users.CreateAsync("zed", "Zed", null, "h", [Roles.Agent], ["network-support"]);
        await users.CreateAsync("amy", "Amy", null, "h", [Roles.Admin, Roles.Agent], ["service-desk", "network-support"]);
        await users.CreateAsync("bob", "Bob", null, "h", [Roles.ProcessOwner], []);

        var listed = await users.ListAsync();

        Assert.Equal(["amy", "bob", "zed"], listed.Select(u => u.Username));
        Assert.Equal([Roles.Admin, Roles.Agent], listed[0].Roles);
        Assert.Equal(["network-support", "service-desk"], listed[0].Groups);
        Assert.Equal([Roles.ProcessOwner], listed[1].Roles);
        Assert.Empty(listed[1].Groups);
        Assert.Equal(["network-support"], listed[2].Groups);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_user_in_an_unknown_group_is_not_stored_at_all(StorageProvider provider)
    {
        var (store, users) = await NewStoreAsync(provider);
        await using var _ = store;

        await Assert.ThrowsAnyAsync<Exception>(() => users.CreateAsync("ghost", "Ghost", null, "h", [Roles.Agent], ["no-such-group"]));

        Assert.Null(await users.FindAsync("ghost"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Unknown_roles_are_refused_before_anything_is_written(StorageProvider provider)
    {
        var (store, users) = await NewStoreAsync(provider);
        await using var _ = store;

        var error = await Assert.ThrowsAsync<ArgumentException>(() => users.CreateAsync("x", "X", null, "h", ["superuser"], []));

        Assert.Contains("superuser", error.Message);
        Assert.Empty(await users.ListAsync());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Ensuring_a_group_twice_keeps_one_group_with_its_first_name(StorageProvider provider)
    {
        var (store, users) = await NewStoreAsync(provider);
        await using var _ = store;

        await users.EnsureGroupAsync(new UserGroup("service-desk", "Renamed"));

        var groups = await users.ListGroupsAsync();
        Assert.Equal(["network-support", "service-desk"], groups.Select(g => g.Id));
        Assert.Equal("Service desk", groups.Single(g => g.Id == "service-desk").Name);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_new_password_hash_replaces_the_old_one(StorageProvider provider)
    {
        var (store, users) = await NewStoreAsync(provider);
        await using var _ = store;
        var user = await users.CreateAsync("engineer", "Emil", null, "old", [Roles.Agent], ["network-support"]);

        Assert.True(await users.SetPasswordHashAsync(user!.Id, "new"));
        Assert.False(await users.SetPasswordHashAsync("missing", "new"));

        Assert.Equal("new", (await users.FindCredentialsAsync("engineer"))!.PasswordHash);
    }
}
