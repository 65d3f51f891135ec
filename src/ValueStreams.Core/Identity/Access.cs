namespace ValueStreams.Core.Identity;

/// <summary>
/// Who may call an endpoint or open a page: every endpoint and page declares exactly one (see docs/SECURITY.md).
/// The role rules are checked before the endpoint runs; the resource rules also need a signed-in caller, and the
/// endpoint then asks the instance visibility rule whether this caller may see the instance or task it names.
/// </summary>
public enum Access
{
    /// <summary>No sign-in needed: sign-in itself, health, the OpenAPI document, static files.</summary>
    Anonymous,

    /// <summary>Any signed-in user.</summary>
    SignedIn,

    /// <summary>Agents and admins.</summary>
    Agent,

    /// <summary>Process owners and admins.</summary>
    ProcessOwner,

    /// <summary>Admins only.</summary>
    Admin,

    /// <summary>Signed in, and a participant of the instance: its starter, a candidate of one of its tasks, or an admin.</summary>
    InstanceParticipant,

    /// <summary>Signed in, and named by the stream's start step as one who may start it (process owners and admins always may).</summary>
    StreamStarter,

    /// <summary>Signed in, and allowed to see the task's instance (as <see cref="InstanceParticipant"/>); acting on it needs a candidate of the task.</summary>
    TaskCandidate,
}
