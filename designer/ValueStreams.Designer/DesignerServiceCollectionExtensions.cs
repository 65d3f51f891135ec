using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace ValueStreams.Designer;

public static class DesignerServiceCollectionExtensions
{
    /// <summary>Registers what the designer, inbox and catalogue pages need (MudBlazor's services).</summary>
    public static IServiceCollection AddValueStreamsDesigner(this IServiceCollection services)
    {
        services.AddMudServices();
        return services;
    }
}
