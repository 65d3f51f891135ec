namespace ValueStreams.Host.Features.Errors;

/// <summary>One thing wrong with a request, with the JSON path of the value at fault.</summary>
public sealed record FieldError(string Path, string Message);

/// <summary>Problem-details results in the contract's shape: a readable title and, for validation, a list of path and message.</summary>
public static class ApiProblem
{
    public static IResult Validation(string title, IEnumerable<FieldError> errors) =>
        TypedResults.Problem(
            title: title,
            statusCode: StatusCodes.Status400BadRequest,
            extensions: new Dictionary<string, object?> { ["errors"] = errors.ToList() });

    public static IResult Status(int statusCode, string title, string? detail = null) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: statusCode);
}
