using System.Text.Json;
using ValueStreams.Engine.Runtime;

namespace ValueStreams.Data.Runtime;

/// <summary>How an instance's state is kept in its row's <c>state</c> column.</summary>
internal static class InstanceStateJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

    public static string Write(InstanceState state) => JsonSerializer.Serialize(state, Options);

    public static InstanceState Read(string json) =>
        JsonSerializer.Deserialize<InstanceState>(json, Options) ?? throw new InvalidDataException("An instance row holds no state.");
}
