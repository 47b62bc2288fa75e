using System.Diagnostics;
using CoffeeShop.Web.Domain;
using CoffeeShop.Web.Infrastructure;
using MailKit;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;

namespace CoffeeShop.Web.Messaging;

/// <summary>
/// Works off the outbox on every instance: claims due messages (<see cref="OutboxStore"/>), renders
/// each, sends them over one SMTP connection and marks each one as the server answers. A message is
/// marked sent only after the server accepted it; a crash in between sends it again later under the same
/// Message-ID. Anything that goes wrong costs one attempt of the messages it touched, never the loop.
/// </summary>
public sealed class OutboxDispatcher(IServiceScopeFactory scopes, IOptions<EmailOptions> options, TimeProvider clock, ShopMetrics metrics, ILogger<OutboxDispatcher> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim wake = new(0, 1);
    private long sentCount;
    private long _backlogCountedAt;

    /// <summary>Messages this instance handed to the SMTP server and marked sent since it started.</summary>
    public long SentCount => Interlocked.Read(ref sentCount);

    /// <summary>Looks at the outbox now instead of at the next poll (called after a commit that queued a message on this instance).</summary>
    public void Wake()
    {
        if (wake.CurrentCount == 0)
        {
            try
            {
                wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another caller woke it first: one look serves both.
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Outbox.Enabled)
        {
            return;
        }

        if (string.IsNullOrWhiteSpace(options.Value.Smtp.Host))
        {
            logger.LogWarning("Email:Smtp:Host is not set: messages wait in the outbox until an SMTP server is configured");
            return;
        }

        var poll = TimeSpan.FromMilliseconds(options.Value.Outbox.PollMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            int sent;
            try
            {
                sent = await DispatchOnceAsync(stoppingToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Outbox pass failed; the next pass tries again");
                sent = 0;
            }

            if (sent == 0)
            {
                try
                {
                    await wake.WaitAsync(poll, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One claim and its sends. Answers how many messages were claimed (0: nothing was due).</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken cancellationToken)
    {
        var token = Guid.NewGuid();
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<OutboxStore>();
        var claimed = await store.ClaimAsync(token, cancellationToken);

        if (claimed.Count == 0)
        {
            await CountBacklogAsync(store, cancellationToken);
            return 0;
        }

        // The batch is shared out over a few SMTP connections sending at once: one connection spends
        // most of its time waiting for the server's answer to each message, which another one's
        // rendering can use. An admin alert stays on the first (it is sent and marked before the next).
        var started = Stopwatch.GetTimestamp();
        var shares = Enumerable.Range(0, Math.Min(options.Value.Outbox.Connections, claimed.Count)).Select(_ => new List<OutboxMessage>()).ToArray();
        var next = 0;
        foreach (var message in claimed)
        {
            shares[message.Kind == MessageKind.AdminAlert ? 0 : next++ % shares.Length].Add(message);
        }

        var totals = await Task.WhenAll(shares.Select(share => SendShareAsync(share, token, cancellationToken)));
        logger.LogInformation("Outbox: {Sent} of {Claimed} messages sent in {Elapsed} ms (composing {ComposingMs} ms, SMTP {SmtpMs} ms, marking {MarkingMs} ms) over {Connections} connections",
            totals.Sum(t => t.Sent), claimed.Count, Milliseconds(Stopwatch.GetTimestamp() - started),
            Milliseconds(totals.Sum(t => t.Composing)), Milliseconds(totals.Sum(t => t.Sending)), Milliseconds(totals.Sum(t => t.Marking)), shares.Length);
        await CountBacklogAsync(store, cancellationToken);
        return claimed.Count;
    }

    /// <summary>What one connection did: messages marked sent, and the time spent per phase (Stopwatch ticks).</summary>
    private readonly record struct ShareTotals(int Sent, long Composing, long Sending, long Marking);

    /// <summary>Sends one share of a claim over its own SMTP connection, with its own database context.</summary>
    private async Task<ShareTotals> SendShareAsync(List<OutboxMessage> share, Guid token, CancellationToken cancellationToken)
    {
        await Task.Yield();
        await using var scope = scopes.CreateAsyncScope();
        var store = scope.ServiceProvider.GetRequiredService<OutboxStore>();
        var composer = scope.ServiceProvider.GetRequiredService<MessageComposer>();
        var settings = options.Value;
        await using var mailer = new SmtpMailer(options);
        // Accepted by the server, not yet marked: marked together at the end of the share (one statement),
        // and at once after an admin alert (the next one's interval starts from it).
        var accepted = new List<OutboxMessage>(share.Count);
        var sentNow = 0;
        long composing = 0, sending = 0, marking = 0;
        try
        {
            foreach (var message in share)
            {
                if (message.Kind == MessageKind.AdminAlert && await AlertMustWaitAsync(store, message, token, cancellationToken))
                {
                    continue;
                }

                var phase = Stopwatch.GetTimestamp();
                try
                {
                    var email = await composer.ComposeAsync(message, cancellationToken);
                    composing += Stopwatch.GetTimestamp() - phase;
                    phase = Stopwatch.GetTimestamp();
                    if (email is null)
                    {
                        // What it was about is gone, or an admin alert found nothing left to say: nothing to send, ever.
                        await store.MarkFailedAttemptAsync(message, token, "Nothing to send: what the message was about is gone.", cancellationToken, giveUp: true);
                        continue;
                    }

                    await mailer.SendAsync(email, message.MessageIdAt(settings.MessageIdDomain), message.CreatedAt, cancellationToken);
                    sending += Stopwatch.GetTimestamp() - phase;
                }
                catch (Exception ex) when (IsSendFailure(ex))
                {
                    logger.LogWarning("Outbox message {OutboxId} ({Kind}) not sent, attempt {Attempt}: {Error}", message.Id, message.Kind, message.Attempts, ex.Message);
                    await store.MarkFailedAttemptAsync(message, token, Describe(ex), CancellationToken.None);
                    continue;
                }

                accepted.Add(message);
                if (message.Kind == MessageKind.AdminAlert)
                {
                    (sentNow, marking) = await MarkAcceptedAsync(store, accepted, token, sentNow, marking);
                }
            }
        }
        finally
        {
            // Marked even when stopping or failing: the server has these messages now.
            (sentNow, marking) = await MarkAcceptedAsync(store, accepted, token, sentNow, marking);
        }

        return new ShareTotals(sentNow, composing, sending, marking);
    }

    /// <summary>
    /// What is left after the pass, for <c>coffeeshop.outbox.backlog</c>: counted at most once per poll
    /// interval, so a dispatcher working off a large backlog batch after batch does not count it every time.
    /// </summary>
    private async Task CountBacklogAsync(OutboxStore store, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow().UtcTicks;
        var last = Interlocked.Read(ref _backlogCountedAt);
        if (now - last < TimeSpan.FromMilliseconds(options.Value.Outbox.PollMilliseconds).Ticks
            || Interlocked.CompareExchange(ref _backlogCountedAt, now, last) != last)
        {
            return;
        }

        metrics.OutboxBacklogCounted(await store.CountPendingAsync(cancellationToken));
    }

    /// <summary>
    /// Marks the accepted messages sent (only those still under this claim's lease) and empties the list.
    /// The server has these messages: if the UPDATE fails (PostgreSQL restarting, or a pooled connection it
    /// closed meanwhile, which fails on its first use), the mark is tried again until the claim's lease runs out.
    /// Giving up early would leave them Pending, and the next claim after the lease would send each a second time.
    /// </summary>
    private async Task<(int Sent, long Marking)> MarkAcceptedAsync(OutboxStore store, List<OutboxMessage> accepted, Guid token, int sentNow, long marking)
    {
        if (accepted.Count == 0)
        {
            return (sentNow, marking);
        }

        var phase = Stopwatch.GetTimestamp();
        var leaseEnds = accepted.Min(m => m.LeaseUntil) ?? clock.GetUtcNow().AddSeconds(options.Value.Outbox.LeaseSeconds);
        IReadOnlyList<long>? markedIds = null;
        for (var attempt = 1; markedIds is null; attempt++)
        {
            try
            {
                markedIds = await store.MarkSentAsync(accepted, token, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var wait = TimeSpan.FromMilliseconds(Math.Min(100 * Math.Pow(2, attempt - 1), 2000));
                if (attempt >= MarkAttempts || clock.GetUtcNow() + wait >= leaseEnds)
                {
                    logger.LogError(ex, "Outbox messages {OutboxIds} were accepted by the SMTP server but could not be marked sent; they will be sent again under the same Message-ID after the lease",
                        string.Join(",", accepted.Select(m => m.Id)));
                    accepted.Clear();
                    return (sentNow, marking + Stopwatch.GetTimestamp() - phase);
                }

                logger.LogWarning("Marking outbox messages sent failed (attempt {Attempt}), trying again in {WaitMs} ms: {Error}", attempt, (int)wait.TotalMilliseconds, ex.Message);
                await Task.Delay(wait, CancellationToken.None);
            }
        }

        var marked = markedIds.ToHashSet();
        foreach (var message in accepted.Where(m => !marked.Contains(m.Id)))
        {
            logger.LogWarning("Outbox message {OutboxId} was sent after its lease ran out; another instance may send it again under the same Message-ID", message.Id);
        }

        accepted.Clear();
        Interlocked.Add(ref this.sentCount, marked.Count);
        return (sentNow + marked.Count, marking + Stopwatch.GetTimestamp() - phase);
    }

    /// <summary>Tries at marking accepted messages sent (waits of 0.1 s doubling to 2 s: about 20 s in all, within any lease the start-up check allows).</summary>
    private const int MarkAttempts = 14;

    private static int Milliseconds(long ticks) => (int)(ticks * 1000 / Stopwatch.Frequency);

    /// <summary>At most one admin alert per interval: an alert due too soon after the last waits (not counted as an attempt).</summary>
    private async Task<bool> AlertMustWaitAsync(OutboxStore store, OutboxMessage alert, Guid token, CancellationToken cancellationToken)
    {
        var last = await store.LastAdminAlertSentAsync(cancellationToken);
        var due = last?.AddMinutes(options.Value.AdminAlertMinutes);
        if (due is { } at && at > clock.GetUtcNow())
        {
            await store.PostponeAsync(alert, token, at, cancellationToken);
            return true;
        }

        return false;
    }

    /// <summary>The failure as admins read it: an SMTP answer with its code, else the kind of fault.</summary>
    private static string Describe(Exception ex) => ex switch
    {
        SmtpCommandException smtp => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"SMTP {(int)smtp.StatusCode} ({smtp.ErrorCode}): {smtp.Message}"),
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };

    /// <summary>What one message's failure looks like: the server refusing it, the connection failing, a template or its data failing.</summary>
    private static bool IsSendFailure(Exception ex) => ex is SmtpCommandException or SmtpProtocolException or ServiceNotConnectedException
        or ServiceNotAuthenticatedException or MailKit.Security.AuthenticationException or IOException or System.Net.Sockets.SocketException
        or TimeoutException or InvalidOperationException or ArgumentException or FormatException
        || (ex is OperationCanceledException && ex.InnerException is TimeoutException);

    public override void Dispose()
    {
        wake.Dispose();
        base.Dispose();
    }
}
