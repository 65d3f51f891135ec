namespace ValueStreams.Cli.History;

/// <summary>The time history is played at: it stands still while the engine works and moves only forward, when the player says.</summary>
internal sealed class PlayedClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    /// <summary>Moves the clock to <paramref name="moment"/>; a moment already past leaves it where it is.</summary>
    public void MoveTo(DateTimeOffset moment)
    {
        if (moment > _now)
            _now = moment;
    }
}
