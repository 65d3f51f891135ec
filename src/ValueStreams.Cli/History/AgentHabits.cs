using System.Text.Json.Nodes;

namespace ValueStreams.Cli.History;

/// <summary>
/// How played people behave, drawn from one seeded random source so a seed plays the same history again: when work arrives
/// (weekdays, office hours), how long a task waits before someone picks it up and how long they work on it (most within the
/// step's service-level targets, some not), which outcome they choose (mostly the first, the expected one; sometimes another,
/// which is where rework and other paths come from) and what they type into the form.
/// </summary>
internal sealed class AgentHabits(int seed)
{
    /// <summary>The share of tasks picked up or finished after their service-level target.</summary>
    public const double LateShare = 0.12;

    /// <summary>The share of decisions that take another outcome than the expected one.</summary>
    public const double OtherOutcomeShare = 0.2;

    private readonly Random _random = new(seed);

    /// <summary>A moment when someone raises work: mostly on weekdays in office hours, some at any time.</summary>
    public DateTimeOffset Arrival(DateTimeOffset from, DateTimeOffset to)
    {
        var days = Math.Max(1, (int)(to - from).TotalDays);
        while (true)
        {
            var day = from.UtcDateTime.Date.AddDays(_random.Next(days));
            var weekend = day.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday;
            if (weekend && _random.NextDouble() > 0.25)
                continue;
            var moment = new DateTimeOffset(day, TimeSpan.Zero) + (_random.NextDouble() < 0.9
                ? TimeSpan.FromHours(7) + TimeSpan.FromMinutes(_random.Next(11 * 60))
                : TimeSpan.FromMinutes(_random.Next(24 * 60)));
            if (moment >= from && moment < to)
                return moment;
        }
    }

    /// <summary>How long a task waits to be picked up: within its response target mostly, else a few hours around a median.</summary>
    public TimeSpan Wait(TimeSpan? respondWithin) => respondWithin is { } target && target > TimeSpan.Zero
        ? Scaled(target, _random.NextDouble() < LateShare ? 1.1 + 2 * _random.NextDouble() : 0.1 + 0.8 * _random.NextDouble())
        : Skewed(TimeSpan.FromMinutes(90), TimeSpan.FromDays(2));

    /// <summary>How long someone works on a task once picked up: within what is left of its resolution target mostly.</summary>
    public TimeSpan Touch(TimeSpan? leftToResolve)
    {
        var work = Skewed(TimeSpan.FromMinutes(40), TimeSpan.FromHours(16));
        if (leftToResolve is not { } left)
            return work;
        if (_random.NextDouble() < LateShare)
            return left <= TimeSpan.Zero ? work : Scaled(left, 1.1 + _random.NextDouble());
        return left <= TimeSpan.FromMinutes(2) ? TimeSpan.FromMinutes(1) : Scaled(left, 0.2 + 0.7 * _random.NextDouble());
    }

    /// <summary>Mostly the first (expected) outcome; otherwise one of the others.</summary>
    public string Outcome(IReadOnlyList<string> outcomes) =>
        outcomes.Count == 1 || _random.NextDouble() >= OtherOutcomeShare ? outcomes[0] : outcomes[1 + _random.Next(outcomes.Count - 1)];

    /// <summary>One of <paramref name="people"/>, or null when there is nobody to choose from.</summary>
    public string? Anyone(IReadOnlyList<string> people) => people.Count == 0 ? null : people[_random.Next(people.Count)];

    /// <summary>Picks one of the weighted choices.</summary>
    public T Weighted<T>(IReadOnlyList<(T Choice, int Weight)> choices)
    {
        var roll = _random.Next(choices.Sum(c => c.Weight));
        foreach (var (choice, weight) in choices)
        {
            if (roll < weight)
                return choice;
            roll -= weight;
        }
        return choices[^1].Choice;
    }

    /// <summary>
    /// What someone types into a form: a record of the played estate where the field names one (<paramref name="known"/>), the
    /// default or an option for choices, a number in the field's range, times in the order the form asks for them, and short
    /// sentences for text. Optional one-line text is left empty, as people often leave it: it may name a record a played person
    /// could not know. Whoever raises work (<paramref name="raising"/>) describes it in full.
    /// </summary>
    public JsonObject Fill(JsonArray? form, DateTimeOffset now, IReadOnlyDictionary<string, IReadOnlyList<string>> known, bool raising = false)
    {
        var data = new JsonObject();
        var later = now;
        foreach (var field in (form ?? []).OfType<JsonObject>())
        {
            if (field["name"]?.GetValue<string>() is not { Length: > 0 } name)
                continue;
            var label = field["label"]?.GetValue<string>() ?? name;
            var required = field["required"]?.GetValue<bool>() == true;
            var options = (field["options"] as JsonArray ?? []).Select(o => o?.GetValue<string>()).OfType<string>().ToList();
            JsonNode? value = field["type"]?.GetValue<string>() switch
            {
                _ when known.TryGetValue(name, out var records) => records.Count == 0 ? null : JsonValue.Create(records[_random.Next(records.Count)]),
                "choice" when options.Count > 0 => field["default"] is JsonValue d && _random.NextDouble() < 0.6
                    ? d.DeepClone()
                    : JsonValue.Create(options[_random.Next(options.Count)]),
                "checkbox" => JsonValue.Create(_random.NextDouble() < 0.7),
                "number" => JsonValue.Create(Number(field)),
                "date-time" => JsonValue.Create((later = later.AddDays(_random.Next(1, 7))).ToString("yyyy-MM-ddTHH:mm:ssZ")),
                "user" => null,
                "text" when !required && !raising => null,
                _ => JsonValue.Create($"{label} (played history)"),
            };
            if (value is not null)
                data[name] = value;
        }
        return data;
    }

    private int Number(JsonObject field)
    {
        var least = field["min"] is JsonValue min && min.TryGetValue<double>(out var a) ? (int)Math.Ceiling(a) : 1;
        var most = field["max"] is JsonValue max && max.TryGetValue<double>(out var b) ? (int)Math.Floor(b) : least + 9;
        return most < least ? least : least + _random.Next(most - least + 1);
    }

    private TimeSpan Scaled(TimeSpan span, double factor) => TimeSpan.FromSeconds(Math.Max(30, span.TotalSeconds * factor));

    /// <summary>A log-normal time around <paramref name="median"/>: most short, a long tail, capped at <paramref name="longest"/>.</summary>
    private TimeSpan Skewed(TimeSpan median, TimeSpan longest)
    {
        var normal = Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());
        var seconds = median.TotalSeconds * Math.Exp(0.9 * normal);
        return TimeSpan.FromSeconds(Math.Clamp(seconds, 30, longest.TotalSeconds));
    }
}
