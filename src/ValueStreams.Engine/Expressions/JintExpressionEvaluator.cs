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
/// Runs step JavaScript with Jint: strict mode, no CLR access, no <c>eval</c> or <c>new Function</c>, and only
/// <c>vars</c>, <c>input</c>, <c>outputs</c> and <c>outcomes</c> (parsed from JSON afresh for every call, never spliced into code)
/// besides the standard built-ins. The evaluations of one scope (one run of one instance) share an engine,
/// kept in <see cref="ExpressionScope.EvaluatorState"/>: each call runs in a block of its own, so declarations
/// never meet, and an engine whose globals a call changed, or whose call failed, is replaced. Stateless
/// apart from its limits, so one instance serves all threads.
/// </summary>
public sealed partial class JintExpressionEvaluator(ExpressionLimits limits, TimeProvider clock) : IExpressionEvaluator
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

    public JintExpressionEvaluator(ExpressionLimits limits) : this(limits, TimeProvider.System)
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
            sandbox = scope.EvaluatorState as Sandbox;
            if (sandbox is null || sandbox.Limits != Limits)
            {
                scope.Dispose();
                sandbox = new Sandbox(Limits, clock);
                scope.EvaluatorState = sandbox;
            }
            sandbox.Enter(scope);
            var result = work(sandbox);
            if (!sandbox.Leave())
                scope.Dispose(); // the call left something behind in the engine: the next one starts afresh
            return result;
        }
        catch (ExpressionException)
        {
            scope.Dispose();
            throw;
        }
        catch (Exception ex)
        {
            // Described while the sandbox is still armed: reading a thrown error's name may run script.
            var message = sandbox?.Describe(ex) ?? $"the {kind}'s scope could not be given to the engine: {Sandbox.Describe(ex, Limits)}";
            scope.Dispose();
            throw new ExpressionException(message, ex);
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

    /// <summary>
    /// One engine for the calls of one scope: between <see cref="Enter"/> and <see cref="Leave"/> it holds the
    /// scope's values and the call's deadline is armed.
    /// </summary>
    private sealed class Sandbox : IDisposable
    {
        /// <summary>Every call's code runs inside a block, so its <c>let</c>, <c>const</c> and <c>class</c> stay its own.</summary>
        private const string BlockOpen = "{";
        private const string BlockClose = "\n}";

        private readonly ExpressionLimits _limits;
        private readonly JsEngine _engine;
        private readonly OperationDeadlineConstraint _deadline = new();
        private readonly JsValue _stringify;
        private readonly uint _maxArraySize;
        private readonly int _globalCount;
        private bool _wrapped;

        public ExpressionLimits Limits => _limits;

        public Sandbox(ExpressionLimits limits, TimeProvider clock)
        {
            _limits = limits;
            _maxArraySize = limits.MemoryBytes > 0 ? (uint)Math.Min(limits.MemoryBytes / IntPtr.Size, uint.MaxValue - 1) : uint.MaxValue;
            _engine = new JsEngine(options =>
            {
                options.Strict = true;
                options.Culture = CultureInfo.InvariantCulture;
                options.TimeSystem = new ClockTimeSystem(clock);
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
                foreach (var name in ScopeNames)
                    _engine.SetValue(name, JsValue.Null);
                _globalCount = _engine.Global.GetOwnPropertyKeys().Count;
            }
            catch
            {
                _engine.Dispose();
                throw;
            }
        }

        private static readonly string[] ScopeNames = ["vars", "input", "outputs", "outcomes"];

        /// <summary>Gives the engine the scope's current values and arms the call's deadline.</summary>
        public void Enter(ExpressionScope scope)
        {
            _wrapped = false;
            _deadline.Begin(_limits.Timeout > TimeSpan.Zero ? _limits.Timeout : System.Threading.Timeout.InfiniteTimeSpan, CancellationToken.None);
            _engine.SetValue("vars", Parse(scope.Variables));
            _engine.SetValue("input", Parse(scope.Input));
            _engine.SetValue("outputs", Parse(scope.Outputs));
            _engine.SetValue("outcomes", Outcomes(scope.Outputs));
        }

        /// <summary><c>outcomes.review</c>: the outcome each step that has one left by (<c>outputs.review.outcome</c>), by step id.</summary>
        private JsObject Outcomes(JsonObject outputs)
        {
            var outcomes = new JsObject(_engine);
            foreach (var (stepId, output) in outputs)
                if (output is JsonObject fields && fields["outcome"] is JsonValue outcome && outcome.TryGetValue<string>(out var text))
                    outcomes.FastSetDataProperty(stepId, JsString.Create(text));
            return outcomes;
        }

        /// <summary>Disarms the deadline; false when the call added or removed a global, so the engine must not serve again.</summary>
        public bool Leave()
        {
            _deadline.End();
            return _engine.Global.GetOwnPropertyKeys().Count == _globalCount;
        }

        /// <summary>
        /// A JSON value as a fresh JavaScript value, built as <c>JSON.parse</c> would build it (own data properties,
        /// even one named <c>__proto__</c>): data is copied, never turned into code, and never shared between calls.
        /// </summary>
        private JsValue Parse(JsonNode? node, int depth = 0)
        {
            if (depth > MaxDepth)
                throw new ExpressionException(Invariant($"the scope nests deeper than {MaxDepth} levels"));
            switch (node)
            {
                case null:
                    return JsValue.Null;
                case JsonObject fields:
                    var target = new JsObject(_engine);
                    foreach (var (name, value) in fields)
                        target.FastSetDataProperty(name, Parse(value, depth + 1));
                    return target;
                case JsonArray items:
                    var values = new JsValue[items.Count];
                    for (var i = 0; i < values.Length; i++)
                        values[i] = Parse(items[i], depth + 1);
                    return new JsArray(_engine, values);
                default:
                    var scalar = node.AsValue();
                    return scalar.GetValueKind() switch
                    {
                        JsonValueKind.String when scalar.TryGetValue<string>(out var text) => JsString.Create(text),
                        JsonValueKind.Number when scalar.TryGetValue<double>(out var number) && double.IsFinite(number) => JsNumber.Create(number),
                        JsonValueKind.True => JsBoolean.True,
                        JsonValueKind.False => JsBoolean.False,
                        JsonValueKind.Null => JsValue.Null,
                        // Anything else (a value held as another .NET type) goes through its JSON text.
                        _ => new JsonParser(_engine).Parse(scalar.ToJsonString()),
                    };
            }
        }

        private const int MaxDepth = 256;

        public JsValue Evaluate(string expression)
        {
            // An object literal written bare ({ a: 1 }) would run as a block; evaluate it as the expression it parses as.
            _wrapped = expression.AsSpan().TrimStart().StartsWith("{") && ParsesAsExpression(expression);
            var code = BlockOpen + (_wrapped ? "(" + expression + "\n)" : expression) + BlockClose;
            // Code that does not parse runs unprepared, so its error is raised and described as the engine reports it.
            return PreparedScripts.Get(code) is { } prepared
                ? Metered(() => _engine.Evaluate(prepared))
                : Metered(() => _engine.Evaluate(code));
        }

        public void Execute(string script)
        {
            _wrapped = false;
            var code = BlockOpen + script + BlockClose;
            if (PreparedScripts.Get(code) is { } prepared)
                Metered(() => _engine.Execute(prepared));
            else
                Metered(() => _engine.Execute(code));
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
            var column = start.Column + 1 - (start.Line == 1 ? BlockOpen.Length + (_wrapped ? 1 : 0) : 0);
            return Invariant($"{text} (line {start.Line}, column {column})");
        }

        public void Dispose()
        {
            _deadline.End();
            _engine.Dispose();
        }
    }
}
