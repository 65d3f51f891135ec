using ValueStreams.Engine.Runtime;

namespace ValueStreams.Engine.Steps;

/// <summary>Waits while a background job makes the call outside the run's transaction; the job resumes the token.</summary>
internal sealed class HttpRequestBehaviour : IStepBehaviour
{
    public string Type => "http-request";

    public async Task RunAsync(StepRun run)
    {
        run.Wait(new Bookmark(Bookmark.Http, run.Token.Id));
        await run.EnqueueAsync(OutboxJob.HttpRequest, OutboxJob.Target(run.Instance.Id, run.Token.Id));
    }
}
