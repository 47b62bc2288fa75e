namespace CoffeeShop.Web.Payments.Stripe;

public enum WebhookAnswer
{
    Processed,
    Duplicate,
    BadSignature,
    NotConfigured,
    Failed,
}
