using ValueStreams.Core.Definitions.Format;
using ValueStreams.Host.Features.Errors;

namespace ValueStreams.Host.Features.Definitions;

/// <summary>Reads a file sent as the request body, refusing more than a value stream file may be.</summary>
internal static class RequestBody
{
    public static Task<byte[]?> ReadAsync(HttpRequest request) =>
        RequestBodyGuard.ReadAsync(request, ValueStreamReader.MaxBytes, request.HttpContext.RequestAborted);

    public static IResult TooLarge() => ApiProblem.Status(StatusCodes.Status413PayloadTooLarge,
        $"The file is larger than {ValueStreamReader.MaxBytes / (1024 * 1024)} MB; a value stream file may not be.");
}
