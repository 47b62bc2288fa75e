using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Serilog.Core;
using Serilog.Events;
using Serilog.Parsing;

namespace CoffeeShop.Web.Infrastructure;

/// <summary>
/// What must never reach a log: Stripe keys and webhook secrets, PaymentIntent client secrets, card
/// numbers, cookies and Authorization headers; emails (in any script) are masked to their first letter
/// and domain.
/// </summary>
public static partial class LogRedaction
{
    private const string Number = "[redacted-number]";

    [GeneratedRegex(@"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]+|\bwhsec_[A-Za-z0-9]+|\bpi_[A-Za-z0-9]+_secret_[A-Za-z0-9]+|\bseti_[A-Za-z0-9]+_secret_[A-Za-z0-9]+")]
    private static partial Regex Secrets();

    // A run of at least 13 digits, optionally grouped by single spaces or dashes, not part of a longer word
    // (so "evt_1733145600000" or "ch_3Q…" are not runs). Which part of it is a card number, Luhn decides.
    [GeneratedRegex(@"(?<!\w)\d(?:[ -]?\d){12,}(?!\w)")]
    private static partial Regex DigitRun();

    // Letters, marks and digits of any script (jöhn.dœ@exämple.com, 用户@例子.广告), and the full-width at sign.
    [GeneratedRegex(@"(?<![\p{L}\p{M}\p{N}._%+-])([\p{L}\p{M}\p{N}._%+-])[\p{L}\p{M}\p{N}._%+-]*[@＠]([\p{L}\p{M}\p{N}.-]+\.[\p{L}\p{M}]{2,})")]
    private static partial Regex Email();

    [GeneratedRegex(@"(?i)\b(authorization|cookie|set-cookie)\s*[:=]\s*[^\r\n]+")]
    private static partial Regex Headers();

    // Text holding none of these (nor a digit of another script) cannot match any pattern above: most log text.
    private static readonly SearchValues<char> Suspicious = SearchValues.Create("0123456789@＠_:=");

    public static string Redact(string text)
    {
        if (text.AsSpan().IndexOfAny(Suspicious) < 0 && (Ascii.IsValid(text) || !HasNonAsciiDigit(text)))
        {
            return text;
        }

        var redacted = Secrets().Replace(text, "[redacted-secret]");
        redacted = Headers().Replace(redacted, "$1: [redacted]");
        redacted = DigitRun().Replace(redacted, match => MaskCardNumbers(match.Value));
        return Email().Replace(redacted, "$1***@$2");
    }

    private static bool HasNonAsciiDigit(string text)
    {
        foreach (var c in text)
        {
            if (c > '\u007f' && char.IsDigit(c))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Masks every stretch of 13 to 19 digits in <paramref name="run"/> that passes the Luhn check, taken
    /// whole groups at a time (a card is written in groups): a number before the card ("2 × 4242 4242 …")
    /// cannot hide it, and a timestamp, an order id or any other long number that is no card stays readable.
    /// </summary>
    private static string MaskCardNumbers(string run)
    {
        var groups = new List<(int Start, int End)>();
        for (var i = 0; i < run.Length;)
        {
            var start = i;
            while (i < run.Length && char.IsDigit(run[i]))
            {
                i++;
            }

            groups.Add((start, i));
            i++; // the separator
        }

        var masked = new bool[groups.Count];
        var any = false;
        for (var first = 0; first < groups.Count; first++)
        {
            var digits = 0;
            for (var last = first; last < groups.Count; last++)
            {
                digits += groups[last].End - groups[last].Start;
                if (digits > 19)
                {
                    break;
                }

                if (digits >= 13 && PassesLuhn(run, groups, first, last))
                {
                    masked.AsSpan(first, last - first + 1).Fill(true);
                    any = true;
                }
            }
        }

        if (!any)
        {
            return run;
        }

        var text = new StringBuilder(run.Length);
        for (var g = 0; g < groups.Count; g++)
        {
            var (start, end) = groups[g];
            if (g > 0 && !(masked[g] && masked[g - 1]))
            {
                text.Append(run[groups[g - 1].End]);
            }

            if (!masked[g])
            {
                text.Append(run, start, end - start);
            }
            else if (g == 0 || !masked[g - 1])
            {
                text.Append(Number);
            }
        }

        return text.ToString();
    }

    private static bool PassesLuhn(string run, List<(int Start, int End)> groups, int first, int last)
    {
        var sum = 0;
        var doubled = false;
        for (var g = last; g >= first; g--)
        {
            for (var i = groups[g].End - 1; i >= groups[g].Start; i--)
            {
                var digit = (int)char.GetNumericValue(run[i]);
                if (doubled)
                {
                    digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
                }

                sum += digit;
                doubled = !doubled;
            }
        }

        return sum % 10 == 0;
    }

    /// <summary>
    /// Wraps the real sinks: every event is rewritten with a redacted message template, redacted properties
    /// (nested ones too, whatever their type) and redacted exception text before any sink formats it, so no
    /// sink can forget.
    /// </summary>
    public sealed class Sink(ILogEventSink inner) : ILogEventSink
    {
        private static readonly HashSet<string> Dropped = new(StringComparer.OrdinalIgnoreCase) { "Cookie", "Authorization", "Set-Cookie", "RequestHeaders" };

        private static readonly ScalarValue Hidden = new("[redacted]");

        public void Emit(LogEvent logEvent)
        {
            var properties = logEvent.Properties.Select(p => new LogEventProperty(p.Key, Dropped.Contains(p.Key) ? Hidden : Clean(p.Value)));
            var exception = logEvent.Exception is null ? null : new RedactedException(logEvent.Exception);
            inner.Emit(new LogEvent(logEvent.Timestamp, logEvent.Level, exception, Clean(logEvent.MessageTemplate), properties,
                logEvent.TraceId ?? default, logEvent.SpanId ?? default));
        }

        /// <summary>
        /// The template's own text: a value written into it (string interpolation, a literal) is as
        /// sensitive as a property. Rebuilt only when something in it was redacted.
        /// </summary>
        private static MessageTemplate Clean(MessageTemplate template)
        {
            List<MessageTemplateToken>? tokens = null;
            var index = 0;
            foreach (var token in template.Tokens)
            {
                if (token is TextToken text && Redact(text.Text) is var redacted && !string.Equals(redacted, text.Text, StringComparison.Ordinal))
                {
                    tokens ??= template.Tokens.Take(index).ToList();
                    tokens.Add(new TextToken(redacted));
                }
                else
                {
                    tokens?.Add(token);
                }

                index++;
            }

            if (tokens is null)
            {
                return template;
            }

            // The template's text as a parser would read it: braces in plain text doubled, property tokens as written.
            var source = string.Concat(tokens.Select(t => t is TextToken text
                ? text.Text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal)
                : t.ToString()));
            return new MessageTemplate(source, tokens);
        }

        private static LogEventPropertyValue Clean(LogEventPropertyValue value) => value switch
        {
            ScalarValue scalar => Clean(scalar),
            SequenceValue seq => new SequenceValue(seq.Elements.Select(Clean)),
            StructureValue st => new StructureValue(
                st.Properties.Select(p => new LogEventProperty(p.Name, Dropped.Contains(p.Name) ? Hidden : Clean(p.Value))), st.TypeTag),
            DictionaryValue d => new DictionaryValue(d.Elements.Select(e => new KeyValuePair<ScalarValue, LogEventPropertyValue>(
                Clean(e.Key), e.Key.Value is string key && Dropped.Contains(key) ? Hidden : Clean(e.Value)))),
            _ => value,
        };

        /// <summary>
        /// A string is redacted as text. Any other value (a number, a Uri, an object captured by its ToString)
        /// is redacted as the text a sink would write for it; a value with nothing to hide keeps its type.
        /// </summary>
        private static ScalarValue Clean(ScalarValue scalar)
        {
            switch (scalar.Value)
            {
                case null or bool:
                    return scalar;
                case string s:
                    return new ScalarValue(Redact(s));
                default:
                    var rendered = scalar.Value is IFormattable formattable
                        ? formattable.ToString(null, CultureInfo.InvariantCulture)
                        : scalar.Value.ToString() ?? "";
                    var redacted = Redact(rendered);
                    return redacted == rendered ? scalar : new ScalarValue(redacted);
            }
        }
    }

    /// <summary>An exception as it will be written: its type, message and stack trace, redacted.</summary>
    private sealed class RedactedException(Exception original) : Exception(Redact(original.Message))
    {
        private readonly string _text = Redact(original.ToString());

        public override string ToString() => _text;

        public override string? StackTrace => null;
    }
}
