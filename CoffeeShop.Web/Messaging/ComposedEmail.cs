using MimeKit;

namespace CoffeeShop.Web.Messaging;

/// <summary>A message ready for the wire: recipients, subject, HTML and its plain-text twin.</summary>
public sealed record ComposedEmail(IReadOnlyList<MailboxAddress> To, string Subject, string Html, string Text);
