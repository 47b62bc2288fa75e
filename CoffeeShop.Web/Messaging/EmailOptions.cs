using System.Globalization;
using MimeKit;

namespace CoffeeShop.Web.Messaging;

/// <summary>The <c>Email</c> settings section: the sender, the SMTP server and how the outbox is worked off.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    /// <summary>The sender, as "Name &lt;address&gt;" or an address.</summary>
    public string From { get; set; } = "";

    /// <summary>The shop's public address: links in messages start with it (no request is there to ask when a message is sent).</summary>
    public string ShopUrl { get; set; } = "";

    public SmtpSettings Smtp { get; set; } = new();

    public OutboxSettings Outbox { get; set; } = new();

    /// <summary>Admins hear of payments needing attention and disputes at most once per this many minutes.</summary>
    public int AdminAlertMinutes { get; set; } = 15;

    public sealed class SmtpSettings
    {
        public string Host { get; set; } = "";
        public int Port { get; set; } = 587;

        /// <summary>True: TLS from the first byte on port 465, else STARTTLS where the server offers it (required). False: plain, for a local server.</summary>
        public bool UseTls { get; set; } = true;

        public string Username { get; set; } = "";
        public string Password { get; set; } = "";

        /// <summary>One SMTP conversation's time limit.</summary>
        public int TimeoutSeconds { get; set; } = 30;
    }

    public sealed class OutboxSettings
    {
        /// <summary>Whether this instance sends; off, messages wait in the outbox for another instance (or for tests that send when they mean to).</summary>
        public bool Enabled { get; set; } = true;

        /// <summary>How often each instance looks for due messages.</summary>
        public int PollMilliseconds { get; set; } = 2000;

        /// <summary>Messages one instance claims at a time, shared out over <see cref="Connections"/>.</summary>
        public int BatchSize { get; set; } = 50;

        /// <summary>SMTP connections one instance sends a batch over at once (each waits for the server's answer to every message).</summary>
        public int Connections { get; set; } = 4;

        /// <summary>How long a claim keeps other instances off a message; a crashed instance's messages are taken over after it.</summary>
        public int LeaseSeconds { get; set; } = 120;

        /// <summary>Attempts before a message is marked failed and shown to admins.</summary>
        public int MaxAttempts { get; set; } = 8;

        /// <summary>The wait after the first failure; each further failure doubles it, up to <see cref="MaxRetryMinutes"/>.</summary>
        public int FirstRetrySeconds { get; set; } = 30;

        public int MaxRetryMinutes { get; set; } = 60;
    }

    public MailboxAddress Sender => MailboxAddress.Parse(From);

    /// <summary>The domain Message-IDs are made in: the sender's.</summary>
    public string MessageIdDomain => Sender.Address[(Sender.Address.LastIndexOf('@') + 1)..];

    public Uri ShopUri => new(ShopUrl.TrimEnd('/') + "/");

    /// <summary>
    /// Every problem with the settings, each naming its key. Outside Development an SMTP host is required;
    /// in Development without one, messages wait in the outbox (scripts/run starts smtp4dev and sets it).
    /// </summary>
    public static IEnumerable<string> Problems(EmailOptions options, IHostEnvironment environment)
    {
        const string Where = "Set it in appsettings.json, user-secrets or the environment variable";
        // Without a host (Development only) nothing is sent, so the sender and the links are not needed yet.
        var sends = !string.IsNullOrWhiteSpace(options.Smtp.Host);
        if (sends && (string.IsNullOrWhiteSpace(options.From) || !MailboxAddress.TryParse(options.From, out var from) || !from.Address.Contains('@', StringComparison.Ordinal)))
        {
            yield return $"The setting Email:From is missing or not an email address (such as \"CoffeeShop <orders@example.com>\"). {Where} Email__From.";
        }

        var shopUrl = Uri.TryCreate(options.ShopUrl, UriKind.Absolute, out var shop) && shop.Scheme is "https" or "http" && string.IsNullOrEmpty(shop.Query) ? shop : null;
        if (sends && shopUrl is null)
        {
            yield return $"The setting Email:ShopUrl is missing or not an http(s) address (such as https://shop.example.com). {Where} Email__ShopUrl.";
        }
        else if (sends && shopUrl!.Scheme == "http" && !environment.IsDevelopment() && !shopUrl.IsLoopback)
        {
            yield return $"The setting Email:ShopUrl must be an https address outside Development. {Where} Email__ShopUrl.";
        }

        if (string.IsNullOrWhiteSpace(options.Smtp.Host) && !environment.IsDevelopment())
        {
            yield return $"The setting Email:Smtp:Host is missing: the shop cannot send email without an SMTP server. {Where} Email__Smtp__Host.";
        }

        foreach (var (key, value, min, max) in new (string, int, int, int)[]
        {
            ("Email:Smtp:Port", options.Smtp.Port, 1, 65535),
            ("Email:Smtp:TimeoutSeconds", options.Smtp.TimeoutSeconds, 1, 600),
            ("Email:Outbox:PollMilliseconds", options.Outbox.PollMilliseconds, 50, 600_000),
            ("Email:Outbox:BatchSize", options.Outbox.BatchSize, 1, 1000),
            ("Email:Outbox:Connections", options.Outbox.Connections, 1, 20),
            ("Email:Outbox:LeaseSeconds", options.Outbox.LeaseSeconds, 5, 3600),
            ("Email:Outbox:MaxAttempts", options.Outbox.MaxAttempts, 1, 100),
            ("Email:Outbox:FirstRetrySeconds", options.Outbox.FirstRetrySeconds, 1, 3600),
            ("Email:Outbox:MaxRetryMinutes", options.Outbox.MaxRetryMinutes, 1, 10080),
            ("Email:AdminAlertMinutes", options.AdminAlertMinutes, 1, 1440),
        })
        {
            if (value < min || value > max)
            {
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"The setting {key} must be between {min} and {max}. {Where} {key.Replace(":", "__", StringComparison.Ordinal)}.");
            }
        }

        if (string.IsNullOrEmpty(options.Smtp.Username) != string.IsNullOrEmpty(options.Smtp.Password))
        {
            yield return $"The settings Email:Smtp:Username and Email:Smtp:Password go together: set both or neither. {Where} Email__Smtp__Username and Email__Smtp__Password.";
        }

        // A lease shorter than one SMTP conversation could let a second instance send a message the first is still sending.
        if (options.Outbox.LeaseSeconds <= options.Smtp.TimeoutSeconds * 2)
        {
            yield return $"The setting Email:Outbox:LeaseSeconds must be more than twice Email:Smtp:TimeoutSeconds. {Where} Email__Outbox__LeaseSeconds.";
        }
    }
}
