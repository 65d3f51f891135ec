using System.Net;
using System.Net.Http.Json;
using System.Net.Mail;
using ValueStreams.Core.Outbound;
using ValueStreams.Data.Notifications;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Host.Features.Notifications;

/// <summary>
/// Delivers notify-step messages (email by SMTP or pickup folder; webhooks by HTTP POST) after the run
/// commits, and emails the new-task notifications that runs wrote, a batch a minute.
/// </summary>
public sealed class PeopleNotifier(
    NotificationRepository notifications, MailOptions mail, StoreLocation store,
    IHttpClientFactory http, ILogger<PeopleNotifier> logger) : IPeopleNotifier
{
    public async Task DeliverMessageAsync(string messageId, CancellationToken cancellationToken)
    {
        var message = await notifications.PendingMessageAsync(messageId, cancellationToken);
        if (message is null)
            return;
        string? error = null;
        try
        {
            if (message.Channel == "webhook" && WebAddress.ProblemOf(message.Url ?? "") is { } problem)
            {
                error = $"the address {problem}";
            }
            else if (message.Channel == "webhook")
            {
                using var client = http.CreateClient("webhooks");
                client.Timeout = TimeSpan.FromSeconds(30);
                var response = await client.PostAsJsonAsync(message.Url, new { subject = message.Subject, body = message.Body, instanceId = message.InstanceId }, cancellationToken);
                if (!response.IsSuccessStatusCode)
                    error = $"the webhook answered {(int)response.StatusCode}";
            }
            else
            {
                await SendMailAsync(message.Recipient ?? "", message.Subject ?? "", message.Body, cancellationToken);
            }
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Any failure is the message's, recorded with it; a job that threw would be retried and then dropped.
            error = ex.Message;
        }
        if (error is not null)
            logger.LogWarning("Message {MessageId} ({Channel}) was not delivered: {Error}", messageId, message.Channel, error);
        await notifications.MarkMessageAsync(messageId, error, cancellationToken);
    }

    public async Task EmailNotificationsAsync(CancellationToken cancellationToken)
    {
        var pending = await notifications.UnemailedAsync(500, cancellationToken);
        var done = new List<string>();
        foreach (var notice in pending)
        {
            try
            {
                if (!string.IsNullOrEmpty(notice.Email))
                    await SendMailAsync(notice.Email, notice.Text,
                        $"{notice.Text}\n\nOpen it in your inbox: /tasks/{notice.TaskId}\n", cancellationToken);
                done.Add(notice.Id);
            }
            catch (Exception ex) when (ex is SmtpException or FormatException or InvalidOperationException)
            {
                logger.LogWarning("Could not email {User} about {Notice}: {Error}", notice.Username, notice.Id, ex.Message);
            }
        }
        if (done.Count > 0)
            await notifications.MarkEmailedAsync(done, cancellationToken);
    }

    private async Task SendMailAsync(string to, string subject, string body, CancellationToken cancellationToken)
    {
        using var message = new MailMessage(mail.From, to, subject, body);
        using var client = new SmtpClient();
        if (string.IsNullOrWhiteSpace(mail.SmtpHost))
        {
            var folder = Path.Combine(store.DataDirectory, mail.PickupDirectory);
            Directory.CreateDirectory(folder);
            client.DeliveryMethod = SmtpDeliveryMethod.SpecifiedPickupDirectory;
            client.PickupDirectoryLocation = folder;
        }
        else
        {
            client.Host = mail.SmtpHost;
            client.Port = mail.SmtpPort;
            client.EnableSsl = mail.SmtpSsl;
            if (mail.SmtpUser is not null)
                client.Credentials = new NetworkCredential(mail.SmtpUser, mail.SmtpPassword);
        }
        await client.SendMailAsync(message, cancellationToken);
    }
}
