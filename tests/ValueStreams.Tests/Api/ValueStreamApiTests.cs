using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Definitions;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Api;

/// <summary>Drafts, versions, import and export of value stream files through the API, on each provider.</summary>
[Collection(nameof(HostCollection))]
public sealed class ValueStreamApiTests
{
    private const string SampleId = "password-reset";

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_saved_draft_publishes_as_version_1_with_who_and_when_and_serves_the_same_bytes(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider, DemoUsers());
        var owner = await host.ClientForAsync("owner");

        var draft = await owner.PutAsync($"/api/value-streams/{SampleId}/draft", File(CanonicalFormatTests.Sample));
        Assert.Equal(HttpStatusCode.OK, draft.StatusCode);
        Assert.Equal(CanonicalFormatTests.Sample, await owner.GetStringAsync($"/api/value-streams/{SampleId}?draft=true"));

        var published = await owner.PostAsync($"/api/value-streams/{SampleId}/publish", null);
        Assert.Equal(HttpStatusCode.OK, published.StatusCode);
        Assert.Equal(1, (await published.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt32());

        Assert.Equal(CanonicalFormatTests.Sample, await owner.GetStringAsync($"/api/value-streams/{SampleId}"));
        Assert.Equal(CanonicalFormatTests.Sample, await owner.GetStringAsync($"/api/value-streams/{SampleId}?version=1"));
        var versions = await owner.GetFromJsonAsync<JsonElement>($"/api/value-streams/{SampleId}/versions");
        var only = Assert.Single(versions.EnumerateArray());
        Assert.Equal("owner", only.GetProperty("publishedBy").GetString());
        Assert.Equal(64, only.GetProperty("contentHash").GetString()!.Length);
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/api/value-streams/{SampleId}?draft=true")).StatusCode);

        var list = await owner.GetFromJsonAsync<JsonElement>("/api/value-streams");
        var entry = list.EnumerateArray().Single(e => e.GetProperty("id").GetString() == SampleId);
        Assert.Equal(1, entry.GetProperty("publishedVersion").GetInt32());
        Assert.Equal(1, entry.GetProperty("latestVersion").GetInt32());
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_invalid_draft_is_kept_with_its_errors_and_leaves_the_published_version_untouched(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider, DemoUsers());
        var owner = await host.ClientForAsync("owner");
        await owner.PostAsync("/api/value-streams/import", File(CanonicalFormatTests.Sample));

        var broken = CanonicalFormatTests.Sample.Replace("\"trigger\": \"manual\",", "\"trigger\": \"manual\",\n      \"colour\": \"red\",");
        var saved = await owner.PutAsync($"/api/value-streams/{SampleId}/draft", File(broken));

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var body = await saved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.GetProperty("valid").GetBoolean());
        Assert.Contains(body.GetProperty("errors").EnumerateArray(), e =>
            e.GetProperty("path").GetString() == "steps[0].colour" && e.GetProperty("message").GetString()!.Contains("unknown property"));
        Assert.Equal(CanonicalFormatTests.Sample, await owner.GetStringAsync($"/api/value-streams/{SampleId}"));
        Assert.Contains("colour", await owner.GetStringAsync($"/api/value-streams/{SampleId}?draft=true"));
        Assert.Single((await owner.GetFromJsonAsync<JsonElement>($"/api/value-streams/{SampleId}/versions")).EnumerateArray());
    }

    [Fact]
    public async Task A_draft_that_is_not_a_value_stream_file_is_refused_and_stores_nothing()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var owner = await host.ClientForAsync("owner");

        var refused = await owner.PutAsync($"/api/value-streams/{SampleId}/draft", File("{\"id\": \"password-reset\", \"steps\": 3"));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("not valid JSON", await refused.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/api/value-streams/{SampleId}?draft=true")).StatusCode);
    }

    [Fact]
    public async Task A_draft_whose_id_differs_from_the_address_is_refused()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var owner = await host.ClientForAsync("owner");

        var response = await owner.PutAsync("/api/value-streams/other-stream/draft", File(CanonicalFormatTests.Sample));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("does not match", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync("/api/value-streams/other-stream?draft=true")).StatusCode);
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task Importing_the_same_content_twice_is_unchanged_and_a_change_makes_version_2(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider, DemoUsers());
        var owner = await host.ClientForAsync("owner");

        var first = await (await owner.PostAsync("/api/value-streams/import", File(CanonicalFormatTests.Sample))).Content.ReadFromJsonAsync<JsonElement>();
        // Same content in another layout: the content hash is of the canonical form, so nothing changes.
        var again = await (await owner.PostAsync("/api/value-streams/import", File(CanonicalFormatTests.Sample.Replace("\n", " ")))).Content.ReadFromJsonAsync<JsonElement>();
        var changed = await (await owner.PostAsync("/api/value-streams/import",
            File(CanonicalFormatTests.Sample.Replace("\"name\": \"Password reset\"", "\"name\": \"Password reset (self-service)\"")))).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(("published", 1), (first.GetProperty("status").GetString(), first.GetProperty("version").GetInt32()));
        Assert.Equal(("unchanged", 1), (again.GetProperty("status").GetString(), again.GetProperty("version").GetInt32()));
        Assert.Equal(("published", 2), (changed.GetProperty("status").GetString(), changed.GetProperty("version").GetInt32()));
        Assert.Equal(CanonicalFormatTests.Sample, await owner.GetStringAsync($"/api/value-streams/{SampleId}?version=1"));

        var diff = await owner.GetFromJsonAsync<JsonElement>($"/api/value-streams/{SampleId}/diff?from=1&to=2");
        var field = Assert.Single(diff.GetProperty("fields").EnumerateArray());
        Assert.Equal("name", field.GetProperty("path").GetString());
        Assert.Empty(diff.GetProperty("stepsChanged").EnumerateArray());
    }

    [Fact]
    public async Task An_old_version_restored_as_the_draft_publishes_as_the_next_version()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var owner = await host.ClientForAsync("owner");
        await owner.PostAsync("/api/value-streams/import", File(CanonicalFormatTests.Sample));
        await owner.PostAsync("/api/value-streams/import", File(CanonicalFormatTests.Sample.Replace("Password reset\"", "Password reset v2\"")));

        var restored = await owner.PostAsync($"/api/value-streams/{SampleId}/versions/1/restore", null);
        var published = await (await owner.PostAsync($"/api/value-streams/{SampleId}/publish", null)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, restored.StatusCode);
        Assert.Equal(3, published.GetProperty("version").GetInt32());
        Assert.Equal(CanonicalFormatTests.Sample, await owner.GetStringAsync($"/api/value-streams/{SampleId}"));
        Assert.Equal(HttpStatusCode.NotFound, (await owner.PostAsync($"/api/value-streams/{SampleId}/versions/9/restore", null)).StatusCode);
    }

    [Fact]
    public async Task Agents_may_read_but_not_write_value_streams()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var agent = await host.ClientForAsync("agent");

        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PutAsync($"/api/value-streams/{SampleId}/draft", File(CanonicalFormatTests.Sample))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync("/api/value-streams/import", File(CanonicalFormatTests.Sample))).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.PostAsync($"/api/value-streams/{SampleId}/publish", null)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await agent.GetAsync("/api/value-streams")).StatusCode);
    }

    [Fact]
    public async Task Publishing_without_a_draft_is_a_409()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var owner = await host.ClientForAsync("owner");

        var response = await owner.PostAsync($"/api/value-streams/{SampleId}/publish", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("no draft", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Hostile_bodies_get_a_4xx_naming_the_problem_and_store_nothing()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var owner = await host.ClientForAsync("owner");
        var before = await owner.GetStringAsync("/api/value-streams");

        var tenMegabytes = await owner.PutAsync("/api/value-streams/huge/draft", File("{\"id\":\"huge\",\"description\":\"" + new string('x', 10 * 1024 * 1024) + "\"}"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tenMegabytes.StatusCode);

        var garbage = await owner.PutAsync("/api/value-streams/garbage/draft", new ByteArrayContent([0xFF, 0xFE, 0x00, 0x01, 0x9C, 0x42]));
        Assert.Equal(HttpStatusCode.BadRequest, garbage.StatusCode);
        Assert.Contains("not valid JSON", await garbage.Content.ReadAsStringAsync());

        var deep = await owner.PutAsync("/api/value-streams/deep/draft", File("{\"id\":\"deep\",\"x\":" + new string('[', 10_000) + new string(']', 10_000) + "}"));
        Assert.Equal(HttpStatusCode.BadRequest, deep.StatusCode);

        var manySteps = new StringBuilder("{\"id\":\"many\",\"name\":\"Many\",\"steps\":[");
        for (var i = 0; i < 20_000; i++)
            manySteps.Append(i == 0 ? "" : ",").Append("{\"id\":\"s").Append(i).Append("\",\"type\":\"end\",\"name\":\"S\",\"position\":{\"x\":0,\"y\":0}}");
        manySteps.Append("]}");
        var tooMany = await owner.PutAsync("/api/value-streams/many/draft", File(manySteps.ToString()));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("at most", await tooMany.Content.ReadAsStringAsync());

        Assert.Equal(before, await owner.GetStringAsync("/api/value-streams"));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task An_invalid_draft_is_kept_with_its_issues_listed_with_their_count_and_only_publishing_refuses_it(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider, DemoUsers());
        var owner = await host.ClientForAsync("owner");
        var halfBuilt = CanonicalFormatTests.Sample.Replace("\"type\": \"end\"", "\"type\": \"teleport\"");

        var saved = await owner.PutAsync($"/api/value-streams/{SampleId}/draft", File(halfBuilt));

        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var body = await saved.Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(body.GetProperty("valid").GetBoolean());
        var errors = body.GetProperty("errors").EnumerateArray().ToList();
        Assert.Contains(errors, e => e.GetProperty("message").GetString()!.Contains("teleport"));
        Assert.Contains("teleport", await owner.GetStringAsync($"/api/value-streams/{SampleId}?draft=true"));
        var entry = (await owner.GetFromJsonAsync<JsonElement>("/api/value-streams")).EnumerateArray().Single(e => e.GetProperty("id").GetString() == SampleId);
        Assert.True(entry.GetProperty("hasDraft").GetBoolean());
        Assert.Equal(errors.Count, entry.GetProperty("draftErrors").GetInt32());

        var publish = await owner.PostAsync($"/api/value-streams/{SampleId}/publish", null);
        Assert.Equal(HttpStatusCode.BadRequest, publish.StatusCode);
        Assert.Contains("teleport", await publish.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.NotFound, (await owner.GetAsync($"/api/value-streams/{SampleId}/versions")).StatusCode);

        var fixedDraft = await (await owner.PutAsync($"/api/value-streams/{SampleId}/draft", File(CanonicalFormatTests.Sample))).Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(fixedDraft.GetProperty("valid").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await owner.PostAsync($"/api/value-streams/{SampleId}/publish", null)).StatusCode);
    }

    [Fact]
    public async Task The_validate_endpoint_reports_without_storing()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var agent = await host.ClientForAsync("agent");

        var valid = await (await agent.PostAsync("/api/value-streams/validate", File(CanonicalFormatTests.Sample))).Content.ReadFromJsonAsync<JsonElement>();
        var invalid = await (await agent.PostAsync("/api/value-streams/validate", File("{\"id\": 3}"))).Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(valid.GetProperty("valid").GetBoolean());
        Assert.Empty(valid.GetProperty("errors").EnumerateArray());
        Assert.False(invalid.GetProperty("valid").GetBoolean());
        Assert.Contains(invalid.GetProperty("errors").EnumerateArray(), e => e.GetProperty("path").GetString() == "id");
        Assert.Equal(HttpStatusCode.NotFound, (await agent.GetAsync($"/api/value-streams/{SampleId}")).StatusCode);
    }

    [Fact]
    public async Task Step_types_list_every_descriptor_with_inputs_and_ports()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var agent = await host.ClientForAsync("agent");

        var types = (await agent.GetFromJsonAsync<JsonElement>("/api/step-types")).EnumerateArray().ToList();

        Assert.Equal(17, types.Count);
        var humanTask = types.Single(t => t.GetProperty("type").GetString() == "human-task");
        Assert.Equal("outcomes[].id", humanTask.GetProperty("dynamicPorts").GetString());
        Assert.Contains(humanTask.GetProperty("inputs").EnumerateArray(), i => i.GetProperty("name").GetString() == "form");
        var lookup = types.Single(t => t.GetProperty("type").GetString() == "lookup-record");
        Assert.Equal(["found", "not-found", "error"], lookup.GetProperty("ports").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal([false, false, true], lookup.GetProperty("ports").EnumerateArray().Select(p => p.GetProperty("optional").GetBoolean()));
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task On_an_empty_store_every_shipped_file_is_published_and_served_byte_for_byte(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider, DemoUsers());
        var admin = await host.ClientForAsync("admin");
        var files = Directory.GetFiles(RepositoryRoot.File("workflows"), "*.json");
        Assert.NotEmpty(files);

        var list = (await admin.GetFromJsonAsync<JsonElement>("/api/value-streams")).EnumerateArray().ToList();

        foreach (var file in files)
        {
            var id = Path.GetFileNameWithoutExtension(file);
            var entry = list.SingleOrDefault(e => e.GetProperty("id").GetString() == id);
            Assert.True(entry.ValueKind == JsonValueKind.Object, $"{id} was not imported");
            Assert.Equal(1, entry.GetProperty("publishedVersion").GetInt32());
            Assert.Equal(await System.IO.File.ReadAllTextAsync(file), await admin.GetStringAsync($"/api/value-streams/{id}"));
        }
    }

    private static Dictionary<string, string?> DemoUsers() => new() { ["ValueStreams:DemoUsers"] = "true" };

    private static StringContent File(string json) => new(json, Encoding.UTF8, "application/json");
}
