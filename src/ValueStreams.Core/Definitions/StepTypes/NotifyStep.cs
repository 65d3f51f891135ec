using ValueStreams.Core.Outbound;

namespace ValueStreams.Core.Definitions.StepTypes;

/// <summary>Sends an email or calls a webhook, with templated text.</summary>
public sealed class NotifyStep : StepType
{
    public override StepTypeDescriptor Descriptor { get; } = new(
        "notify", "Notify", "Communication", "Tells people or systems: an email or a webhook call.",
        StepKind.Activity, Automated: true,
        [
            new("channel", InputKind.Enum, "Email or webhook", Required: true, Options: ["email", "webhook"]),
            new("to", InputKind.Template, "Recipients, for email"),
            new("subject", InputKind.Template, "Subject, for email"),
            new("body", InputKind.Template, "Message text", Required: true),
            new("url", InputKind.Template, "Address, for webhook"),
            Inputs.Retry,
        ],
        [new("done", "Sent")], null, "mail");

    public override IEnumerable<StepIssue> Check(StepDefinition step)
    {
        var channel = StringOf(step.Properties, "channel");
        if (channel == "email" && step.Properties["to"] is null)
            yield return new("to", "an email needs recipients");
        if (channel == "webhook" && step.Properties["url"] is null)
            yield return new("url", "a webhook needs a url");
        if (channel == "webhook" && StringOf(step.Properties, "url") is { } url && WebAddress.ProblemOfTemplate(url) is { } problem)
            yield return new("url", problem);
    }
}
