using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace CoffeeShop.Web.Tests.Infrastructure;

/// <summary>
/// The smtp4dev server scripts/test starts (a real SMTP server on loopback), read back through its REST API.
/// Its inbox is shared by every test and never emptied by them, so tests find their messages by a
/// recipient address of their own.
/// </summary>
public static class Smtp4Dev
{
    public const string SmtpPortVariable = "COFFEESHOP_TEST_SMTP_PORT";
    public const string WebUrlVariable = "COFFEESHOP_TEST_SMTP4DEV_URL";

    public static int SmtpPort { get; } = int.Parse(Required(SmtpPortVariable), System.Globalization.CultureInfo.InvariantCulture);

    public static Uri WebUrl { get; } = new(Required(WebUrlVariable).TrimEnd('/') + "/");

    private static readonly HttpClient Http = new() { BaseAddress = WebUrl, Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A recipient address no other test uses.</summary>
    public static string NewAddress(string who = "customer") => $"{who}.{Guid.NewGuid():N}@example.com";

    /// <summary>Every message whose envelope was delivered to <paramref name="recipient"/>.</summary>
    public static async Task<IReadOnlyList<ReceivedMessage>> MessagesToAsync(string recipient)
    {
        var found = new List<ReceivedMessage>();
        for (var page = 1; ; page++)
        {
            var list = await Http.GetFromJsonAsync<MessagePage>($"api/messages?pageSize=500&page={page}&searchTerms={Uri.EscapeDataString(recipient)}")
                ?? throw new InvalidOperationException("smtp4dev answered no message list.");
            found.AddRange(list.Results.Where(m => m.DeliveredTo.Contains(recipient, StringComparison.OrdinalIgnoreCase)
                || m.To.Any(t => t.Contains(recipient, StringComparison.OrdinalIgnoreCase))));
            if (page >= list.PageCount)
            {
                return found;
            }
        }
    }

    /// <summary>Waits until <paramref name="count"/> messages reached <paramref name="recipient"/> (and answers them), or fails after the timeout.</summary>
    public static async Task<IReadOnlyList<ReceivedMessage>> WaitForAsync(string recipient, int count = 1, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var messages = await MessagesToAsync(recipient);
            if (messages.Count >= count || DateTime.UtcNow > deadline)
            {
                return messages;
            }

            await Task.Delay(100);
        }
    }

    public static Task<string> HtmlAsync(ReceivedMessage message) => Http.GetStringAsync($"api/messages/{message.Id}/html");

    public static Task<string> PlainTextAsync(ReceivedMessage message) => Http.GetStringAsync($"api/messages/{message.Id}/plaintext");

    /// <summary>The message as it crossed the wire (headers and MIME parts).</summary>
    public static Task<string> SourceAsync(ReceivedMessage message) => Http.GetStringAsync($"api/messages/{message.Id}/raw");

    private static string Required(string variable) => Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value
        ? value
        : throw new InvalidOperationException($"Set {variable}, or run ./scripts/test, which starts smtp4dev and sets it.");

    private sealed record MessagePage(IReadOnlyList<ReceivedMessage> Results, int PageCount);
}

public sealed record ReceivedMessage(
    string Id,
    string From,
    IReadOnlyList<string> To,
    string Subject,
    [property: JsonPropertyName("deliveredTo")] string DeliveredTo,
    DateTimeOffset ReceivedDate);
