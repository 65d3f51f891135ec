using System.Text;
using System.Text.Json.Nodes;
using ValueStreams.Core.Outbound;
using ValueStreams.Engine.Expressions;

namespace ValueStreams.Engine.Runtime;

/// <summary>
/// Makes the call of an http-request step outside any transaction: renders the request from the
/// instance's state, sends it (bounded time and size), then resumes the token by <c>done</c> or <c>failed</c>.
/// </summary>
public sealed class HttpStepRunner(IRunSessionFactory sessions, IExpressionEvaluator expressions, WorkflowEngine engine, HttpClient client)
{
    private const int MaxResponseBytes = 256 * 1024;

    /// <summary>The request to send, or why none can be sent (an address that is not one, an expression that fails).</summary>
    private sealed record Prepared(HttpRequestMessage? Request, string? Problem);

    public async Task RunAsync(string instanceId, string tokenId, CancellationToken cancellationToken)
    {
        var prepared = await PrepareAsync(instanceId, tokenId, cancellationToken);
        if (prepared is null)
            return;
        var (succeeded, response) = prepared.Request is { } request
            ? await SendAsync(request, cancellationToken)
            : (false, NoResponse(prepared.Problem!));
        await engine.ResumeAfterHttpAsync(instanceId, tokenId, succeeded, response, cancellationToken);
    }

    private Task<Prepared?> PrepareAsync(string instanceId, string tokenId, CancellationToken cancellationToken) =>
        sessions.RunAsync(async session =>
        {
            var instance = await session.LockInstanceAsync(instanceId);
            var token = instance?.Tokens.Find(t => t.WaitingFor == new Bookmark(Bookmark.Http, tokenId));
            if (instance is null || token is null)
                return null;
            var step = (await session.LoadDefinitionAsync(instance.ValueStreamId, instance.Version))!.FindStep(token.StepId)!;
            using var scope = new ExpressionScope(instance.Variables, instance.Input, instance.Outputs);
            var p = step.Properties;
            try
            {
                var url = expressions.RenderTemplate(p["url"]!.GetValue<string>(), scope);
                if (WebAddress.ProblemOf(url) is { } problem)
                    return new Prepared(null, $"the address {problem}");
                var request = new HttpRequestMessage(new HttpMethod(p["method"]!.GetValue<string>()), url);
                foreach (var header in (p["headers"] as JsonArray ?? []).OfType<JsonObject>())
                    request.Headers.TryAddWithoutValidation(header["name"]!.GetValue<string>(), expressions.RenderTemplate(header["value"]!.GetValue<string>(), scope));
                if (p["body"] is JsonValue body)
                    request.Content = new StringContent(expressions.RenderTemplate(body.GetValue<string>(), scope), Encoding.UTF8, "application/json");
                return new Prepared(request, null);
            }
            catch (Exception ex) when (ex is ExpressionException or FormatException or ArgumentException or InvalidOperationException)
            {
                return new Prepared(null, $"the request could not be made: {ex.Message}");
            }
        }, cancellationToken);

    /// <summary>
    /// Sends the request (bounded time and size). Whatever goes wrong on the way is the call's failure, recorded with the
    /// step, never the job's: a job that threw would be retried and given up by the scheduler, stranding the instance.
    /// Only the host shutting down ends the job early, and the scheduler runs it again.
    /// </summary>
    private async Task<(bool Succeeded, JsonObject Response)> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            using var reply = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var buffer = new byte[MaxResponseBytes];
            var length = 0;
            await using (var stream = await reply.Content.ReadAsStreamAsync(timeout.Token))
            {
                int read;
                while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), timeout.Token)) > 0)
                    length += read;
            }
            var text = Encoding.UTF8.GetString(buffer, 0, length);
            JsonNode? parsed;
            try { parsed = JsonNode.Parse(text); }
            catch (System.Text.Json.JsonException) { parsed = text; }
            return (reply.IsSuccessStatusCode, new JsonObject { ["status"] = (int)reply.StatusCode, ["body"] = parsed });
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, NoResponse(Reason(ex)));
        }
        finally
        {
            request.Dispose();
        }
    }

    private static JsonObject NoResponse(string error) => new() { ["status"] = null, ["error"] = error };

    /// <summary>The messages of an exception and its causes, which say why a connection was refused or failed.</summary>
    private static string Reason(Exception failure)
    {
        var messages = new List<string>();
        for (var cause = failure; cause is not null; cause = cause.InnerException)
            if (!messages.Contains(cause.Message))
                messages.Add(cause.Message);
        return string.Join(": ", messages);
    }

    /// <summary>What went wrong with a call, from the response the runner recorded: its status, or why there was none.</summary>
    public static string FailureOf(JsonNode? response) => response?["status"] is JsonValue status
        ? $"the endpoint answered HTTP {status.ToJsonString()}"
        : $"no response: {response?["error"]?.GetValue<string>() ?? "the call did not complete"}";
}
