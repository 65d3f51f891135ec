namespace ValueStreams.Host.Features.Notifications;

/// <summary>Settings bound from <c>ValueStreams:Mail</c>. Without an SMTP host, mail goes to a pickup folder as .eml files.</summary>
public sealed class MailOptions
{
    public const string Section = "ValueStreams:Mail";

    public string From { get; set; } = "valuestreams@localhost";
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 25;
    public bool SmtpSsl { get; set; }
    public string? SmtpUser { get; set; }
    public string? SmtpPassword { get; set; }

    /// <summary>Folder for .eml files when no SMTP host is set; relative to the data directory. Default <c>mail</c>.</summary>
    public string PickupDirectory { get; set; } = "mail";
}
