using ValueStreams.Engine.Runtime;

namespace ValueStreams.Host.Features.Errors;

/// <summary>Turns an engine refusal into the matching problem-details response.</summary>
public static class EngineProblems
{
    public static IResult From(EngineException refusal) => refusal.Refusal switch
    {
        EngineRefusal.NotFound => ApiProblem.Status(StatusCodes.Status404NotFound, refusal.Message),
        EngineRefusal.Conflict => ApiProblem.Status(StatusCodes.Status409Conflict, refusal.Message),
        EngineRefusal.Forbidden => ApiProblem.Status(StatusCodes.Status403Forbidden, refusal.Message),
        _ => ApiProblem.Validation(refusal.Message, refusal.Errors.Select(e => new FieldError(e.Path, e.Message))),
    };

    /// <summary>Runs an engine call and answers with its result, or with the problem it refused with.</summary>
    public static async Task<IResult> Answer<T>(Func<Task<T>> call, Func<T, IResult> ok)
    {
        try
        {
            return ok(await call());
        }
        catch (EngineException refusal)
        {
            return From(refusal);
        }
    }
}
