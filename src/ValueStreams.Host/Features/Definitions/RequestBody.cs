using ValueStreams.Core.Definitions.Format;
using ValueStreams.Host.Features.Errors;

namespace ValueStreams.Host.Features.Definitions;

/// <summary>Reads a file sent as the request body, refusing more than a value stream file may be.</summary>
internal static class RequestBody
{
    public static async Task<byte[]?> ReadAsync(HttpRequest request)
    {
        if (request.ContentLength > ValueStreamReader.MaxBytes)
            return null;
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted)) > 0)
        {
            if (buffer.Length + read > ValueStreamReader.MaxBytes)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    public static IResult TooLarge() => ApiProblem.Status(StatusCodes.Status413PayloadTooLarge,
        $"The file is larger than {ValueStreamReader.MaxBytes / (1024 * 1024)} MB; a value stream file may not be.");
}
