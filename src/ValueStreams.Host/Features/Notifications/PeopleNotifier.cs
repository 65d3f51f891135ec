using System.Net;
using System.Net.Http.Json;
using System.Net.Mail;
using ValueStreams.Data.Identity;
using ValueStreams.Data.Notifications;
using ValueStreams.Data.Runtime;
using ValueStreams.Data.Store;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Host.Features.Notifications;

/// <summary>
/// Delivers notify-step messages (email by SMTP or pickup folder; webhooks by HTTP POST) and tells the
/// people a new task is for, in the app and by email. Runs in Hangfire jobs after the run commits.
/// </summary>
public sealed class PeopleNotifier(
    NotificationRepository notifications, TaskRepository tasks, UserRepository users, MailOptions mail, StoreLocation store,
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
            if (message.Channel == "webhook")
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
        catch (Exception ex) when (ex is SmtpException or HttpRequestException or TaskCanceledException or FormatException or InvalidOperationException)
        {
            error = ex.Message;
        }
        if (error is not null)
            logger.LogWarning("Message {MessageId} ({Channel}) was not delivered: {Error}", messageId, message.Channel, error);
        await notifications.MarkMessageAsync(messageId, error, cancellationToken);
    }

    public async Task AnnounceTaskAsync(string taskId, CancellationToken cancellationToken)
    {
        var task = await tasks.FindAsync(taskId, cancellationToken);
        if (task is null || task.Status is "completed" or "cancelled")
            return;
        var recipients = task.Assignee is { } assignee
            ? [(assignee, (await users.FindAsync(assignee, cancellationToken))?.Email)]
            : task.Group is { } group ? await users.MembersOfAsync(group, cancellationToken) : [];
        var text = task.Assignee is null
            ? $"New task for {task.Group}: {task.Title}"
            : $"New task for you: {task.Title}";
        var fresh = await notifications.NotifyAboutTaskAsync(taskId, recipients.Select(r => r.Username), text, cancellationToken);
        foreach (var (username, email) in recipients.Where(r => fresh.Contains(r.Username) && !string.IsNullOrEmpty(r.Email)))
        {
            try
            {
                await SendMailAsync(email!, text, $"{text}\n\nDue: {task.DueAt?.ToString("u") ?? "no due time"}\nOpen it in your inbox: /tasks/{taskId}\n", cancellationToken);
            }
            catch (Exception ex) when (ex is SmtpException or FormatException or InvalidOperationException)
            {
                logger.LogWarning("Could not email {User} about task {TaskId}: {Error}", username, taskId, ex.Message);
            }
        }
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
