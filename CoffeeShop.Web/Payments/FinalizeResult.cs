using CoffeeShop.Web.Domain;

namespace CoffeeShop.Web.Payments;

public sealed record FinalizeResult(long PaymentRecordId, string OrderPublicId, PaymentStatus Status, bool Changed, bool StockReturned = false);
