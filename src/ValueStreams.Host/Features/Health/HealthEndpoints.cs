using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using ValueStreams.Core.Identity;
using ValueStreams.Data.Store;
using ValueStreams.Scheduling.Hosting;
using ValueStreams.Scheduling.WakeUps;
using ValueStreams.Host.Features.Auth;

namespace ValueStreams.Host.Features.Health;

public static class HealthEndpoints
{
    private const string Ready = "ready";

    public static IServiceCollection AddValueStreamsHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<StoreHealthCheck>("store", tags: [Ready])
            .AddCheck<SchedulerHealthCheck>("scheduler", tags: [Ready])
            .AddCheck<WakeUpHealthCheck>("wake-up", tags: [Ready]);
        return services;
    }

    /// <summary><c>/health/live</c> answers while the process serves; <c>/health/ready</c> checks the store, the scheduler and its wake-up clock.</summary>
    public static void MapHealthEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).WithAccess(Access.Anonymous);
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteAsync }).WithAccess(Access.Anonymous);
    }

    /// <summary>Anyone may see the verdict; what each check found (host names, errors) only admins.</summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        if (!context.User.IsInRole(Roles.Admin))
            return JsonSerializer.SerializeAsync(context.Response.Body, new { status = report.Status.ToString() },
                JsonSerializerOptions.Web, context.RequestAborted);
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new
            {
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                error = e.Value.Exception?.Message,
            }),
        }, JsonSerializerOptions.Web, context.RequestAborted);
    }
}
