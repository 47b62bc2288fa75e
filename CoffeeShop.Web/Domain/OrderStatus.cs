namespace CoffeeShop.Web.Domain;

public enum OrderStatus
{
    AwaitingPayment,
    Paid,
    Abandoned,
}
