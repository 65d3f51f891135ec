using ValueStreams.Host.Features.Errors;

namespace ValueStreams.Host.Features.Administration;

/// <summary>How an administration command ended.</summary>
public enum AdminVerdict { Done, NotFound, Conflict, Invalid }

/// <summary>The answer of a <see cref="PeopleAdministration"/> call: done (with the changed user or group) or why not.</summary>
public sealed record AdminCommandResult(AdminVerdict Verdict, string? Message = null, IReadOnlyList<FieldError>? Errors = null, object? Value = null)
{
    public bool Succeeded => Verdict == AdminVerdict.Done;

    public static AdminCommandResult Done(object? value = null) => new(AdminVerdict.Done, Value: value);

    public static AdminCommandResult NotFound(string message) => new(AdminVerdict.NotFound, message);

    public static AdminCommandResult Conflict(string message) => new(AdminVerdict.Conflict, message);

    public static AdminCommandResult Invalid(string message, IEnumerable<FieldError> errors) => new(AdminVerdict.Invalid, message, errors.ToList());

    /// <summary>The success response built by <paramref name="ok"/>, or the problem (404, 409, or 400 naming the fields).</summary>
    public IResult Answer(Func<object?, IResult> ok) => Verdict switch
    {
        AdminVerdict.Done => ok(Value),
        AdminVerdict.NotFound => ApiProblem.Status(StatusCodes.Status404NotFound, Message!),
        AdminVerdict.Conflict => ApiProblem.Status(StatusCodes.Status409Conflict, Message!),
        _ => ApiProblem.Validation(Message!, Errors ?? []),
    };
}
