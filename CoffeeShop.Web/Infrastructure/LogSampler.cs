namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// Lets at most one log line of a noisy kind through per interval and counts the ones held back, so a
/// flood (forged webhooks, say) cannot fill the log pipeline while the next line written still says how
/// many were not. Thread-safe; one instance per kind of line, for the life of the app.
/// </summary>
public sealed class LogSampler(TimeSpan interval, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private DateTimeOffset _nextLineAt = DateTimeOffset.MinValue;
    private long _heldBack;

    /// <summary>
    /// True when this occurrence is to be logged; <paramref name="heldBack"/> is then how many were held
    /// back since the last one logged. False (and counted) while the interval since that one runs.
    /// </summary>
    public bool ShouldLog(out long heldBack)
    {
        var now = clock.GetUtcNow();
        lock (_gate)
        {
            if (now < _nextLineAt)
            {
                _heldBack++;
                heldBack = 0;
                return false;
            }

            heldBack = _heldBack;
            _heldBack = 0;
            _nextLineAt = now + interval;
            return true;
        }
    }
}
