using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;

namespace ValueStreams.Host.Features.Errors;

/// <summary>
/// Turns unreadable requests (malformed or truncated JSON, wrong types, oversized bodies) into a 4xx
/// problem that says what was wrong, instead of the generic 500 an unhandled exception would give.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
            return false;

        var json = badRequest.InnerException as JsonException;
        var detail = json is null ? badRequest.Message : Describe(json);
        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails =
            {
                Status = badRequest.StatusCode,
                Title = badRequest.StatusCode == StatusCodes.Status413PayloadTooLarge
                    ? "The request body is too large."
                    : "The request could not be read.",
                Detail = detail,
                Extensions =
                {
                    ["errors"] = json is null ? Array.Empty<FieldError>() : [new FieldError(json.Path ?? "$", detail)],
                },
            },
        });
    }

    // System.Text.Json's messages name .NET types; callers need the JSON path, the position and the reason.
    private static string Describe(JsonException json)
    {
        var reason = json.Message.Contains("could not be converted", StringComparison.Ordinal)
            ? "the value has the wrong type"
            : json.Message.Split(" Path:", 2)[0].TrimEnd('.');
        var where = json.LineNumber is { } line ? $" (line {line + 1}, byte {json.BytePositionInLine})" : "";
        return $"Invalid JSON at {json.Path ?? "$"}{where}: {reason}.";
    }
}
