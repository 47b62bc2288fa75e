using System.Net.Sockets;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CoffeeShop.Web.Messaging;

/// <summary>
/// One SMTP conversation over MailKit: connect, authenticate when configured, send a batch, quit.
/// Headers are built by MimeKit from typed values (addresses, the subject), which encodes what
/// customers typed: a CR or LF in it can never start a header or add a recipient.
/// </summary>
public sealed class SmtpMailer(IOptions<EmailOptions> options) : IAsyncDisposable
{
    private readonly SmtpClient client = new();

    private EmailOptions Settings => options.Value;

    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        if (client.IsConnected)
        {
            return;
        }

        var smtp = Settings.Smtp;
        client.Timeout = smtp.TimeoutSeconds * 1000;
        var security = !smtp.UseTls ? SecureSocketOptions.None
            : smtp.Port == 465 ? SecureSocketOptions.SslOnConnect
            : SecureSocketOptions.StartTls;
        // Our own socket, for NoDelay: MailKit writes a message's end (".") apart from its body, and with
        // Nagle's algorithm that write waits for the server's delayed ACK (~40 ms on Linux) per message.
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(smtp.Host, smtp.Port, cancellationToken);
            await client.ConnectAsync(socket, smtp.Host, smtp.Port, security, cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        if (!string.IsNullOrEmpty(smtp.Username))
        {
            await client.AuthenticateAsync(smtp.Username, smtp.Password, cancellationToken);
        }
    }

    /// <summary>Sends one message under its stable Message-ID; throws when the server refuses it (a 4xx or 5xx answer).</summary>
    public async Task SendAsync(ComposedEmail email, string messageId, DateTimeOffset date, CancellationToken cancellationToken)
    {
        await ConnectAsync(cancellationToken);
        using var message = ToMime(email, messageId, date, Settings.Sender);
        await client.SendAsync(message, cancellationToken);
    }

    public static MimeMessage ToMime(ComposedEmail email, string messageId, DateTimeOffset date, MailboxAddress sender)
    {
        var message = new MimeMessage { Subject = OneLine(email.Subject), MessageId = messageId, Date = date };
        message.From.Add(sender);
        message.To.AddRange(email.To);
        message.Body = new BodyBuilder { HtmlBody = email.Html, TextBody = email.Text }.ToMessageBody();
        return message;
    }

    public bool IsConnected => client.IsConnected;

    public async ValueTask DisposeAsync()
    {
        if (client.IsConnected)
        {
            try
            {
                await client.DisconnectAsync(quit: true);
            }
            catch (Exception ex) when (ex is IOException or SmtpCommandException or SmtpProtocolException or OperationCanceledException)
            {
                // The messages are marked already; a server gone before QUIT changes nothing.
            }
        }

        client.Dispose();
    }

    /// <summary>A subject is one line whatever went into it.</summary>
    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
}
