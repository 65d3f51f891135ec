using System.Text;

namespace ValueStreams.Benchmarks.Engine;

/// <summary>The two value streams the benchmark imports through <c>POST /api/value-streams/import</c>.</summary>
internal static class Streams
{
    public const string AutomatedId = "bench-automated-ten-steps";
    public const string TaskToTaskId = "bench-task-to-task";

    /// <summary>
    /// start → 8 automated steps → end, all in one run: set-variables, script, create-record, twice over, then
    /// set-variables and the value milestone (the validator requires one). Seven steps run JavaScript through the
    /// sandbox; two write a record.
    /// </summary>
    public static string Automated()
    {
        var steps = new List<string>
        {
            """{ "id": "start", "type": "start", "name": "Start", "roles": ["agent"], "trigger": "api", "position": { "x": 0, "y": 0 } }""",
        };
        var kinds = new[] { "set", "script", "record", "set", "script", "record", "set", "milestone" };
        var counts = new Dictionary<string, int>();
        var ids = new List<string> { "start" };
        foreach (var kind in kinds)
        {
            var n = counts[kind] = counts.GetValueOrDefault(kind) + 1;
            var id = $"{kind}-{n}";
            var x = ids.Count * 200;
            steps.Add(kind switch
            {
                "set" => $$"""
                    { "id": "{{id}}", "type": "set-variables", "name": "Set variables {{n}}",
                      "valueChainActivities": ["deliver-and-support"], "practices": ["service-request-management"],
                      "assignments": [
                        { "variable": "count", "expression": "vars.count + {{n}}" },
                        { "variable": "summary", "expression": "'request ' + vars.count + ' of ' + (input.requester || 'nobody')" }
                      ],
                      "position": { "x": {{x}}, "y": 0 } }
                    """,
                "script" => $$"""
                    { "id": "{{id}}", "type": "script", "name": "Script {{n}}",
                      "valueChainActivities": ["deliver-and-support"], "practices": ["service-request-management"],
                      "script": "vars.count = vars.count * 2; vars.history = (vars.history || []).concat([vars.summary]);",
                      "position": { "x": {{x}}, "y": 0 } }
                    """,
                "milestone" => $$"""
                    { "id": "{{id}}", "type": "milestone", "name": "Request fulfilled", "roles": ["agent"],
                      "value": "The request is fulfilled.", "position": { "x": {{x}}, "y": 0 } }
                    """,
                _ => $$"""
                    { "id": "{{id}}", "type": "create-record", "name": "Create record {{n}}",
                      "valueChainActivities": ["deliver-and-support"], "practices": ["service-request-management"],
                      "recordType": "request",
                      "values": [
                        { "field": "title", "expression": "vars.summary" },
                        { "field": "count", "expression": "vars.count" }
                      ],
                      "resultVariable": "record{{n}}",
                      "position": { "x": {{x}}, "y": 0 } }
                    """,
            });
            ids.Add(id);
        }
        steps.Add($$"""{ "id": "end", "type": "end", "name": "End", "position": { "x": {{ids.Count * 200}}, "y": 0 } }""");
        ids.Add("end");

        var connections = new StringBuilder();
        for (var i = 0; i + 1 < ids.Count; i++)
            connections.Append(i == 0 ? "" : ",\n    ").Append($$"""{ "from": "{{ids[i]}}", "to": "{{ids[i + 1]}}" }""");

        return $$"""
            {
              "id": "{{AutomatedId}}",
              "name": "Benchmark: ten automated steps",
              "description": "Start, eight automated steps (set variables, script, create record twice over, set variables, a value milestone) and an end: one run from start to end.",
              "variables": [
                { "name": "count", "type": "number", "default": 1 },
                { "name": "summary", "type": "string", "default": "" },
                { "name": "history", "type": "list", "default": [] },
                { "name": "record1", "type": "string", "default": "" },
                { "name": "record2", "type": "string", "default": "" }
              ],
              "roles": [ { "id": "agent", "name": "Service desk agent", "group": "service-desk" } ],
              "steps": [
                {{string.Join(",\n    ", steps)}}
              ],
              "connections": [
                {{connections}}
              ]
            }
            """;
    }

    /// <summary>
    /// start → human task A → human task B → value milestone → end; both tasks for the group service-desk, no form.
    /// (The validator requires a value milestone; it runs after B, in the run that B's completion starts.)
    /// </summary>
    public static string TaskToTask() =>
        $$"""
        {
          "id": "{{TaskToTaskId}}",
          "name": "Benchmark: task to task",
          "description": "Two human tasks in a row for the service desk: completing the first creates the second in the same transaction.",
          "roles": [ { "id": "agent", "name": "Service desk agent", "group": "service-desk" } ],
          "steps": [
            { "id": "start", "type": "start", "name": "Start", "roles": ["agent"], "trigger": "api", "position": { "x": 0, "y": 0 } },
            { "id": "task-a", "type": "human-task", "name": "Task A", "valueChainActivities": ["deliver-and-support"],
              "practices": ["service-desk"], "roles": ["agent"], "title": "Task A", "group": "service-desk",
              "outcomes": [ { "id": "done", "label": "Done" } ], "position": { "x": 200, "y": 0 } },
            { "id": "task-b", "type": "human-task", "name": "Task B", "valueChainActivities": ["deliver-and-support"],
              "practices": ["service-desk"], "roles": ["agent"], "title": "Task B", "group": "service-desk",
              "outcomes": [ { "id": "done", "label": "Done" } ], "position": { "x": 400, "y": 0 } },
            { "id": "served", "type": "milestone", "name": "Served", "roles": ["agent"], "value": "Both tasks are done.",
              "position": { "x": 600, "y": 0 } },
            { "id": "end", "type": "end", "name": "End", "position": { "x": 800, "y": 0 } }
          ],
          "connections": [
            { "from": "start", "to": "task-a" },
            { "from": "task-a", "port": "done", "to": "task-b" },
            { "from": "task-b", "port": "done", "to": "served" },
            { "from": "served", "to": "end" }
          ]
        }
        """;
}
