using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// What must never reach a log: Stripe keys and webhook secrets, PaymentIntent client secrets, card-like
/// digit runs, cookies and Authorization headers; emails are masked to their first letter and domain.
/// </summary>
public static partial class LogRedaction
{
    [GeneratedRegex(@"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]+|\bwhsec_[A-Za-z0-9]+|\bpi_[A-Za-z0-9]+_secret_[A-Za-z0-9]+|\bseti_[A-Za-z0-9]+_secret_[A-Za-z0-9]+")]
    private static partial Regex Secrets();

    // 13 to 19 digits, optionally grouped by spaces or dashes: the shape of a card number.
    [GeneratedRegex(@"\b(?:\d[ -]?){12,18}\d\b")]
    private static partial Regex CardLike();

    [GeneratedRegex(@"\b([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")]
    private static partial Regex Email();

    [GeneratedRegex(@"(?i)\b(authorization|cookie|set-cookie)\s*[:=]\s*[^\r\n]+")]
    private static partial Regex Headers();

    public static string Redact(string text)
    {
        var redacted = Secrets().Replace(text, "[redacted-secret]");
        redacted = Headers().Replace(redacted, "$1: [redacted]");
        redacted = CardLike().Replace(redacted, "[redacted-number]");
        return Email().Replace(redacted, "$1***@$2");
    }

    /// <summary>
    /// Wraps the real sinks: every event is rewritten with redacted properties and exception text
    /// before any sink formats it, so no sink can forget.
    /// </summary>
    public sealed class Sink(ILogEventSink inner) : ILogEventSink
    {
        private static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase) { "Cookie", "Authorization", "Set-Cookie", "RequestHeaders" };

        public void Emit(LogEvent logEvent)
        {
            var properties = logEvent.Properties.Select(p => new LogEventProperty(p.Key,
                Dropped.Contains(p.Key) ? new ScalarValue("[redacted]") : Clean(p.Value)));
            var exception = logEvent.Exception is null ? null : new RedactedException(logEvent.Exception);
            inner.Emit(new LogEvent(logEvent.Timestamp, logEvent.Level, exception, logEvent.MessageTemplate, properties, logEvent.TraceId ?? default, logEvent.SpanId ?? default));
        }

        private static LogEventPropertyValue Clean(LogEventPropertyValue value) => value switch
        {
            ScalarValue { Value: string s } => new ScalarValue(Redact(s)),
            SequenceValue seq => new SequenceValue(seq.Elements.Select(Clean)),
            StructureValue st => new StructureValue(st.Properties.Select(p => new LogEventProperty(p.Name, Clean(p.Value))), st.TypeTag),
            DictionaryValue d => new DictionaryValue(d.Elements.Select(e => new KeyValuePair<ScalarValue, LogEventPropertyValue>(e.Key, Clean(e.Value)))),
            _ => value,
        };
    }

    /// <summary>An exception as it will be written: its type, message and stack trace, redacted.</summary>
    private sealed class RedactedException(Exception original) : Exception(Redact(original.Message))
    {
        private readonly string _text = Redact(original.ToString());

        public override string ToString() => _text;

        public override string? StackTrace => null;
    }
}
