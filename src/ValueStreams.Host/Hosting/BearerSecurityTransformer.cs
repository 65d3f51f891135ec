using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace ValueStreams.Host.Hosting;

/// <summary>Tells OpenAPI readers (and the reference page) that the API takes bearer tokens from <c>POST /api/auth/token</c>.</summary>
internal sealed class BearerSecurityTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "ValueStreams API";
        document.Info.Description = "Run ITIL 4 value streams: definitions, instances, tasks, records. Get a token from POST /api/auth/token.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "Token from POST /api/auth/token",
        };
        document.Security ??= [];
        document.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", document)] = [] });
        return Task.CompletedTask;
    }
}
