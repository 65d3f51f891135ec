namespace ValueStreams.ResilienceTests.Support;

/// <summary>The small value streams the resilience tests publish, in the value stream file format.</summary>
public static class Streams
{
    public const string ParallelId = "resilience-parallel";
    public const string TasksId = "resilience-tasks";
    public const string TimerId = "resilience-timer";
    public const string MomentId = "resilience-moment";

    /// <summary>
    /// Automated, with three parallel branches: a script, a variable assignment, and a one-second timer
    /// followed by a script (so Hangfire finishes each instance), joined (all) before a milestone.
    /// </summary>
    public const string Parallel = """
        {
          "id": "resilience-parallel",
          "name": "Resilience: parallel branches",
          "description": "Three automated branches, one behind a short timer, joined before the end.",
          "source": "Resilience tests",
          "variables": [],
          "roles": [
            { "id": "requester", "name": "Requester" }
          ],
          "steps": [
            { "id": "begin", "type": "start", "name": "Begin", "valueChainActivities": [], "practices": [], "roles": ["requester"], "trigger": "manual", "position": { "x": 0, "y": 0 } },
            { "id": "split", "type": "fork", "name": "Split", "valueChainActivities": [], "practices": [], "roles": [], "branches": ["left", "middle", "right"], "position": { "x": 100, "y": 0 } },
            { "id": "count-left", "type": "script", "name": "Count left", "valueChainActivities": ["deliver-and-support"], "practices": [], "roles": [], "script": "vars.a = (vars.a || 0) + 1;", "position": { "x": 200, "y": -100 } },
            { "id": "mark-middle", "type": "set-variables", "name": "Mark middle", "valueChainActivities": ["deliver-and-support"], "practices": [], "roles": [], "assignments": [{ "variable": "b", "expression": "(vars.b || 0) + 1" }], "position": { "x": 200, "y": 0 } },
            { "id": "pause-right", "type": "timer", "name": "Pause right", "valueChainActivities": [], "practices": [], "roles": [], "duration": "PT1S", "position": { "x": 200, "y": 100 } },
            { "id": "count-right", "type": "script", "name": "Count right", "valueChainActivities": ["deliver-and-support"], "practices": [], "roles": [], "script": "vars.c = (vars.c || 0) + 1;", "position": { "x": 300, "y": 100 } },
            { "id": "together", "type": "join", "name": "Together", "valueChainActivities": [], "practices": [], "roles": [], "mode": "all", "position": { "x": 400, "y": 0 } },
            { "id": "value", "type": "milestone", "name": "Value", "valueChainActivities": [], "practices": [], "roles": ["requester"], "value": "All three branches ran.", "position": { "x": 500, "y": 0 } },
            { "id": "finish", "type": "end", "name": "Finish", "valueChainActivities": [], "practices": [], "roles": [], "position": { "x": 600, "y": 0 } }
          ],
          "connections": [
            { "from": "begin", "to": "split" },
            { "from": "split", "port": "left", "to": "count-left" },
            { "from": "split", "port": "middle", "to": "mark-middle" },
            { "from": "split", "port": "right", "to": "pause-right" },
            { "from": "pause-right", "to": "count-right" },
            { "from": "count-left", "to": "together" },
            { "from": "mark-middle", "to": "together" },
            { "from": "count-right", "to": "together" },
            { "from": "together", "to": "value" },
            { "from": "value", "to": "finish" }
          ]
        }
        """;

    public static readonly string[] ParallelSteps =
        ["begin", "split", "count-left", "mark-middle", "pause-right", "count-right", "together", "value", "finish"];

    /// <summary>A human task for the service desk, a one-second timer, a second task, a milestone, the end.</summary>
    public const string Tasks = """
        {
          "id": "resilience-tasks",
          "name": "Resilience: tasks and a timer",
          "description": "Two service desk tasks with a short wait between them.",
          "source": "Resilience tests",
          "variables": [],
          "roles": [
            { "id": "requester", "name": "Requester" },
            { "id": "agent", "name": "Service desk agent", "group": "service-desk" }
          ],
          "steps": [
            { "id": "begin", "type": "start", "name": "Begin", "valueChainActivities": [], "practices": [], "roles": ["requester"], "trigger": "manual", "position": { "x": 0, "y": 0 } },
            { "id": "first-task", "type": "human-task", "name": "First task", "valueChainActivities": ["engage"], "practices": [], "roles": ["agent"], "title": "First task", "group": "service-desk", "outcomes": [{ "id": "done", "label": "Done" }], "position": { "x": 100, "y": 0 } },
            { "id": "pause", "type": "timer", "name": "Pause", "valueChainActivities": [], "practices": [], "roles": [], "duration": "PT1S", "position": { "x": 200, "y": 0 } },
            { "id": "second-task", "type": "human-task", "name": "Second task", "valueChainActivities": ["deliver-and-support"], "practices": [], "roles": ["agent"], "title": "Second task", "group": "service-desk", "outcomes": [{ "id": "done", "label": "Done" }], "position": { "x": 300, "y": 0 } },
            { "id": "value", "type": "milestone", "name": "Value", "valueChainActivities": [], "practices": [], "roles": ["requester"], "value": "Both tasks done.", "position": { "x": 400, "y": 0 } },
            { "id": "finish", "type": "end", "name": "Finish", "valueChainActivities": [], "practices": [], "roles": [], "position": { "x": 500, "y": 0 } }
          ],
          "connections": [
            { "from": "begin", "to": "first-task" },
            { "from": "first-task", "port": "done", "to": "pause" },
            { "from": "pause", "to": "second-task" },
            { "from": "second-task", "port": "done", "to": "value" },
            { "from": "value", "to": "finish" }
          ]
        }
        """;

    public static readonly string[] TasksSteps = ["begin", "first-task", "pause", "second-task", "value", "finish"];

    /// <summary>A timer that does not fall due during a test (fired on purpose), a counting script, a task, the end.</summary>
    public const string Timer = """
        {
          "id": "resilience-timer",
          "name": "Resilience: one timer",
          "description": "Waits two seconds; counts how often the path after the timer runs.",
          "source": "Resilience tests",
          "variables": [],
          "roles": [
            { "id": "requester", "name": "Requester" },
            { "id": "agent", "name": "Service desk agent", "group": "service-desk" }
          ],
          "steps": [
            { "id": "begin", "type": "start", "name": "Begin", "valueChainActivities": [], "practices": [], "roles": ["requester"], "trigger": "manual", "position": { "x": 0, "y": 0 } },
            { "id": "wait", "type": "timer", "name": "Wait", "valueChainActivities": [], "practices": [], "roles": [], "duration": "PT2S", "position": { "x": 100, "y": 0 } },
            { "id": "count", "type": "script", "name": "Count", "valueChainActivities": ["deliver-and-support"], "practices": [], "roles": [], "script": "vars.resumed = (vars.resumed || 0) + 1;", "position": { "x": 200, "y": 0 } },
            { "id": "follow-up", "type": "human-task", "name": "Follow up", "valueChainActivities": ["engage"], "practices": [], "roles": ["agent"], "title": "Follow up", "group": "service-desk", "outcomes": [{ "id": "done", "label": "Done" }], "position": { "x": 300, "y": 0 } },
            { "id": "value", "type": "milestone", "name": "Value", "valueChainActivities": [], "practices": [], "roles": ["requester"], "value": "Followed up once.", "position": { "x": 400, "y": 0 } },
            { "id": "finish", "type": "end", "name": "Finish", "valueChainActivities": [], "practices": [], "roles": [], "position": { "x": 500, "y": 0 } }
          ],
          "connections": [
            { "from": "begin", "to": "wait" },
            { "from": "wait", "to": "count" },
            { "from": "count", "to": "follow-up" },
            { "from": "follow-up", "port": "done", "to": "value" },
            { "from": "value", "to": "finish" }
          ]
        }
        """;

    /// <summary>A timer until the moment the input gives, then the end: one timer per instance, due when the test says.</summary>
    public const string Moment = """
        {
          "id": "resilience-moment",
          "name": "Resilience: a timer until a moment",
          "source": "Resilience tests",
          "variables": [{ "name": "dueAt", "type": "string" }],
          "roles": [{ "id": "requester", "name": "Requester" }],
          "steps": [
            { "id": "begin", "type": "start", "name": "Begin", "valueChainActivities": [], "practices": [], "roles": ["requester"], "trigger": "manual", "position": { "x": 0, "y": 0 } },
            { "id": "wait", "type": "timer", "name": "Wait", "valueChainActivities": [], "practices": [], "roles": [], "until": "vars.dueAt", "position": { "x": 100, "y": 0 } },
            { "id": "value", "type": "milestone", "name": "Value", "valueChainActivities": [], "practices": [], "roles": ["requester"], "value": "Waited until the moment.", "position": { "x": 200, "y": 0 } },
            { "id": "finish", "type": "end", "name": "Finish", "valueChainActivities": [], "practices": [], "roles": [], "position": { "x": 300, "y": 0 } }
          ],
          "connections": [
            { "from": "begin", "to": "wait" },
            { "from": "wait", "to": "value" },
            { "from": "value", "to": "finish" }
          ]
        }
        """;
}
