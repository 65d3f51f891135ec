namespace ValueStreams.Engine.Steps;

/// <summary>
/// What one step type does when a token enters a step of that type: leave by a port, wait on a bookmark,
/// end the path, or throw <see cref="Runtime.StepFailedException"/>. One class per type in the catalogue.
/// </summary>
public interface IStepBehaviour
{
    /// <summary>The step type this behaviour runs, as the catalogue names it (e.g. <c>human-task</c>).</summary>
    string Type { get; }

    Task RunAsync(StepRun run);
}
