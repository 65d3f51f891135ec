namespace ValueStreams.Engine.Runtime;

/// <summary>How tokens move along connections; a token keeps the fork branches it is in as it moves.</summary>
internal static class TokenFlow
{
    public static void MoveOn(InstanceState instance, Graph graph, Token token, string port)
    {
        instance.Tokens.Remove(token);
        Follow(instance, graph, token.StepId, port, token.Branches);
    }

    /// <summary>A new ready token at the step the port leads to, inside the given fork branches.</summary>
    public static Token Follow(InstanceState instance, Graph graph, string stepId, string port, IEnumerable<string> branches)
    {
        var target = graph.Target(stepId, port)
            ?? throw new StepFailedException($"step '{stepId}' has nothing connected to its port '{port}'");
        var token = instance.NewToken(target);
        token.Branches = [.. branches];
        return token;
    }

    /// <summary>A durable timer for a token: its row, and the scheduler job that fires it when due.</summary>
    public static async Task<DurableTimer> ScheduleTimerAsync(InstanceState instance, Token token, string stepId, DateTimeOffset due, IRunSession session)
    {
        var timer = new DurableTimer(Interpreter.NewId(), instance.Id, token.Id, stepId, due);
        await session.CreateTimerAsync(timer);
        await session.EnqueueAsync(new OutboxJob(Interpreter.NewId(), OutboxJob.FireTimer, OutboxJob.Target(instance.Id, timer.Id), due));
        return timer;
    }
}
