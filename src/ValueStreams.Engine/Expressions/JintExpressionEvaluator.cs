using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Acornima;
using Jint;
using Jint.Constraints;
using Jint.Native;
using Jint.Native.Json;
using Jint.Runtime;
using JsEngine = Jint.Engine;

namespace ValueStreams.Engine.Expressions;

/// <summary>
/// Runs step JavaScript with Jint: a fresh engine per call, strict mode, no CLR access, no <c>eval</c> or
/// <c>new Function</c>, and only <c>vars</c>, <c>input</c> and <c>outputs</c> (parsed from JSON, never spliced
/// into code) besides the standard built-ins. Stateless apart from its limits, so one instance serves all threads.
/// </summary>
public sealed partial class JintExpressionEvaluator(ExpressionLimits limits) : IExpressionEvaluator
{
    private const string Open = "{{";
    private const string Close = "}}";

    /// <summary>
    /// Built-ins taken out of every engine: <c>Atomics.wait</c> blocks the thread past any timeout, binary buffers
    /// allocate gigabytes in one statement (before the memory limit's next check) and hold nothing JSON can carry,
    /// and the rest observe the garbage collector or open a second realm.
    /// </summary>
    private static readonly string[] RemovedGlobals =
    [
        "Atomics", "SharedArrayBuffer", "ArrayBuffer", "DataView", "TypedArray",
        "Int8Array", "Uint8Array", "Uint8ClampedArray", "Int16Array", "Uint16Array", "Int32Array", "Uint32Array",
        "Float16Array", "Float32Array", "Float64Array", "BigInt64Array", "BigUint64Array",
        "ShadowRealm", "WeakRef", "FinalizationRegistry",
    ];

    public JintExpressionEvaluator() : this(new ExpressionLimits())
    {
    }

    public ExpressionLimits Limits { get; } = limits;

    public bool EvaluateCondition(string expression, ExpressionScope scope) =>
        Run("expression", expression, scope, sandbox => TypeConverter.ToBoolean(sandbox.Evaluate(expression)));

    public JsonNode? EvaluateValue(string expression, ExpressionScope scope) =>
        Run("expression", expression, scope, sandbox =>
            sandbox.ToJson(sandbox.Evaluate(expression), "the expression's value") is { } json ? JsonNode.Parse(json) : null);

    public void RunScript(string script, ExpressionScope scope) =>
        Run("script", script, scope, sandbox =>
        {
            sandbox.Execute(script);
            var json = sandbox.ToJson(sandbox.ReadVars(), "vars");
            if (JsonNode.Parse(json ?? "null") is not JsonObject variables)
                throw new ExpressionException($"the script replaced vars with {Kind(json)}; vars must stay an object");
            scope.Variables.Clear();
            foreach (var (name, value) in variables.ToList())
            {
                variables.Remove(name);
                scope.Variables[name] = value;
            }
            return scope.Variables;
        });

    public string RenderTemplate(string template, ExpressionScope scope)
    {
        // Only templates with a complete placeholder pay for an engine.
        CheckLength("template", template);
        var first = template.IndexOf(Open, StringComparison.Ordinal);
        if (first < 0 || template.IndexOf(Close, first + Open.Length, StringComparison.Ordinal) < 0)
            return template;

        return Run("template", template, scope, sandbox =>
        {
            var text = new StringBuilder(template.Length);
            var at = 0;
            int open, close;
            while ((open = template.IndexOf(Open, at, StringComparison.Ordinal)) >= 0
                   && (close = template.IndexOf(Close, open + Open.Length, StringComparison.Ordinal)) >= 0)
            {
                text.Append(template, at, open - at);
                var expression = template[(open + Open.Length)..close];
                var where = $"in {Open} {Shorten(expression.Trim())} {Close}";
                try
                {
                    text.Append(sandbox.Text(expression, where));
                }
                catch (ExpressionException ex)
                {
                    throw new ExpressionException($"{where}: {ex.Message}", ex.InnerException);
                }
                catch (Exception ex)
                {
                    throw new ExpressionException($"{where}: {sandbox.Describe(ex)}", ex);
                }
                at = close + Close.Length;
            }
            text.Append(template, at, template.Length - at);
            var rendered = text.ToString();
            if (Limits.MaxResultBytes > 0 && Encoding.UTF8.GetByteCount(rendered) > Limits.MaxResultBytes)
                throw new ExpressionException($"the rendered template is larger than {Bytes(Limits.MaxResultBytes)}");
            return rendered;
        });
    }

    private T Run<T>(string kind, string? code, ExpressionScope scope, Func<Sandbox, T> work)
    {
        ArgumentNullException.ThrowIfNull(scope);
        CheckLength(kind, code);
        Sandbox? sandbox = null;
        try
        {
            sandbox = new Sandbox(Limits, scope);
            return work(sandbox);
        }
        catch (ExpressionException)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Described while the sandbox is still armed: reading a thrown error's name may run script.
            throw new ExpressionException(sandbox?.Describe(ex) ?? $"the {kind}'s scope could not be given to the engine: {Sandbox.Describe(ex, Limits)}", ex);
        }
        finally
        {
            sandbox?.Dispose();
        }
    }

    private void CheckLength(string kind, string? code)
    {
        if (code is null)
            throw new ExpressionException($"there is no {kind}");
        if (Limits.MaxScriptLength > 0 && code.Length > Limits.MaxScriptLength)
            throw new ExpressionException(Invariant($"the {kind} is {code.Length:N0} characters long; at most {Limits.MaxScriptLength:N0} are allowed"));
    }

    private static string Kind(string? json) => json switch
    {
        null or "null" => "null",
        ['[', ..] => "an array",
        ['"', ..] => "a string",
        "true" or "false" => "a boolean",
        _ => "a number",
    };

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..57] + "...";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private static string Bytes(long bytes) => bytes switch
    {
        _ when bytes % (1024 * 1024) == 0 => Invariant($"{bytes / (1024 * 1024):N0} MB"),
        _ when bytes % 1024 == 0 => Invariant($"{bytes / 1024:N0} KB"),
        _ => Invariant($"{bytes:N0} bytes"),
    };

    private static string Duration(TimeSpan time) => time.TotalSeconds >= 1
        ? Invariant($"{time.TotalSeconds:0.###} s")
        : Invariant($"{time.TotalMilliseconds:0.###} ms");

    [GeneratedRegex(@"\s*\([^()\r\n]*:\d+:\d+\)$")]
    private static partial Regex TrailingPosition();

    /// <summary>
    /// Parsed scripts, shared by every sandbox: a stream version's expressions are parsed once, not on
    /// every run. Code that does not parse is not cached: it runs unprepared so its error reads as usual. Bounded: cleared when full.
    /// </summary>
    private static class PreparedScripts
    {
        private const int Capacity = 10_000;
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Prepared<Acornima.Ast.Script>> Cache = new(StringComparer.Ordinal);

        public static Prepared<Acornima.Ast.Script>? Get(string code)
        {
            if (Cache.TryGetValue(code, out var prepared))
                return prepared;
            try
            {
                prepared = JsEngine.PrepareScript(code, strict: true);
            }
            catch (Exception)
            {
                return null;
            }
            if (Cache.Count >= Capacity)
                Cache.Clear();
            Cache.TryAdd(code, prepared);
            return prepared;
        }
    }

    /// <summary>One engine for one call, with the scope in it and the call's deadline armed.</summary>
    private sealed class Sandbox : IDisposable
    {
        private readonly ExpressionLimits _limits;
        private readonly JsEngine _engine;
        private readonly OperationDeadlineConstraint _deadline = new();
        private readonly JsValue _stringify;
        private readonly uint _maxArraySize;
        private bool _wrapped;

        public Sandbox(ExpressionLimits limits, ExpressionScope scope)
        {
            _limits = limits;
            _maxArraySize = limits.MemoryBytes > 0 ? (uint)Math.Min(limits.MemoryBytes / IntPtr.Size, uint.MaxValue - 1) : uint.MaxValue;
            _engine = new JsEngine(options =>
            {
                options.Strict = true;
                options.Culture = CultureInfo.InvariantCulture;
                options.TimeZone = TimeZoneInfo.Utc;
                options.DisableStringCompilation();
                options.MaxStatements(limits.MaxStatements);
                options.LimitMemory(limits.MemoryBytes);
                options.LimitRecursion(limits.RecursionDepth > 0 ? limits.RecursionDepth : -1);
                // TimeoutInterval re-arms per engine entry; this deadline spans the whole call (a template's parts, JSON conversion).
                options.Constraint(_deadline);
                options.Constraints.StackOverflowGuard = true;
                options.Constraints.MaxArraySize = _maxArraySize;
                if (limits.Timeout > TimeSpan.Zero)
                    options.Constraints.RegexTimeout = limits.Timeout;
            });

            try
            {
                foreach (var name in RemovedGlobals)
                    _engine.Global.Delete(name);
                _stringify = _engine.Global.GetOwnProperty("JSON").Value.AsObject().GetOwnProperty("stringify").Value;

                _engine.SetValue("vars", Parse(scope.Variables));
                _engine.SetValue("input", Parse(scope.Input));
                _engine.SetValue("outputs", Parse(scope.Outputs));
            }
            catch
            {
                _engine.Dispose();
                throw;
            }
            _deadline.Begin(limits.Timeout > TimeSpan.Zero ? limits.Timeout : System.Threading.Timeout.InfiniteTimeSpan, CancellationToken.None);
        }

        /// <summary>JSON text goes through Jint's JSON parser, so a variable's text can never become code.</summary>
        private JsValue Parse(JsonNode? node) => new JsonParser(_engine).Parse(node?.ToJsonString() ?? "null");

        public JsValue Evaluate(string expression)
        {
            // An object literal written bare ({ a: 1 }) would run as a block; evaluate it as the expression it parses as.
            _wrapped = expression.AsSpan().TrimStart().StartsWith("{") && ParsesAsExpression(expression);
            var code = _wrapped ? "(" + expression + "\n)" : expression;
            // Code that does not parse runs unprepared, so its error is raised and described as the engine reports it.
            return PreparedScripts.Get(code) is { } prepared
                ? Metered(() => _engine.Evaluate(prepared))
                : Metered(() => _engine.Evaluate(code));
        }

        public void Execute(string script)
        {
            _wrapped = false;
            if (PreparedScripts.Get(script) is { } prepared)
                Metered(() => _engine.Execute(prepared));
            else
                Metered(() => _engine.Execute(script));
        }

        /// <summary>The <c>vars</c> binding, read without running a getter a script may have put in its place.</summary>
        public JsValue ReadVars()
        {
            var binding = _engine.Global.GetOwnProperty("vars");
            if (binding == Jint.Runtime.Descriptors.PropertyDescriptor.Undefined)
                throw new ExpressionException("the script removed vars; vars must stay an object");
            if (!binding.IsDataDescriptor())
                throw new ExpressionException("the script replaced vars with an accessor; vars must stay an object");
            return binding.Value;
        }

        /// <summary>The value as text for a template: strings as they are, null and undefined as nothing, the rest as JSON.</summary>
        public string Text(string expression, string where)
        {
            var value = Evaluate(expression);
            if (value.IsNull() || value.IsUndefined())
                return "";
            if (value is JsString text)
            {
                CheckSize(text.Length, where);
                return text.ToString();
            }
            var json = ToJson(value, "the value") ?? "";
            return json.StartsWith('"') ? JsonNode.Parse(json)!.GetValue<string>() : json;
        }

        /// <summary>The value's JSON text (as <c>JSON.stringify</c> gives it), or null when it has none.</summary>
        public string? ToJson(JsValue value, string what)
        {
            if (value.IsUndefined())
                return null;
            if (value.IsCallable())
                throw new ExpressionException($"{what} is a function, which has no JSON form");
            if (value.IsSymbol())
                throw new ExpressionException($"{what} is a symbol, which has no JSON form");
            if (value is JsString text)
                CheckSize(text.Length, what); // before copying it: at least one byte per character
            // The built-in captured before any script ran, so a script cannot replace the serializer.
            var json = Metered(() => _engine.Call(_stringify, value));
            if (json is not JsString result)
                return null;
            var serialized = result.ToString();
            CheckSize(Encoding.UTF8.GetByteCount(serialized), what);
            return serialized;
        }

        private void CheckSize(int bytes, string what)
        {
            if (_limits.MaxResultBytes > 0 && bytes > _limits.MaxResultBytes)
                throw new ExpressionException($"{what} is larger than {Bytes(_limits.MaxResultBytes)}");
        }

        /// <summary>
        /// Jint checks memory between statements, so one built-in call (<c>'x'.repeat(1e8)</c>) can overshoot
        /// unnoticed when it is the last; measuring the whole entry refuses the result instead.
        /// </summary>
        private TResult Metered<TResult>(Func<TResult> entry)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            var result = entry();
            if (_limits.MemoryBytes > 0 && GC.GetAllocatedBytesForCurrentThread() - before > _limits.MemoryBytes)
                throw new ExpressionException(MemoryMessage(_limits));
            return result;
        }

        private static bool ParsesAsExpression(string code)
        {
            try
            {
                new Parser().ParseExpression(code);
                return true;
            }
            catch (Exception ex) when (ex is ParseErrorException or InsufficientExecutionStackException)
            {
                return false;
            }
        }

        public string Describe(Exception ex) => ex switch
        {
            MemoryLimitExceededException when ex.Message.StartsWith("The array size", StringComparison.Ordinal) =>
                Invariant($"the script made an array larger than {_maxArraySize:N0} elements (the {Bytes(_limits.MemoryBytes)} memory limit)"),
            JavaScriptException js => DescribeError(js),
            _ => Describe(ex, _limits),
        };

        public static string Describe(Exception ex, ExpressionLimits limits) => ex switch
        {
            StatementsCountOverflowException => Invariant($"the script exceeded {limits.MaxStatements:N0} statements"),
            RegexMatchTimeoutException timeout => $"a regular expression ran longer than {Duration(timeout.MatchTimeout)} (timeout)",
            TimeoutException => $"the script ran longer than {Duration(limits.Timeout)} (timeout)",
            MemoryLimitExceededException or OutOfMemoryException => MemoryMessage(limits),
            RecursionDepthOverflowException => Invariant($"recursion deeper than {limits.RecursionDepth} calls"),
            InsufficientExecutionStackException => "the script nests too deeply",
            ExecutionCanceledException or OperationCanceledException => "the script was cancelled",
            ParseErrorException parse => $"SyntaxError: {parse.Message}",
            JavaScriptException js => js.Message,
            JsonException json => $"the value cannot be converted to JSON: {json.Message}",
            JintException jint => jint.Message,
            _ => $"the script failed ({ex.GetType().Name}: {ex.Message})",
        };

        private static string MemoryMessage(ExpressionLimits limits) =>
            limits.MemoryBytes > 0 ? $"the script used more than {Bytes(limits.MemoryBytes)} of memory" : "the script ran out of memory";

        /// <summary>"TypeError: Cannot read properties of null (reading 'x') (line 1, column 6)".</summary>
        private string DescribeError(JavaScriptException ex)
        {
            string text;
            if (ex.Error is JsError error)
            {
                try
                {
                    text = error.ToString(); // name and message, as "TypeError: ..."
                }
                catch (Exception)
                {
                    text = ex.Message;
                }
            }
            else if (ex.Error.IsPrimitive())
            {
                text = $"Uncaught {ex.Error}";
            }
            else
            {
                text = $"Uncaught {(ex.Message is "" or "undefined" ? "object" : ex.Message)}";
            }

            text = TrailingPosition().Replace(text, ""); // Jint's own "(<anonymous>:1:5)"; replaced by ours below
            var start = ex.Location.Start;
            if (start.Line <= 0)
                return text;
            var column = start.Column + 1 - (_wrapped && start.Line == 1 ? 1 : 0);
            return Invariant($"{text} (line {start.Line}, column {column})");
        }

        public void Dispose()
        {
            _deadline.End();
            _engine.Dispose();
        }
    }
}
