using System.Security.Cryptography;

namespace ValueStreams.Host.Features.Security;

/// <summary>
/// The headers every response carries: no content sniffing, no referrer outside the product, and for pages a
/// content security policy that lets only the product's own scripts run. The one inline script, the import map
/// Blazor writes into each page, runs by the per-request nonce it carries.
/// </summary>
public static class SecurityHeaders
{
    private const string NonceItem = "ValueStreams.CspNonce";

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        // Hex: no character that HTML encoding would change on its way into the page (base64's + became &#x2B;).
        var nonce = Convert.ToHexString(RandomNumberGenerator.GetBytes(18));
        context.Items[NonceItem] = nonce;
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers.ContentSecurityPolicy = PolicyFor(context.Request.Path, nonce);
            return Task.CompletedTask;
        });
        return next(context);
    });

    /// <summary>The nonce this request's page gives its inline scripts.</summary>
    public static string? Nonce(HttpContext? context) => context?.Items[NonceItem] as string;

    private static string PolicyFor(PathString path, string nonce)
    {
        // The job dashboard and the API reference are third-party pages with inline scripts of their own.
        if (path.StartsWithSegments("/hangfire") || path.StartsWithSegments("/scalar"))
            return "frame-ancestors 'none'; object-src 'none'; base-uri 'self'; form-action 'self'";
        return string.Join("; ",
            "default-src 'self'",
            $"script-src 'self' 'nonce-{nonce}'",
            // MudBlazor and the diagram canvas set style attributes and theme <style> blocks as they render.
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data:",
            "font-src 'self' data:",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'");
    }
}
