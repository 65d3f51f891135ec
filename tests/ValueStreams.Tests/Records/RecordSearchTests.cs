using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using ValueStreams.Core.Records;
using ValueStreams.Data.Records;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Records;

/// <summary>
/// Record list search: one search text per record (number, title and text fields), a trigram index over exactly that
/// text on PostgreSQL, and counts that stop at <see cref="RecordRepository.MaxSearchCount"/>.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class RecordSearchTests
{
    [Fact]
    public async Task Every_search_index_on_PostgreSQL_is_over_the_search_text_the_lists_query()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.PostgreSql);
        await using var connection = await host.Services.GetRequiredService<ConnectionFactory>().OpenAsync();
        var indexed = (await connection.QueryAsync<string>(
            "SELECT tablename FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'ix_' || tablename || '_search'")).ToHashSet();
        Assert.Contains("incidents", indexed);
        Assert.Contains("requests", indexed);

        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync("SET LOCAL enable_seqscan = off", transaction: transaction);
        foreach (var kind in RecordKindCatalogue.All.Where(k => indexed.Contains(k.Descriptor.Table)))
        {
            var d = kind.Descriptor;
            var plan = string.Join('\n', await connection.QueryAsync<string>(
                $"EXPLAIN SELECT id FROM {d.Table} WHERE ({RecordRepository.SearchText(d)}) ILIKE @search",
                new { search = "%bay 17%" }, transaction));
            // A kind whose text fields changed without a new index would fall back to reading every row.
            Assert.True(plan.Contains($"ix_{d.Table}_search", StringComparison.Ordinal), $"{d.Name}'s search does not use its index:\n{plan}");
        }
    }

    [Theory]
    [MemberData(nameof(TestStore.Providers), MemberType = typeof(TestStore))]
    public async Task A_search_counts_its_matches_up_to_the_bound_and_says_when_there_are_more(StorageProvider provider)
    {
        await using var host = await ApiHost.StartAsync(provider);
        var admin = await host.ClientForAsync("admin");
        await using (var connection = await host.Services.GetRequiredService<ConnectionFactory>().OpenAsync())
        {
            // Written straight to the table: a thousand incidents through the API would start a thousand streams.
            var rows = Enumerable.Range(1, RecordRepository.MaxSearchCount + 5).Select(i => new
            {
                id = Guid.NewGuid().ToString("N"), number = $"INC-9{i:D5}", title = i % 2 == 0 ? $"Scanner offline at Leeds bay {i}" : $"Printer jam {i}",
                now = DateTimeOffset.UtcNow.AddSeconds(-i),
            });
            await connection.ExecuteAsync(
                "INSERT INTO incidents (id, number, title, state, revision, created_at, created_by, updated_at, updated_by, impact, urgency, major_incident) " +
                "VALUES (@id, @number, @title, 'new', 1, @now, 'admin', @now, 'admin', 'low', 'low', " +
                (provider == StorageProvider.Sqlite ? "0" : "false") + ")", rows);
        }

        var many = await admin.GetFromJsonAsync<JsonElement>("/api/incidents?q=inc-9&pageSize=10");
        Assert.Equal(RecordRepository.MaxSearchCount, many.GetProperty("total").GetInt32());
        Assert.False(many.GetProperty("totalExact").GetBoolean());
        Assert.Equal(10, many.GetProperty("items").GetArrayLength());
        // Beyond the bound, pages still come in the list's order: newest first, so the second page starts at the 11th.
        var manySecond = await admin.GetFromJsonAsync<JsonElement>("/api/incidents?q=inc-9&pageSize=10&page=2");
        Assert.Equal(Enumerable.Range(11, 10).Select(i => $"INC-9{i:D5}"),
            manySecond.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("number").GetString()));

        // Fewer matches than the bound are counted exactly, in the number, the title or any text field, in any case.
        var some = await admin.GetFromJsonAsync<JsonElement>("/api/incidents?q=LEEDS%20BAY&pageSize=10");
        Assert.Equal((RecordRepository.MaxSearchCount + 5) / 2, some.GetProperty("total").GetInt32());
        Assert.True(some.GetProperty("totalExact").GetBoolean());
        // Within the bound, a page is the slice of all matches in the list's order.
        var someSecond = await admin.GetFromJsonAsync<JsonElement>("/api/incidents?q=LEEDS%20BAY&pageSize=10&page=2&sort=-number");
        var evenNumbers = Enumerable.Range(1, RecordRepository.MaxSearchCount + 5).Where(i => i % 2 == 0).Select(i => $"INC-9{i:D5}").OrderDescending(StringComparer.Ordinal);
        Assert.Equal(evenNumbers.Skip(10).Take(10),
            someSecond.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("number").GetString()));
        var one = await admin.GetFromJsonAsync<JsonElement>("/api/incidents?q=inc-900017");
        Assert.Equal("Printer jam 17", Assert.Single(one.GetProperty("items").EnumerateArray()).GetProperty("title").GetString());

        // A list without a search is counted in full.
        var all = await admin.GetFromJsonAsync<JsonElement>("/api/incidents?pageSize=1");
        Assert.Equal(RecordRepository.MaxSearchCount + 5, all.GetProperty("total").GetInt32());
        Assert.True(all.GetProperty("totalExact").GetBoolean());

        // The list page says "1,000+" and how to narrow the search; a page number that is not one shows the first page.
        var browser = host.CreateClient(new Microsoft.AspNetCore.Mvc.Testing.WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        Assert.Equal(System.Net.HttpStatusCode.Redirect, (await Security.CookieSignIn.SignInAsync(browser, "admin")).StatusCode);
        var page = await browser.GetStringAsync("/records/incidents?q=inc-9&page=abc");
        Assert.Matches(@"data-testid=""record-total""[^>]*>1,000(\+|&#x2B;) incidents<", page);
        Assert.Contains("More than 1,000 match this search", page);
    }
}
