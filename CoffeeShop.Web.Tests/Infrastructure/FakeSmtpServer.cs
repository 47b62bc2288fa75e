using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>
/// A small SMTP server on loopback for what smtp4dev cannot be told to do: answer a chosen 4xx or 5xx
/// code to RCPT TO or to the message data, and keep the exact bytes each message crossed the wire with.
/// </summary>
public sealed class FakeSmtpServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource stop = new();
    private readonly Task accepting;

    private FakeSmtpServer()
    {
        listener.Start();
        accepting = AcceptAsync();
    }

    public static FakeSmtpServer Start() => new();

    public int Port => ((IPEndPoint)listener.LocalEndpoint).Port;

    /// <summary>The reply to RCPT TO (null: 250 OK), e.g. "451 4.3.0 Try again later" or "550 5.1.1 No such user".</summary>
    public string? RecipientReply { get; set; }

    /// <summary>The reply after the message data (null: 250 OK).</summary>
    public string? DataReply { get; set; }

    /// <summary>Every message the server accepted: its envelope recipients and its data as sent.</summary>
    public ConcurrentQueue<(IReadOnlyList<string> Recipients, string Data)> Accepted { get; } = new();

    /// <summary>Every command line the server read (RCPT TO lines show the envelope).</summary>
    public ConcurrentQueue<string> Commands { get; } = new();

    /// <summary>How long the server thinks about each message before it answers the data (a slow relay).</summary>
    public TimeSpan DataDelay { get; set; }

    /// <summary>The most connections that were open at one time.</summary>
    public int MostOpenConnections => Volatile.Read(ref mostOpen);

    private int open;
    private int mostOpen;

    private async Task AcceptAsync()
    {
        while (!stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync(stop.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var nowOpen = Interlocked.Increment(ref open);
        for (var most = mostOpen; nowOpen > most; most = mostOpen)
        {
            Interlocked.CompareExchange(ref mostOpen, nowOpen, most);
        }

        try
        {
            await using var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.Latin1);
            await using var writer = new StreamWriter(stream, Encoding.Latin1) { NewLine = "\r\n", AutoFlush = true };
            await writer.WriteLineAsync("220 fake-smtp ready");
            var recipients = new List<string>();
            while (await reader.ReadLineAsync(stop.Token) is { } line)
            {
                Commands.Enqueue(line);
                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        await writer.WriteLineAsync("250-fake-smtp");
                        await writer.WriteLineAsync("250 8BITMIME");
                        break;
                    case "HELO" or "NOOP" or "RSET":
                        recipients.Clear();
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "MAIL":
                        recipients.Clear();
                        await writer.WriteLineAsync("250 OK");
                        break;
                    case "RCPT":
                        if (RecipientReply is { } refused)
                        {
                            await writer.WriteLineAsync(refused);
                        }
                        else
                        {
                            recipients.Add(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim().Trim('<', '>'));
                            await writer.WriteLineAsync("250 OK");
                        }

                        break;
                    case "DATA":
                        await writer.WriteLineAsync("354 Go ahead");
                        var data = new StringBuilder();
                        while (await reader.ReadLineAsync(stop.Token) is { } dataLine && dataLine != ".")
                        {
                            data.Append(dataLine).Append("\r\n");
                        }

                        await Task.Delay(DataDelay, stop.Token);
                        if (DataReply is { } dataRefused)
                        {
                            await writer.WriteLineAsync(dataRefused);
                        }
                        else
                        {
                            Accepted.Enqueue((recipients.ToList(), data.ToString()));
                            await writer.WriteLineAsync("250 OK queued");
                        }

                        break;
                    case "QUIT":
                        await writer.WriteLineAsync("221 Bye");
                        return;
                    default:
                        await writer.WriteLineAsync("502 Command not implemented");
                        break;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or ObjectDisposedException)
        {
            // The client hung up or the server stops.
        }
        finally
        {
            Interlocked.Decrement(ref open);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await stop.CancelAsync();
        listener.Stop();
        await accepting;
        stop.Dispose();
    }
}

/// <summary>
/// A TCP gate in front of smtp4dev on a port of its own: closed, the port refuses connections as a
/// stopped SMTP server does; open, it forwards every connection to smtp4dev.
/// </summary>
public sealed class SmtpGate : IAsyncDisposable
{
    private TcpListener? listener;
    private CancellationTokenSource? open;

    public SmtpGate()
    {
        // A free port, reserved by binding it once; it stays closed until Open.
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
    }

    public int Port { get; }

    public void Open()
    {
        listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Start();
        open = new CancellationTokenSource();
        var token = open.Token;
        var accepting = listener;
        _ = Task.Run(async () =>
        {
            while (!token.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await accepting.AcceptTcpClientAsync(token);
                }
                catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
                {
                    return;
                }

                _ = Task.Run(() => ForwardAsync(client, token));
            }
        }, token);
    }

    public async Task CloseAsync()
    {
        if (open is not null)
        {
            await open.CancelAsync();
            open.Dispose();
            open = null;
        }

        listener?.Stop();
        listener = null;
    }

    private static async Task ForwardAsync(TcpClient client, CancellationToken token)
    {
        using var _ = client;
        using var server = new TcpClient();
        try
        {
            await server.ConnectAsync(IPAddress.Loopback, Smtp4Dev.SmtpPort, token);
            await using var a = client.GetStream();
            await using var b = server.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, token), b.CopyToAsync(a, token));
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Either side hung up, or the gate closed.
        }
    }

    public async ValueTask DisposeAsync() => await CloseAsync();
}
