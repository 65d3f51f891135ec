using System.CommandLine;
using System.Globalization;
using ValueStreams.Cli.History;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Cli.Commands;

/// <summary>
/// <c>valuestreams history</c>: plays months of work through the shipped streams on the real engine with a played clock, so the
/// instance viewer and analytics have something to show and measure. Writes into the store it is given: use a store meant for it.
/// </summary>
public static class HistoryCommand
{
    /// <summary>The most instances one run plays: enough for months of a busy service desk, bounded so a typo cannot fill a disk.</summary>
    public const int MostInstances = 200_000;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var store = new StoreOptions();
        var months = new Option<int>("--months") { Description = "How many months the history spans, 1 to 24 (default 3)", DefaultValueFactory = _ => 3 };
        var instances = new Option<int>("--instances")
        {
            Description = $"How many instances to start over that time, 1 to {MostInstances} (default 500)", DefaultValueFactory = _ => 500,
        };
        var seed = new Option<int>("--seed") { Description = "Seed of the played choices: the same seed plays the same history (default 1)", DefaultValueFactory = _ => 1 };
        var end = new Option<string?>("--end")
        {
            Description = "When the history ends, a UTC date or ISO 8601 time (default: the start of today, UTC)",
        };
        var command = new Command("history",
            "Play realistic months of work through the shipped value streams on the real engine: raised work, waits, outcomes, "
            + "rework and missed service levels, stored as if it had happened then. The streams must be published (start the host once).");
        store.AddTo(command);
        command.Add(months);
        command.Add(instances);
        command.Add(seed);
        command.Add(end);
        command.SetAction(async (result, cancellationToken) =>
        {
            var spanMonths = result.GetValue(months);
            var count = result.GetValue(instances);
            var problems = new List<string>();
            if (spanMonths is < 1 or > 24)
                problems.Add("--months: from 1 to 24.");
            if (count < 1 || count > MostInstances)
                problems.Add($"--instances: from 1 to {MostInstances}.");
            var until = DateTimeOffset.UtcNow.UtcDateTime.Date;
            if (result.GetValue(end) is { Length: > 0 } text)
            {
                if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) && parsed.Year is >= 2000 and <= 9000)
                    until = parsed.UtcDateTime;
                else
                    problems.Add("--end: a date or an ISO 8601 time, e.g. 2026-12-01 or 2026-12-01T08:00:00Z.");
            }
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                    await error.WriteLineAsync($"history: {problem}");
                return CliApp.Usage;
            }
            var to = new DateTimeOffset(until, TimeSpan.Zero);
            var plan = new HistoryPlan(count, to.AddMonths(-spanMonths), to, result.GetValue(seed));
            try
            {
                var location = store.Resolve(result);
                DapperSetup.Apply();
                using var connections = new ConnectionFactory(location.Provider, location.ConnectionString);
                var played = await new HistoryPlayer(connections, plan).PlayAsync(error, cancellationToken);
                await output.WriteLineAsync(
                    $"Played {plan.From:yyyy-MM-dd} to {plan.To:yyyy-MM-dd} with seed {plan.Seed}: {played.Started} instances raised; "
                    + $"with the sub-streams they started, {played.Completed} completed, {played.StillOpen} still open, {played.Faulted} faulted; "
                    + $"{played.TasksDone} tasks done, "
                    + $"{played.ServiceLevelsMissed} service-level targets missed.");
                return played.Faulted > 0 ? CliApp.Problem : CliApp.Ok;
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or System.Data.Common.DbException or EngineException)
            {
                await error.WriteLineAsync($"history: {ex.Message}");
                return CliApp.Problem;
            }
        });
        return command;
    }
}
