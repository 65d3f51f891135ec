using ValueStreams.Host.Features.Auth;

namespace ValueStreams.Host.Features.Security;

/// <summary>
/// Cross-site request forgery guard for the API: a state-changing call that would be authenticated by the sign-in
/// cookie must come from the product's own pages. Browsers name the page a request comes from in <c>Origin</c>
/// (or <c>Referer</c>); when that names another site the call is refused with 403 before it is authenticated.
/// Calls with a bearer token carry no ambient credentials and pass untouched.
/// </summary>
public static class SameOriginGuard
{
    public static IApplicationBuilder UseSameOriginGuard(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        if (IsForeignCookieWrite(context.Request))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            await Results.Problem(title: "This request comes from another site; the API accepts changes only from ValueStreams pages or with a bearer token.",
                statusCode: StatusCodes.Status403Forbidden).ExecuteAsync(context);
            return;
        }
        await next(context);
    });

    private static bool IsForeignCookieWrite(HttpRequest request)
    {
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || HttpMethods.IsTrace(request.Method))
            return false;
        if (!request.Path.StartsWithSegments("/api") || !request.Cookies.ContainsKey(AuthSetup.CookieName))
            return false;
        if (AuthSetup.BearerToken(request) is not null)
            return false;

        var source = request.Headers.Origin.ToString();
        if (string.IsNullOrEmpty(source))
            source = request.Headers.Referer.ToString();
        // Browsers always send one of the two on a cross-site write; a caller sending neither is not a browser page.
        if (string.IsNullOrEmpty(source))
            return false;
        return !IsSameOrigin(source, request);
    }

    private static bool IsSameOrigin(string source, HttpRequest request)
    {
        if (!Uri.TryCreate(source, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            return false; // "null" (sandboxed frames, some redirects) and anything unreadable
        var host = request.Host;
        if (!string.Equals(uri.Host, host.Host, StringComparison.OrdinalIgnoreCase))
            return false;
        // A proxy may pass the public host without its port; the scheme's default port then stands for it.
        var port = host.Port ?? (request.IsHttps ? 443 : uri.IsDefaultPort ? uri.Port : 80);
        return uri.Port == port;
    }
}
