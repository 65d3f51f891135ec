using ValueStreams.Core.Outbound;

namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>Calls another system over HTTP.</summary>
public sealed class HttpRequestStep : StepType
{
    public override StepTypeDescriptor Descriptor { get; } = new(
        "http-request", "HTTP request", "Integration", "Calls an HTTP endpoint; leaves by failed on an error status.",
        StepKind.Activity, Automated: true,
        [
            new("method", InputKind.Enum, "HTTP method", Required: true, Options: ["GET", "POST", "PUT", "PATCH", "DELETE"]),
            new("url", InputKind.Template, "Address", Required: true),
            new("headers", InputKind.ObjectList, "Request headers", Fields:
            [
                new("name", InputKind.String, "Header name", Required: true),
                new("value", InputKind.Template, "Header value", Required: true),
            ]),
            new("body", InputKind.Template, "Request body"),
            new("resultVariable", InputKind.String, "Variable that receives the response"),
            Inputs.Retry,
        ],
        [new("done", "2xx response"), new("failed", "Error status or no response, once any retries are spent")], null, "http");

    public override IEnumerable<StepIssue> Check(StepDefinition step)
    {
        if (StringOf(step.Properties, "url") is { } url && WebAddress.ProblemOfTemplate(url) is { } problem)
            yield return new("url", problem);
    }
}
