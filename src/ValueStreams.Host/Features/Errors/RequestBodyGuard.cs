namespace ValueStreams.Host.Features.Errors;

/// <summary>How large a request body to the API may be (<c>ValueStreams:Limits:MaxRequestBytes</c>).</summary>
public sealed record RequestLimits
{
    public const string Section = "ValueStreams:Limits";
    public const string MaxRequestBytesSetting = "ValueStreams:Limits:MaxRequestBytes";

    /// <summary>Above the largest value stream file (4 MB), so any file the service accepts fits.</summary>
    public long MaxRequestBytes { get; init; } = 8 * 1024 * 1024;
}

/// <summary>
/// Reads every API request body before its endpoint does: one over the size limit is a 413, and one whose JSON holds
/// text that is not valid Unicode is a 400 naming the value's path. Endpoints then read the body from memory.
/// Runs after authorization, so anonymous callers are refused before anything is read.
/// </summary>
public sealed class RequestBodyGuard(RequestDelegate next, RequestLimits limits, IProblemDetailsService problems)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!request.Path.StartsWithSegments("/api") || !HasBody(request))
        {
            await next(context);
            return;
        }
        var body = await ReadAsync(request, limits.MaxRequestBytes, context.RequestAborted);
        if (body is null)
        {
            await RefuseAsync(context, StatusCodes.Status413PayloadTooLarge, "The request body is too large.",
                new FieldError("$", $"at most {limits.MaxRequestBytes:N0} bytes are accepted ({RequestLimits.MaxRequestBytesSetting})"));
            return;
        }
        if (IsUtf8(request) && JsonText.FindInvalidText(body) is { } invalid)
        {
            await RefuseAsync(context, StatusCodes.Status400BadRequest, "The request could not be read.", invalid);
            return;
        }
        request.Body = new MemoryStream(body, writable: false);
        request.ContentLength = body.Length;
        await next(context);
    }

    private static bool HasBody(HttpRequest request) =>
        (request.ContentLength ?? (request.Headers.TransferEncoding.Count > 0 ? 1 : 0)) > 0
        && !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method);

    private static bool IsUtf8(HttpRequest request)
    {
        var charset = request.GetTypedHeaders().ContentType?.Charset.Value;
        return charset is null || charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase) || charset.Equals("utf8", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The whole body, or null when it is longer than the limit (read no further than that).</summary>
    public static async Task<byte[]?> ReadAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
            return null;
        using var buffer = new MemoryStream(request.ContentLength is { } length ? (int)length : 0);
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
                return null;
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private async Task RefuseAsync(HttpContext context, int status, string title, FieldError error)
    {
        context.Response.StatusCode = status;
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = status,
                Title = title,
                Detail = error.Path == "$" ? $"The body: {error.Message}." : $"Invalid text at {error.Path}: {error.Message}.",
                Extensions = { ["errors"] = new[] { error } },
            },
        });
    }
}
