using System.Text;
using System.Text.Json.Nodes;
using ValueStreams.Engine.Expressions;

namespace ValueStreams.Engine.Runtime;

/// <summary>
/// Makes the call of an http-request step outside any transaction: renders the request from the
/// instance's state, sends it (bounded time and size), then resumes the token by <c>done</c> or <c>failed</c>.
/// </summary>
public sealed class HttpStepRunner(IRunSessionFactory sessions, IExpressionEvaluator expressions, WorkflowEngine engine, HttpClient client)
{
    private const int MaxResponseBytes = 256 * 1024;

    private sealed record Prepared(HttpRequestMessage Request);

    public async Task RunAsync(string instanceId, string tokenId, CancellationToken cancellationToken)
    {
        var prepared = await sessions.RunAsync(async session =>
        {
            var instance = await session.LockInstanceAsync(instanceId);
            var token = instance?.Tokens.Find(t => t.WaitingFor == new Bookmark(Bookmark.Http, tokenId));
            if (instance is null || token is null)
                return null;
            var step = (await session.LoadDefinitionAsync(instance.ValueStreamId, instance.Version))!.FindStep(token.StepId)!;
            using var scope = new ExpressionScope(instance.Variables, instance.Input, instance.Outputs);
            var p = step.Properties;
            var request = new HttpRequestMessage(new HttpMethod(p["method"]!.GetValue<string>()), expressions.RenderTemplate(p["url"]!.GetValue<string>(), scope));
            foreach (var header in (p["headers"] as JsonArray ?? []).OfType<JsonObject>())
                request.Headers.TryAddWithoutValidation(header["name"]!.GetValue<string>(), expressions.RenderTemplate(header["value"]!.GetValue<string>(), scope));
            if (p["body"] is JsonValue body)
                request.Content = new StringContent(expressions.RenderTemplate(body.GetValue<string>(), scope), Encoding.UTF8, "application/json");
            return new Prepared(request);
        }, cancellationToken);
        if (prepared is null)
            return;

        JsonObject response;
        bool succeeded;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            using var reply = await client.SendAsync(prepared.Request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
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
            succeeded = reply.IsSuccessStatusCode;
            response = new JsonObject { ["status"] = (int)reply.StatusCode, ["body"] = parsed };
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or InvalidOperationException)
        {
            succeeded = false;
            response = new JsonObject { ["status"] = null, ["error"] = ex.Message };
        }
        await engine.ResumeAfterHttpAsync(instanceId, tokenId, succeeded, response, cancellationToken);
    }

    /// <summary>What went wrong with a call, from the response the runner recorded: its status, or why there was none.</summary>
    public static string FailureOf(JsonNode? response) => response?["status"] is JsonValue status
        ? $"the endpoint answered HTTP {status.ToJsonString()}"
        : $"no response: {response?["error"]?.GetValue<string>() ?? "the call did not complete"}";
}
