namespace ValueStreams.Data.Store;

/// <summary>
/// One INSERT for many rows, so they cost one round trip: each row's values become parameters of their own, in the order
/// of the columns. The parameters suit Dapper and the engine's pending writes alike.
/// </summary>
internal static class MultiRowInsert
{
    public static (string Sql, Dictionary<string, object?> Parameters) Of(string table, IReadOnlyList<string> columns, IEnumerable<object?[]> rows)
    {
        var parameters = new Dictionary<string, object?>();
        var values = new List<string>();
        foreach (var row in rows)
        {
            if (row.Length != columns.Count)
                throw new ArgumentException($"A row of {table} has {row.Length} values for {columns.Count} columns.", nameof(rows));
            var names = new string[row.Length];
            for (var c = 0; c < row.Length; c++)
            {
                names[c] = $"r{values.Count}c{c}";
                parameters[names[c]] = row[c];
            }
            values.Add($"(@{string.Join(", @", names)})");
        }
        return ($"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES {string.Join(", ", values)}", parameters);
    }
}
