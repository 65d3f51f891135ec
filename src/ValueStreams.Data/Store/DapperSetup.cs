using System.Data;
using System.Globalization;
using Dapper;

namespace ValueStreams.Data.Store;

/// <summary>Teaches Dapper the column types that SQLite and PostgreSQL return differently.</summary>
public static class DapperSetup
{
    private static int _done;

    public static void Apply()
    {
        if (Interlocked.Exchange(ref _done, 1) == 1)
            return;
        SqlMapper.AddTypeHandler(new UtcTimestampHandler());
        SqlMapper.AddTypeHandler(new NullableUtcTimestampHandler());
    }

    /// <summary>A timestamp as either provider returns it (timestamptz, or SQLite's ISO-8601 text), in UTC.</summary>
    public static DateTimeOffset Read(object value) => value switch
    {
        DateTimeOffset dto => dto.ToUniversalTime(),
        DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
        string text => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal).ToUniversalTime(),
        _ => throw new DataException($"Cannot read a timestamp from {value.GetType().Name}."),
    };

    // PostgreSQL takes DateTimeOffset for timestamptz; SQLite keeps ISO-8601 text, which sorts as time does.
    private static void Write(IDbDataParameter parameter, DateTimeOffset value)
    {
        var utc = value.ToUniversalTime();
        if (parameter.GetType().Namespace?.StartsWith("Microsoft.Data.Sqlite", StringComparison.Ordinal) == true)
        {
            parameter.DbType = DbType.String;
            parameter.Value = utc.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
        }
        else
        {
            parameter.Value = utc;
        }
    }

    private sealed class UtcTimestampHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override DateTimeOffset Parse(object value) => Read(value);
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value) => Write(parameter, value);
    }

    private sealed class NullableUtcTimestampHandler : SqlMapper.TypeHandler<DateTimeOffset?>
    {
        public override DateTimeOffset? Parse(object value) => value is DBNull ? null : Read(value);

        public override void SetValue(IDbDataParameter parameter, DateTimeOffset? value)
        {
            if (value is { } v) Write(parameter, v);
            else parameter.Value = DBNull.Value;
        }
    }
}
