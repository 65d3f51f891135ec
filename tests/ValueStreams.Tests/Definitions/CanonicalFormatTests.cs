using ValueStreams.Core.Definitions;
using ValueStreams.Core.Definitions.Format;

namespace ValueStreams.Tests.Definitions;

public sealed class CanonicalFormatTests
{
    internal const string Sample = """
        {
          "$schema": "schema/value-stream.schema.json",
          "id": "password-reset",
          "name": "Password reset",
          "description": "A user who cannot sign in gets a new password.",
          "source": "Example",
          "variables": [
            {
              "name": "urgent",
              "type": "boolean",
              "default": false
            }
          ],
          "roles": [
            { "id": "user", "name": "User" },
            { "id": "service-desk-agent", "name": "Service desk agent", "group": "service-desk" }
          ],
          "steps": [
            {
              "id": "request",
              "type": "start",
              "name": "User cannot sign in",
              "valueChainActivities": [],
              "practices": [],
              "roles": ["user"],
              "trigger": "manual",
              "position": { "x": 0, "y": 0 }
            },
            {
              "id": "reset",
              "type": "human-task",
              "name": "Reset the password",
              "valueChainActivities": ["engage", "deliver-and-support"],
              "practices": ["service-desk", "service-request-management"],
              "roles": ["service-desk-agent"],
              "title": "Reset password for {{ vars.user }}",
              "group": "service-desk",
              "form": [
                {
                  "name": "verified",
                  "label": "Identity verified",
                  "type": "checkbox",
                  "required": true
                }
              ],
              "outcomes": [
                {
                  "id": "reset",
                  "label": "Password reset"
                },
                {
                  "id": "refused",
                  "label": "Refused"
                }
              ],
              "position": { "x": 240, "y": 0 }
            },
            {
              "id": "working",
              "type": "milestone",
              "name": "User works again",
              "valueChainActivities": [],
              "practices": [],
              "roles": ["user"],
              "value": "The user can sign in and work.",
              "position": { "x": 480, "y": 0 }
            },
            {
              "id": "done",
              "type": "end",
              "name": "Done",
              "valueChainActivities": [],
              "practices": [],
              "roles": [],
              "position": { "x": 720, "y": 0 }
            }
          ],
          "connections": [
            { "from": "request", "to": "reset" },
            { "from": "reset", "port": "reset", "to": "working" },
            { "from": "reset", "port": "refused", "to": "done" },
            { "from": "working", "to": "done" }
          ]
        }

        """;

    [Fact]
    public void A_canonical_file_reads_and_writes_back_byte_for_byte()
    {
        var read = ValueStreamReader.Read(Sample);

        Assert.Empty(read.Errors);
        Assert.Equal(Sample, ValueStreamWriter.Write(read.Definition!));
    }

    [Fact]
    public void Formatting_puts_properties_in_canonical_order_and_is_idempotent()
    {
        const string messy = """{"connections":[],"steps":[{"position":{"y":5,"x":3},"roles":[],"type":"end","id":"e","name":"E","group":"x","title":"t"}],"name":"N","id":"n"}""";

        var once = ValueStreamWriter.Write(ValueStreamReader.Read(messy).Definition!);
        var twice = ValueStreamWriter.Write(ValueStreamReader.Read(once).Definition!);

        Assert.Equal(once, twice);
        Assert.True(once.IndexOf("\"id\": \"n\"", StringComparison.Ordinal) < once.IndexOf("\"name\": \"N\"", StringComparison.Ordinal));
        Assert.Contains("\"position\": { \"x\": 3, \"y\": 5 }", once);
        Assert.EndsWith("}\n", once);
        Assert.DoesNotContain("\r", once);
    }

    [Fact]
    public void Retry_policy_is_written_in_its_field_order_after_the_steps_own_properties_and_reads_back_byte_for_byte()
    {
        const string messy = """
            {"id":"n","name":"N","connections":[],"steps":[{"position":{"x":0,"y":0},"roles":[],"type":"script","id":"s","name":"S",
             "retry":{"maxDelay":"PT5M","backoff":1.5,"delay":"PT30S","attempts":3},"script":"vars.n = 1;"}]}
            """;
        const string step = """
                {
                  "id": "s",
                  "type": "script",
                  "name": "S",
                  "valueChainActivities": [],
                  "practices": [],
                  "roles": [],
                  "script": "vars.n = 1;",
                  "retry": {
                    "attempts": 3,
                    "delay": "PT30S",
                    "backoff": 1.5,
                    "maxDelay": "PT5M"
                  },
                  "position": { "x": 0, "y": 0 }
                }
            """;

        var canonical = ValueStreamWriter.Write(ValueStreamReader.Read(messy).Definition!);

        Assert.Contains(step, canonical);
        var read = ValueStreamReader.Read(canonical);
        Assert.Empty(read.Errors);
        Assert.Equal(canonical, ValueStreamWriter.Write(read.Definition!));
    }

    [Fact]
    public void Moving_one_step_changes_exactly_one_line()
    {
        var definition = ValueStreamReader.Read(Sample).Definition!;
        var before = ValueStreamWriter.Write(definition).Split('\n');

        definition.FindStep("reset")!.Position = new CanvasPosition(260, 40);
        var after = ValueStreamWriter.Write(definition).Split('\n');

        Assert.Equal(before.Length, after.Length);
        var changed = before.Zip(after).Count(pair => pair.First != pair.Second);
        Assert.Equal(1, changed);
    }

    [Fact]
    public void The_content_hash_follows_content_not_formatting()
    {
        var compact = ValueStreamReader.Read(Sample.Replace("\n", " ")).Definition!;
        var canonical = ValueStreamReader.Read(Sample).Definition!;

        Assert.Equal(ValueStreamWriter.ContentHash(canonical), ValueStreamWriter.ContentHash(compact));
        canonical.Name = "Password reset v2";
        Assert.NotEqual(ValueStreamWriter.ContentHash(canonical), ValueStreamWriter.ContentHash(compact));
    }

    [Theory]
    [InlineData("", "", "empty")]
    [InlineData("{\"id\": \"x\", ", "", "not valid JSON")]
    [InlineData("[1,2]", "", "must be a JSON object")]
    [InlineData("{\"id\": 5, \"name\": \"n\", \"steps\": []}", "id", "must be a string")]
    [InlineData("{\"id\": \"x\", \"name\": \"n\", \"steps\": [{\"id\":\"s\",\"type\":\"end\",\"name\":\"S\",\"position\":{\"x\":\"left\",\"y\":0}}]}", "steps[0].position.x", "must be an integer")]
    [InlineData("{\"id\": \"x\", \"name\": \"n\", \"steps\": [], \"colour\": \"red\"}", "colour", "unknown property")]
    [InlineData("{\"id\": \"x\", \"name\": \"n\", \"steps\": [{\"id\":\"s\",\"type\":\"end\",\"name\":\"S\",\"practices\":[7],\"position\":{\"x\":0,\"y\":0}}]}", "steps[0].practices[0]", "must be a string")]
    public void Shape_errors_name_the_path_and_the_problem(string json, string path, string message)
    {
        var read = ValueStreamReader.Read(json);

        var error = Assert.Single(read.Errors);
        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void Deep_nesting_is_refused_without_recursing_through_it()
    {
        var deep = "{\"id\":\"x\",\"name\":\"n\",\"steps\":[],\"description\":" + new string('[', 10_000) + new string(']', 10_000) + "}";

        var read = ValueStreamReader.Read(deep);

        Assert.Null(read.Definition);
        Assert.Contains("not valid JSON", Assert.Single(read.Errors).Message);
    }
}
