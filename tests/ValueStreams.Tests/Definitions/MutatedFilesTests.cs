using System.Net;
using System.Text;
using ValueStreams.Core.Catalogue;
using ValueStreams.Core.Definitions.Validation;
using ValueStreams.Engine.Storage;
using ValueStreams.Tests.Support;

namespace ValueStreams.Tests.Definitions;

/// <summary>
/// Hundreds of damaged copies of the shipped files: validation answers every one with issues (or a
/// pass, when the damage happens to keep the file valid) and never throws; through the API each gets a
/// 4xx or a stored draft, never a 5xx.
/// </summary>
[Collection(nameof(HostCollection))]
public sealed class MutatedFilesTests
{
    private const int MutationsPerFile = 60;

    internal static IEnumerable<(string Name, byte[] Bytes)> Mutants()
    {
        var files = Directory.GetFiles(RepositoryRoot.File("workflows"), "*.json").Order(StringComparer.Ordinal).ToList();
        Assert.NotEmpty(files);
        foreach (var file in files)
        {
            var original = File.ReadAllText(file);
            // A seed from the name that is the same in every run (string.GetHashCode is randomised per process).
            var random = new Random(Path.GetFileName(file).Sum(c => c * 31) ^ 7919);
            for (var i = 0; i < MutationsPerFile; i++)
                yield return ($"{Path.GetFileName(file)}#{i}", Mutate(original, random, i % 9));
        }
    }

    private static byte[] Mutate(string text, Random random, int kind)
    {
        var at = random.Next(text.Length);
        var lines = text.Split('\n').ToList();
        var line = random.Next(lines.Count);
        switch (kind)
        {
            case 0: return Encoding.UTF8.GetBytes(text[..at]);
            case 1: return Encoding.UTF8.GetBytes(text.Remove(at, Math.Min(random.Next(1, 200), text.Length - at)));
            case 2:
                var bytes = Encoding.UTF8.GetBytes(text);
                for (var n = 0; n < 5; n++) bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                return bytes;
            case 3: lines.Insert(line, lines[line]); break;
            case 4: lines.RemoveAt(line); break;
            case 5: lines[line] = lines[line].Replace("\"", ""); break;
            case 6: lines[line] = System.Text.RegularExpressions.Regex.Replace(lines[line], "\"[a-z-]+\"(?=[,\\]]|$)", "42"); break;
            case 7: lines[line] = lines[line].Replace("[", "[" + new string('[', 5000)); break;
            default: lines[line] = lines[line].Replace("\"id\": \"", "\"id\": \"Ü "); break;
        }
        return Encoding.UTF8.GetBytes(string.Join('\n', lines));
    }

    [Fact]
    public void Every_damaged_copy_gets_a_report_and_never_an_exception()
    {
        var validator = new ValueStreamValidator(ItilCatalogue.Default);
        var refused = 0;
        var total = 0;
        foreach (var (name, bytes) in Mutants())
        {
            total++;
            ValidationReport report;
            try { report = validator.ValidateFile(bytes); }
            catch (Exception ex) { throw new Xunit.Sdk.XunitException($"{name}: {ex}"); }
            if (!report.IsValid)
            {
                refused++;
                Assert.All(report.Errors, e => Assert.False(string.IsNullOrWhiteSpace(e.Message), name));
            }
        }
        Assert.True(total >= 400, $"only {total} mutants");
        // Most damage must be caught; a few mutations (e.g. a duplicated description line) stay valid.
        Assert.True(refused > total * 0.6, $"{refused} of {total} refused");
    }

    [Fact]
    public async Task Damaged_drafts_through_the_api_are_4xx_and_leave_the_published_versions_alone()
    {
        await using var host = await ApiHost.StartAsync(StorageProvider.Sqlite);
        var owner = await host.ClientForAsync("owner");
        var published = await owner.GetStringAsync("/api/value-streams");

        foreach (var (name, bytes) in Mutants().Where((_, i) => i % 4 == 0))
        {
            var id = name.Split('.')[0];
            var response = await owner.PutAsync($"/api/value-streams/{id}/draft", new ByteArrayContent(bytes));
            Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest,
                $"{name}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var after = await owner.GetStringAsync("/api/value-streams");
        Assert.Equal(Normalise(published), Normalise(after));
    }

    // Drafts may now exist (hasDraft/latestVersion); the published versions must be exactly as before.
    private static string Normalise(string list) => System.Text.RegularExpressions.Regex.Replace(list, "\"(latestVersion|hasDraft|draftErrors|draftWarnings)\":[^,}]+", "");
}
