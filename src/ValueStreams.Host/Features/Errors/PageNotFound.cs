using Microsoft.AspNetCore.Diagnostics;

namespace ValueStreams.Host.Features.Errors;

/// <summary>
/// Answers for addresses nobody serves: a browser asking for a page gets the app's "Page not found" page (still a
/// 404); API callers, scripts asking for JSON and every other error keep problem details.
/// </summary>
public static class PageNotFound
{
    /// <summary>Where the page lives; the original address is shown on it.</summary>
    public const string Path = "/not-found";

    public static IApplicationBuilder UseStatusAnswers(this IApplicationBuilder app)
    {
        app.UseStatusCodePages();
        // Not in a UseWhen branch: a branch has no endpoint routing of its own, so the page would not be found again.
        app.UseStatusCodePagesWithReExecute(Path, createScopeForStatusCodePages: true);
        return app.Use(async (context, next) =>
        {
            var page = IsPageRequest(context);
            await next(context);
            // Only a missing page is shown as a page; everything else falls through to the problem details above.
            if ((!page || context.Response.StatusCode != StatusCodes.Status404NotFound) && context.Features.Get<IStatusCodePagesFeature>() is { } pages)
                pages.Enabled = false;
        });
    }

    /// <summary>A browser fetching a page: GET or HEAD, outside the API, accepting HTML.</summary>
    private static bool IsPageRequest(HttpContext context)
    {
        var request = context.Request;
        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)) || request.Path.StartsWithSegments("/api"))
            return false;
        return request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase));
    }
}
