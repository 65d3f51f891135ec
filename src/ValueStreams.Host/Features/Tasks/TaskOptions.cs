namespace ValueStreams.Host.Features.Tasks;

/// <summary>Settings of task handling (<c>ValueStreams:Tasks</c>).</summary>
public sealed class TaskOptions
{
    public const string Section = "ValueStreams:Tasks";

    /// <summary>A group any task may be escalated to, besides its step's <c>sla.escalateTo</c> group.</summary>
    public string? EscalationGroup { get; set; }
}
