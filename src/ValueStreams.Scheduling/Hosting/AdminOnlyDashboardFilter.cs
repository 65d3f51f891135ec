using Hangfire.Dashboard;
using ValueStreams.Core.Identity;

namespace ValueStreams.Scheduling.Hosting;

/// <summary>Admits only signed-in admins to the Hangfire dashboard, from any address.</summary>
public sealed class AdminOnlyDashboardFilter : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context)
    {
        var user = context.GetHttpContext().User;
        return user.Identity?.IsAuthenticated == true && user.IsInRole(Roles.Admin);
    }
}
